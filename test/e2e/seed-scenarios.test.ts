/** The seed scenarios (scenarios/seed/*.yaml), decided both in process and over real gRPC. */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { responseHeader, structField, wireTrace } from '../../src/cli/check-client.js';
import { loadScenarios, scenarioCheckRequest, type Scenario } from '../../src/cli/scenario.js';
import type { CheckResponse } from '../../src/extauthz/envoy-types.js';
import { mapCheckRequest } from '../../src/extauthz/map-request.js';
import type { Verdict } from '../../src/pipeline/verdict.js';
import { tokenHeader } from '../support/exec-token.js';
import { startTestWrit, type TestWrit } from '../support/writ-server.js';

const scenarios = loadScenarios(join(import.meta.dirname, '..', '..', 'scenarios', 'seed'));
let t: TestWrit;

beforeAll(async () => {
  t = await startTestWrit();
});
afterAll(async () => t.stop());

const at = (s: Scenario) => (s.at === undefined ? Date.UTC(2026, 0, 5, 10, 0, 0) : Date.parse(s.at));

function expectFindings(s: Scenario, ids: readonly string[]) {
  const want = s.expect.findings;
  if (want === undefined) return;
  if (want.length === 0) expect(ids).toEqual([]);
  for (const prefix of want)
    expect(ids.some((id) => id === prefix || id.startsWith(`${prefix}.`))).toBe(true);
}

function expectRules(s: Scenario, rules: readonly string[]) {
  if (s.expect.rules !== undefined) expect(rules).toEqual(s.expect.rules);
  for (const r of s.expect.rules_include ?? []) expect(rules).toContain(r);
}

describe('seed scenarios over gRPC', () => {
  it('has the six seed scenarios', () => expect(scenarios.length).toBe(6));

  for (const s of scenarios) {
    it(`${s.name}: ${s.expect.decision}`, async () => {
      t.clock.now = at(s);
      const res: CheckResponse = await t.check.check(scenarioCheckRequest(s.request));
      expect(structField(res, 'writ_decision')).toBe(s.expect.decision);
      if (s.expect.code !== undefined) expect(structField(res, 'writ_code')).toBe(s.expect.code);
      const trace = wireTrace(res);
      expectRules(s, trace.rules);
      expectFindings(
        s,
        trace.inspectors.map((f) => f.id),
      );
      const allowed = s.expect.decision === 'ALLOW' || s.expect.decision === 'ALLOW_WITH_OBLIGATIONS';
      expect(res.status.code).toBe(allowed ? 0 : 7);
      if (allowed) {
        expect(res.ok_response).toBeDefined();
        const token = responseHeader(res, 'x-writ-token');
        // The turn's batch signature (header, payload, signature), then the token's claims and proof.
        expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\.[\w-]+\.[\w-]+$/);
        expect(tokenHeader(token!)).toMatchObject({ alg: 'EdDSA', typ: 'exec-batch+jwt' });
        expect(res.ok_response!.headers.find((h) => h.header.key === 'x-writ-token')!.append.value).toBe(
          false,
        );
      } else {
        expect(res.denied_response).toBeDefined();
        expect(res.denied_response!.status.code).toBe(s.expect.http_status ?? 403);
        expect(responseHeader(res, 'x-writ-decision')).toBe(s.expect.decision);
        const traceId = responseHeader(res, 'x-writ-trace-id');
        expect(traceId).toMatch(/^[0-9a-f-]{36}$/);
        const body = JSON.parse(res.denied_response!.body);
        expect(body).toMatchObject({ decision: s.expect.decision, trace_id: traceId });
        if (s.expect.code !== undefined) expect(body.reason).toBe(s.expect.code);
        // Findings are summarized per id: 200 e-mail addresses are one entry, not 200.
        expect(new Set(body.findings).size).toBe(body.findings.length);
        expect(responseHeader(res, 'x-writ-token')).toBeUndefined();
      }
      expect(trace.audit?.seq).toBeGreaterThan(0);
    });
  }
});

describe('seed scenarios in process', () => {
  for (const s of scenarios) {
    it(`${s.name}: ${s.expect.decision}`, async () => {
      t.clock.now = at(s);
      const mapped = mapCheckRequest(scenarioCheckRequest(s.request), 'check', t.clock.now, () => 'id');
      expect(mapped.ok).toBe(true);
      if (!mapped.ok) return;
      const v: Verdict = await t.writ.pipeline.run(mapped.raw);
      expect(v.decision).toBe(s.expect.decision);
      expectRules(s, v.rules);
      expectFindings(
        s,
        v.findings.map((f) => f.id),
      );
      expect(v.trace.audit?.seq).toBeGreaterThan(0);
    });
  }
});
