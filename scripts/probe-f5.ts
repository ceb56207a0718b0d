/**
 * Probe for issue 15 class F5: sends every hostile SQL call of test/support/f5-hostile-sql.ts over real gRPC
 * to a writ running the default pack, and counts the calls allowed (OK with an x-writ-token).
 * Run: npx tsx scripts/probe-f5.ts [--list]
 */
import { responseHeader, structField } from '../src/cli/check-client.js';
import { scenarioCheckRequest } from '../src/cli/scenario.js';
import { F5_EXAMPLES, F5_NON_SQL_TOOLS, F5_VARIANTS } from '../test/support/f5-hostile-sql.js';
import { startTestWrit } from '../test/support/writ-server.js';

const list = process.argv.includes('--list');
const t = await startTestWrit();
try {
  const allowed = async (tool: string, args: Record<string, unknown>): Promise<boolean> => {
    const res = await t.check.check(scenarioCheckRequest({ mcp: { tool, arguments: args } }));
    const ok = res.status.code === 0 && responseHeader(res, 'x-writ-token') !== undefined;
    if (list && ok)
      console.log(`  allowed: ${tool} ${JSON.stringify(args)} (${String(structField(res, 'writ_code'))})`);
    return ok;
  };
  const count = async (name: string, calls: Array<[string, Record<string, unknown>]>) => {
    let n = 0;
    for (const [tool, args] of calls) if (await allowed(tool, args)) n++;
    console.log(`${name}: ${n} of ${calls.length} allowed`);
  };
  const onReplica = (sqls: readonly { sql: string }[]): Array<[string, Record<string, unknown>]> =>
    sqls.flatMap((h) => [
      ['query_db', { database: 'analytics-replica', query: h.sql }],
      ['select_rows', { database: 'analytics', sql: h.sql }],
    ]);
  await count('F5 issue examples (query_db / sql_query on the analytics databases)', onReplica(F5_EXAMPLES));
  await count('F5 variants', onReplica(F5_VARIANTS));
  await count(
    'F5 non-SQL tools naming an analytics database',
    F5_NON_SQL_TOOLS.map((c) => [c.tool, c.arguments]),
  );
  await count('control: reads that must stay allowed', [
    ['query_db', { database: 'analytics-replica', query: 'SELECT id, status FROM orders WHERE id = 42' }],
    ['query_db', { database: 'analytics', query: 'SELECT count(*) FROM orders GROUP BY status' }],
  ]);
} finally {
  await t.stop();
}
