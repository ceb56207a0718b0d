/** sql-injection: values read in each quoting context, statements scored with statement rules. */
import { describe, expect, it } from 'vitest';
import { sqlInjectionInspector as insp } from '../../src/pipeline/inspect/inspectors/sql-injection.js';
import { ids, runArgs } from './inspect-helpers.js';

describe('sql-injection', () => {
  it('flags a quote breakout followed by a tautology in a data value', () => {
    const f = runArgs(insp, 'crm.lookup', { customer_id: "7' OR 'x'='x" });
    expect(ids(f)).toEqual(['sql-injection.tautology']);
  });
  it('flags a UNION probe and a timing probe in values', () => {
    expect(ids(runArgs(insp, 'crm.lookup', { name: '0 UNION SELECT null, null, version()--' }))).toHaveLength(
      1,
    );
    expect(ids(runArgs(insp, 'crm.lookup', { name: '1 AND SLEEP(5)' }))).toEqual([
      'sql-injection.time-based',
    ]);
  });
  it('flags a NoSQL operator key', () => {
    expect(ids(runArgs(insp, 'docs.find', { filter: { $where: 'this.a == this.a' } }))).toContain(
      'sql-injection.nosql-operator',
    );
  });
  it('passes ordinary statements and prose', () => {
    expect(
      runArgs(insp, 'db.query', { sql: "SELECT id FROM orders WHERE status = 'open' AND total > 10" }),
    ).toEqual([]);
    expect(
      runArgs(insp, 'crm.note', { text: "Dana's order shipped; she and Lee were happy or so it seemed." }),
    ).toEqual([]);
  });
  it('flags subqueries, arithmetic comparisons and string-operator-string breakouts in values', () => {
    for (const v of [
      '9 or (select count(*) from accounts)>0',
      'abc OR (2)*3=(6)',
      "x' ^ '",
      '3e1UNION SELECT 1',
    ]) {
      expect(ids(runArgs(insp, 'crm.lookup', { customer_id: v })).length, v).toBeGreaterThan(0);
    }
  });
  it('passes search syntax and prose that only looks like SQL', () => {
    for (const v of [
      '"red scarf" AND "wool"',
      'Gate code 42; call when you arrive',
      'ITEM 5" #3 BLUE',
      'DO OR NOT DO, THERE IS NO TRY',
    ]) {
      expect(runArgs(insp, 'crm.lookup', { customer_id: v }), v).toEqual([]);
    }
  });
});
