/**
 * Issue 15 F1 over real gRPC with the default pack: hostile calls hidden behind padding (leaves, keys,
 * nesting, decoding, query strings, forms) are denied, and a request past an inspection bound is
 * ERR_INSPECTION_LIMIT (413), audited, never allowed. The examples plus generated variants.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { responseHeader, structField } from '../../src/cli/check-client.js';
import { scenarioCheckRequest, type ScenarioRequest } from '../../src/cli/scenario.js';
import { INSPECTION_LIMITS } from '../../src/pipeline/model/inspection-limits.js';
import { ATTACKS, hostileProbes, nest } from './hostile-padding.case.js';
import { startTestWrit, type TestWrit } from '../support/writ-server.js';

let t: TestWrit;
beforeAll(async () => {
  // A deadline long enough for 1 MiB bodies on a loaded host: this suite checks inspection bounds, and a
  // body decided past the default 250 ms would be ERR_TIMEOUT (also a deny) before reaching them.
  t = await startTestWrit({ 'deadline-ms': '30000' });
});
afterAll(async () => t.stop());

async function decide(r: ScenarioRequest) {
  const res = await t.check.check(scenarioCheckRequest(r));
  return {
    decision: structField(res, 'writ_decision'),
    code: structField(res, 'writ_code'),
    token: responseHeader(res, 'x-writ-token'),
    grpc: res.status.code,
    http: res.denied_response?.status.code,
  };
}

function auditedCodes(): string[] {
  t.writ.audit.flush();
  return readFileSync(t.auditFile, 'utf8')
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as { event: { code: string } }).event.code);
}

describe('padding hides nothing (the issue examples)', () => {
  for (const p of hostileProbes()) {
    it(`${p.name}: denied, as its unpadded control is`, async () => {
      const control = await decide(p.control);
      expect(control.token).toBeUndefined();
      const padded = await decide(p.padded);
      expect(padded.decision).toBe('DENY');
      expect(padded.grpc).toBe(7);
      expect(padded.token).toBeUndefined();
    });
  }
});

describe('past a bound: ERR_INSPECTION_LIMIT, audited', () => {
  const attack = ATTACKS[0]!;
  it('one node past the bound in the arguments', async () => {
    // The JSON-RPC envelope and the attack's keys take nodes too: this is over the bound whatever they hold.
    const pad = Array.from({ length: INSPECTION_LIMITS.maxNodes }, () => 0);
    const got = await decide({ mcp: { tool: attack.tool, arguments: { pad, ...attack.args } } });
    expect(got).toMatchObject({ decision: 'DENY', code: 'ERR_INSPECTION_LIMIT', grpc: 7, http: 413 });
    expect(got.token).toBeUndefined();
  });
  it('harmless arguments past the bound are refused too (a limit is never a pass)', async () => {
    const pad = Array.from({ length: INSPECTION_LIMITS.maxNodes }, () => 'x');
    const got = await decide({
      mcp: { tool: 'query_db', arguments: { database: 'analytics-replica', query: 'SELECT 1', pad } },
    });
    expect(got).toMatchObject({ decision: 'DENY', code: 'ERR_INSPECTION_LIMIT', http: 413 });
  });
  it('more query values than the bound', async () => {
    const query = Array.from({ length: INSPECTION_LIMITS.maxNodes + 1 }, (_, i) => `p${i}=x`).join('&');
    const got = await decide({ method: 'GET', authority: 'api.github.com', path: `/repos/a/b?${query}` });
    expect(got).toMatchObject({ decision: 'DENY', code: 'ERR_INSPECTION_LIMIT' });
  });
  it('text still encoded after the last decoding layer', async () => {
    let v = 'cat /etc/shadow';
    for (let i = 0; i <= INSPECTION_LIMITS.maxDecodeLayers; i++) v = encodeURIComponent(v);
    const got = await decide({ mcp: { tool: 'run_shell', arguments: { command: 'ls', note: v } } });
    expect(got).toMatchObject({ decision: 'DENY', code: 'ERR_INSPECTION_LIMIT' });
  });
  it('every one of those denies is in the audit log under its code', () => {
    expect(auditedCodes().filter((c) => c === 'ERR_INSPECTION_LIMIT').length).toBeGreaterThanOrEqual(4);
  });
});

/** Generated padding around a generated attack: shapes, sizes, places and carriers the issue does not list. */
const padding = fc.oneof(
  fc.record({ shape: fc.constant('array' as const), n: fc.integer({ min: 0, max: 60_000 }) }),
  fc.record({ shape: fc.constant('object' as const), n: fc.integer({ min: 0, max: 30_000 }) }),
  fc.record({ shape: fc.constant('keys' as const), n: fc.integer({ min: 0, max: 30_000 }) }),
  fc.record({ shape: fc.constant('grid' as const), n: fc.integer({ min: 0, max: 300 }) }),
  fc.record({ shape: fc.constant('deep' as const), n: fc.integer({ min: 0, max: 140 }) }),
);
type Padding = { shape: 'array' | 'object' | 'keys' | 'grid' | 'deep'; n: number };

function padded(
  pad: Padding,
  attack: Readonly<Record<string, unknown>>,
  base: Readonly<Record<string, unknown>>,
  after: boolean,
): unknown {
  const place = (p: Record<string, unknown>) => (after ? { ...attack, ...p } : { ...p, ...attack });
  switch (pad.shape) {
    case 'array':
      return place({ pad: Array.from({ length: pad.n }, (_, i) => `x${i % 7}`) });
    case 'object':
      return place({ pad: Object.fromEntries(Array.from({ length: pad.n }, (_, i) => [`k${i}`, 'x'])) });
    case 'keys':
      return place(Object.fromEntries(Array.from({ length: pad.n }, (_, i) => [`p${i}`, i])));
    case 'grid':
      return place({ pad: Array.from({ length: pad.n }, () => Array.from({ length: 100 }, () => 'x')) });
    case 'deep':
      return { ...base, a: nest(attack, pad.n) };
  }
}

describe('generated padding (fast-check) never lets an attack through', () => {
  it('MCP arguments: any shape, size and place of padding', async () => {
    await fc.assert(
      fc.asyncProperty(padding, fc.constantFrom(...ATTACKS), fc.boolean(), async (pad, attack, after) => {
        const got = await decide({
          mcp: { tool: attack.tool, arguments: padded(pad, attack.args, attack.base, after) },
        });
        expect(got.token).toBeUndefined();
        expect(got.decision).toBe('DENY');
      }),
      { numRuns: 40 },
    );
  }, 300_000);
  it('REST: a metadata URL in the query or a form, behind padded bodies and queries', async () => {
    const metadata = 'http://169.254.169.254/latest/meta-data/';
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 60_000 }),
        fc.constantFrom('query' as const, 'form' as const, 'json+query' as const),
        fc.boolean(),
        async (n, carrier, after) => {
          const fields = Array.from({ length: n }, (_, i) => `p${i}=x`);
          const url = `url=${encodeURIComponent(metadata)}`;
          const list = (after ? [url, ...fields] : [...fields, url]).join('&');
          const base: ScenarioRequest = {
            method: 'GET',
            authority: 'api.github.com',
            path: '/repos/acme/app',
          };
          const r: ScenarioRequest =
            carrier === 'query'
              ? { ...base, path: `/repos/acme/app?${list}` }
              : carrier === 'form'
                ? { ...base, body: list, headers: { 'content-type': 'application/x-www-form-urlencoded' } }
                : { ...base, path: `/repos/acme/app?${url}`, json: { pad: fields } };
          const got = await decide(r);
          expect(got.token).toBeUndefined();
          expect(got.decision).toBe('DENY');
        },
      ),
      { numRuns: 30 },
    );
  }, 300_000);
});
