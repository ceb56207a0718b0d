/** The identity scenarios (scenarios/identity/*.yaml), decided over real gRPC and in process. */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { responseHeader, structField, wireTrace } from '../../../src/cli/check-client.js';
import { loadScenarios, scenarioCheckRequest, type Scenario } from '../../../src/cli/scenario.js';
import { mapCheckRequest } from '../../../src/extauthz/map-request.js';
import { ROOT, startIdentityWrit, type IdentityWrit } from './support/identity-writ.js';

const dir = join(ROOT, 'scenarios', 'identity');
const scenarios = loadScenarios(dir);
let t: IdentityWrit;

beforeAll(async () => {
  t = await startIdentityWrit({ extraPolicies: [join(dir, 'policies', 'delegation.yaml')] });
});
afterAll(async () => t.stop());

const roleOf = (s: Scenario) => s.request.role ?? 'check';

function expectRules(s: Scenario, rules: readonly string[]) {
  if (s.expect.rules !== undefined) expect(rules).toEqual(s.expect.rules);
  for (const r of s.expect.rules_include ?? []) expect(rules).toContain(r);
}

describe('identity scenarios over gRPC', () => {
  it('has the identity scenarios', () => expect(scenarios.length).toBeGreaterThanOrEqual(11));

  for (const s of scenarios) {
    it(`${s.name}: ${s.expect.decision}`, async () => {
      const client = roleOf(s) === 'inbound' ? t.inbound : t.check;
      const res = await client.check(scenarioCheckRequest(s.request, await t.headersFor(s.request)));
      expect(structField(res, 'writ_decision')).toBe(s.expect.decision);
      if (s.expect.code !== undefined) expect(structField(res, 'writ_code')).toBe(s.expect.code);
      const trace = wireTrace(res);
      expectRules(s, trace.rules);
      for (const prefix of s.expect.findings ?? []) {
        const ids = trace.inspectors.map((f) => f.id);
        expect(ids.some((id) => id === prefix || id.startsWith(`${prefix}.`))).toBe(true);
      }
      // A denial by the identity stage never reaches policy: no policy trace at all.
      if (s.expect.code?.startsWith('ERR_') === true) expect(trace.policy).toBeNull();
      const allowed = s.expect.decision === 'ALLOW';
      expect(res.status.code).toBe(allowed ? 0 : 7);
      if (s.expect.token === true)
        expect(responseHeader(res, 'x-writ-token')).toMatch(/^[\w-]+(\.[\w-]+){4}$/);
      if (!allowed) expect(res.denied_response!.status.code).toBe(s.expect.http_status ?? 403);
      // Every decision is audited like an outbound one; a deny before policy records no rule.
      const event = t.auditEvent(structField(res, 'writ_trace_id') as string);
      expect(event).toMatchObject({ role: roleOf(s), decision: s.expect.decision });
      if (s.expect.code !== undefined) expect(event['code']).toBe(s.expect.code);
      if (s.expect.code?.startsWith('ERR_') === true) expect(event['rules']).toEqual([]);
    });
  }
});

describe('identity scenarios in process', () => {
  for (const s of scenarios) {
    it(`${s.name}: ${s.expect.decision}`, async () => {
      const req = scenarioCheckRequest(s.request, await t.headersFor(s.request));
      const mapped = mapCheckRequest(req, roleOf(s), Date.now(), () => 'id');
      expect(mapped.ok).toBe(true);
      if (!mapped.ok) return;
      const v = await t.writ.pipeline.run(mapped.raw);
      expect(v.decision).toBe(s.expect.decision);
      if (s.expect.code !== undefined) expect(v.code).toBe(s.expect.code);
      expectRules(s, v.rules);
      // A denial by the identity stage never reaches policy: no policy trace at all.
      if (s.expect.code?.startsWith('ERR_') === true) expect(v.trace.policy).toBeNull();
    });
  }
});
