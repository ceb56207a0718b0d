/**
 * Issue 15 F7 over real gRPC: the deadline covers the whole decision. A costly body that cannot be decided
 * in time is ERR_TIMEOUT (503), audited, and never carries a token, even though every stage of it is
 * synchronous work a timer cannot interrupt; with time enough the same body is decided as usual.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { responseHeader, structField } from '../../src/cli/check-client.js';
import { scenarioCheckRequest } from '../../src/cli/scenario.js';
import { startTestWrit, type TestWrit } from '../support/writ-server.js';

/** An allowed analytics read with 20,000 harmless extra keys: legal, and costly to decide. */
const COSTLY = scenarioCheckRequest({
  mcp: {
    tool: 'query_db',
    arguments: {
      database: 'analytics-replica',
      query: 'SELECT 1',
      ...Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`key${i}`, `v${i}`])),
    },
  },
});

/** The same allowed read without the padding: cheap, decided straight through. */
const SMALL = scenarioCheckRequest({
  mcp: { tool: 'query_db', arguments: { database: 'analytics-replica', query: 'SELECT 1' } },
});

async function decide(t: TestWrit) {
  const res = await t.check.check(COSTLY);
  return {
    decision: structField(res, 'writ_decision'),
    code: structField(res, 'writ_code'),
    token: responseHeader(res, 'x-writ-token'),
    http: res.denied_response?.status.code,
  };
}

describe('a deadline shorter than the decision', () => {
  let t: TestWrit;
  beforeAll(async () => {
    t = await startTestWrit({ 'deadline-ms': '5' });
  });
  afterAll(async () => t.stop());

  it('is ERR_TIMEOUT with no token, and the timeout is audited', async () => {
    for (let i = 0; i < 3; i++) {
      const got = await decide(t);
      expect(got).toMatchObject({ decision: 'DENY', code: 'ERR_TIMEOUT', http: 503 });
      expect(got.token).toBeUndefined();
    }
    t.writ.audit.flush();
    const codes = readFileSync(t.auditFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { event: { code: string; decision: string } }).event);
    expect(codes.filter((e) => e.code === 'ERR_TIMEOUT' && e.decision === 'DENY')).toHaveLength(3);
  });
});

describe('a deadline long enough', () => {
  let t: TestWrit;
  beforeAll(async () => {
    t = await startTestWrit({ 'deadline-ms': '30000' });
  });
  afterAll(async () => t.stop());

  it('decides the same body as usual (allowed, with a token)', async () => {
    const got = await decide(t);
    expect(got).toMatchObject({ decision: 'ALLOW', code: 'POLICY_ALLOW' });
    expect(got.token).toBeDefined();
  });

  it('a small request sent while a costly one is being decided is answered first (it does not wait for it)', async () => {
    const order: string[] = [];
    const costly = decide(t).then((got) => {
      order.push('costly');
      return got;
    });
    // Sent after the costly body, on the same connection: it reaches the pipeline while that one is in progress.
    const small = t.check.check(SMALL).then((res) => {
      order.push('small');
      return structField(res, 'writ_decision');
    });
    expect(await small).toBe('ALLOW');
    expect((await costly).decision).toBe('ALLOW');
    expect(order).toEqual(['small', 'costly']);
  });
});
