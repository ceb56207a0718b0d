/**
 * Every typed adapter's golden cases (test/adapters/golden/*.yaml), read in process (the normalized action and
 * the pipeline's verdict) and over real gRPC through the check role (the decision and the wire trace).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { structField, wireTrace } from '../../src/cli/check-client.js';
import { scenarioCheckRequest } from '../../src/cli/scenario.js';
import type { Action } from '../../src/pipeline/model/action.js';
import { API_FAMILIES } from '../../src/pipeline/normalize/adapters/families.js';
import { normalizeRequest, type NormalizeConfig } from '../../src/pipeline/normalize/index.js';
import { parseMcpEndpoint } from '../../src/pipeline/normalize/mcp-endpoint.js';
import { startTestWrit, type TestWrit } from '../support/writ-server.js';
import { goldenRaw, goldenTime, loadGoldenFiles, type GoldenCase } from './golden.js';

const files = loadGoldenFiles();
const lists = (
  parse(readFileSync(join(import.meta.dirname, '..', '..', 'policies', 'default.yaml'), 'utf8')) as {
    lists: Record<string, string[]>;
  }
).lists;
/** Normalization as the default pack configures it (its internal domains, production databases, MCP endpoints). */
const config: NormalizeConfig = {
  internalDomains: lists['internal_domains'] ?? [],
  productionDatabases: lists['production_databases'] ?? [],
  mcpEndpoints: (lists['mcp_endpoints'] ?? []).map(parseMcpEndpoint),
  trustAgentHeaders: false,
};

function expectReading(c: GoldenCase, action: Action): void {
  const e = c.expect;
  expect(action.action.adapter).toBe(e.adapter);
  expect(action.action.operation).toBe(e.operation);
  if (e.api_operation !== undefined) expect(action.action.apiOperation ?? null).toBe(e.api_operation);
  if (e.kind !== undefined) expect(action.resource.kind).toBe(e.kind);
  if (e.owner !== undefined) expect(action.resource.owner).toBe(e.owner);
  if (e.id !== undefined) expect(action.resource.id).toBe(e.id);
  if (e.environment !== undefined) expect(action.resource.environment).toBe(e.environment);
  if (e.recipients !== undefined)
    expect([...action.resource.recipients].sort()).toEqual([...e.recipients].sort());
  if (e.external_recipient_domains !== undefined)
    expect([...action.resource.externalRecipientDomains].sort()).toEqual(
      [...e.external_recipient_domains].sort(),
    );
  if (e.amount !== undefined) expect(action.action.amount ?? null).toBe(e.amount);
  if (e.currency !== undefined) expect(action.action.currency ?? null).toBe(e.currency);
}

describe('golden files', () => {
  it('every typed API family has at least ten golden cases: reads, writes and deletes', () => {
    const byFamily = new Map(files.map((f) => [f.family, f.cases]));
    for (const family of API_FAMILIES) {
      const cases = byFamily.get(family.id) ?? [];
      expect(cases.length, family.id).toBeGreaterThanOrEqual(10);
      const ops = new Set(cases.map((c) => c.expect.operation));
      for (const op of ['read', 'write', 'delete']) expect(ops.has(op), `${family.id}: ${op}`).toBe(true);
    }
  });
});

describe('golden cases in process', () => {
  for (const file of files)
    for (const c of file.cases)
      it(`${file.family}: ${c.name}`, () => {
        expectReading(c, normalizeRequest(goldenRaw(c), config));
      });
});

describe('golden cases through the pipeline and over real gRPC', () => {
  let t: TestWrit;
  beforeAll(async () => {
    t = await startTestWrit();
  });
  afterAll(async () => t.stop());

  for (const file of files)
    for (const c of file.cases)
      it(`${file.family}: ${c.name}`, async () => {
        t.clock.now = goldenTime(c);
        const inProcess = await t.writ.pipeline.run(goldenRaw(c));
        const res = await t.check.check(scenarioCheckRequest(c.request));
        const trace = wireTrace(res);
        for (const normalized of [inProcess.trace.normalized, trace.normalized]) {
          expect(normalized).not.toBeNull();
          expect(normalized?.adapter).toBe(c.expect.adapter);
          expect(normalized?.operation).toBe(c.expect.operation);
          if (c.expect.api_operation !== undefined)
            expect(normalized?.apiOperation).toBe(c.expect.api_operation);
          if (c.expect.kind !== undefined) expect(normalized?.resourceKind).toBe(c.expect.kind);
          if (c.expect.owner !== undefined) expect(normalized?.resourceOwner).toBe(c.expect.owner);
          if (c.expect.id !== undefined) expect(normalized?.resourceId).toBe(c.expect.id);
        }
        expect(structField(res, 'writ_decision')).toBe(inProcess.decision);
        if (c.expect.decision !== undefined) expect(inProcess.decision).toBe(c.expect.decision);
        for (const rule of c.expect.rules_include ?? []) {
          expect(inProcess.rules).toContain(rule);
          expect(trace.rules).toContain(rule);
        }
      });
});
