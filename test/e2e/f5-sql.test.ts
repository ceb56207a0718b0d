/**
 * Issue 15 class F5 over real gRPC against the default pack (check role): every hostile SQL call of the issue,
 * its variants and generated writes is refused, a non-SQL tool naming an analytics database is not a query,
 * and reads stay allowed with a token.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { responseHeader, structField, wireTrace } from '../../src/cli/check-client.js';
import { scenarioCheckRequest } from '../../src/cli/scenario.js';
import type { CheckResponse } from '../../src/extauthz/envoy-types.js';
import { classifySqlText } from '../../src/pipeline/sql/statement-class.js';
import { F5_EXAMPLES, F5_NON_SQL_TOOLS, F5_VARIANTS } from '../support/f5-hostile-sql.js';
import { startTestWrit, type TestWrit } from '../support/writ-server.js';
import { sqlText } from '../sql/sql-grammar.js';

let t: TestWrit;
beforeAll(async () => {
  t = await startTestWrit();
});
afterAll(async () => t.stop());

const call = (tool: string, args: Record<string, unknown>): Promise<CheckResponse> =>
  t.check.check(scenarioCheckRequest({ mcp: { tool, arguments: args } }));

function expectRefused(res: CheckResponse): void {
  expect(res.status.code).toBe(7);
  expect(res.ok_response).toBeUndefined();
  expect(responseHeader(res, 'x-writ-token')).toBeUndefined();
}

/** The shapes a SQL-carrying call takes: read-named tools, each SQL key, nested, in a list. */
const FORMS: ReadonlyArray<(sql: string) => [string, Record<string, unknown>]> = [
  (sql) => ['query_db', { database: 'analytics-replica', query: sql }],
  (sql) => ['sql_query', { database: 'analytics', sql }],
  (sql) => ['query_db', { database: 'analytics', query: 'SELECT 1', request: { statement: sql } }],
  (sql) => ['query_db', { database: 'analytics', statements: ['SELECT 1', sql] }],
];

describe('F5: SQL on the analytics databases over gRPC (default pack)', () => {
  for (const h of [...F5_EXAMPLES, ...F5_VARIANTS])
    it(`refuses ${JSON.stringify(h.sql)} (${h.why}) in every call form`, async () => {
      for (const form of FORMS) {
        const [tool, args] = form(h.sql);
        const res = await call(tool, args);
        expectRefused(res);
        // Never allowed by the read rule, whatever else decided.
        expect(wireTrace(res).rules).not.toContain('analytics-readonly');
      }
    });

  it('names the rule: a stacked DROP is destructive SQL on a non-production database', async () => {
    const res = await call('query_db', {
      database: 'analytics-replica',
      query: 'SELECT 1; DROP TABLE orders',
    });
    expectRefused(res);
    expect(structField(res, 'writ_code')).toBe('POLICY_DENY');
    expect(wireTrace(res).rules).toEqual(['analytics-non-read-denied', 'destructive-sql-denied']);
  });

  for (const c of F5_NON_SQL_TOOLS)
    it(`does not let analytics-readonly allow ${c.tool} ${JSON.stringify(c.arguments)}`, async () => {
      expectRefused(await call(c.tool, c.arguments));
    });

  it('refuses generated texts writ reads as writes, in both dialects (fast-check)', async () => {
    const texts = [
      ...fc.sample(sqlText('postgresql', true), { numRuns: 60, seed: 1515 }),
      ...fc.sample(sqlText('mysql', true), { numRuns: 60, seed: 1516 }),
    ].filter((s) => classifySqlText(s) !== 'read');
    expect(texts.length).toBeGreaterThan(40);
    for (const sql of texts) expectRefused(await call('query_db', { database: 'analytics', query: sql }));
  });

  it('refuses SQL past 64 KiB with its own code', async () => {
    const res = await call('query_db', { database: 'analytics', query: 'SELECT 1' + ' '.repeat(70_000) });
    expectRefused(res);
    expect(structField(res, 'writ_code')).toBe('ERR_SQL_TOO_LONG');
  });

  it.each([
    ['query_db', { database: 'analytics-replica', query: 'SELECT id, status FROM orders WHERE id = 42' }],
    ['sql_query', { database: 'analytics', sql: 'BEGIN READ ONLY; SELECT count(*) FROM orders; COMMIT' }],
    ['query_db', { database: 'analytics', query: "SELECT 'DROP TABLE orders; --' AS note" }],
  ] as const)('still allows the read %s %j with a token', async (tool, args) => {
    const res = await call(tool, { ...args });
    expect(res.status.code).toBe(0);
    expect(responseHeader(res, 'x-writ-token')).toBeDefined();
    expect(wireTrace(res).rules).toEqual(['analytics-readonly']);
  });
});
