/** sql-injection: values read in each quoting context, statements scored with statement rules. */
import { describe, expect, it } from 'vitest';
import { sqlInjectionInspector as insp } from '../../src/pipeline/inspect/inspectors/sql-injection.js';
import { PARSE_CHANGE_LIMIT, parseChange } from '../../src/pipeline/inspect/lib/sql-parse-change.js';
import { ids, runArgs } from './inspect-helpers.js';
import { cpuMsOf } from '../support/cpu-time.js';

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

describe('sql-injection: statements that carry a spliced value', () => {
  const statement = (sql: string) => runArgs(insp, 'db.query', { sql });

  it("flags a comment that swallows the query's closing quote, whatever precedes it", () => {
    for (const sql of [
      "SELECT * FROM t WHERE name = 'q' order by lower(name) -- '",
      "SELECT * FROM t WHERE name = '1' GROUP BY 1,2,--+'",
      "SELECT * FROM t WHERE (name = 'x') -- ')",
    ]) {
      expect(ids(statement(sql)), sql).toContain('sql-injection.comment-truncation');
    }
  });
  it('passes a commented-out literal, which holds both of its quotes', () => {
    expect(statement("SELECT id FROM t -- 'draft'")).toEqual([]);
    expect(statement("SELECT id FROM t WHERE a = f(1) -- was 'b'")).toEqual([]);
  });
  it('flags a compared string that another literal operates on (implicit tautologies)', () => {
    for (const sql of [
      "SELECT * FROM t WHERE name = '' <= ''",
      "SELECT * FROM t WHERE name = 'A' / 'B'",
      "SELECT * FROM t WHERE name = ''OR''",
      "SELECT * FROM t WHERE name = 'a' NOT LIKE 'b'",
      "SELECT * FROM t WHERE name = 'abc' = !!'0'",
    ]) {
      expect(ids(statement(sql)), sql).toEqual(['sql-injection.tautology']);
    }
  });
  it('passes the grammar that puts an operator after a compared string', () => {
    for (const sql of [
      "SELECT * FROM t WHERE d BETWEEN '2020-01-01' AND '2020-12-31'",
      "SELECT * FROM t WHERE created > '2024-01-01' - INTERVAL 1 DAY",
      "SELECT * FROM t WHERE name = 'a' || 'b'",
      "SELECT * FROM people WHERE full_name = 'John' + ' ' + 'Smith'",
      "SELECT * FROM t WHERE ts >= '2024-01-01' AND ts < '2024-02-01'",
      "SELECT * FROM t WHERE data->>'name' = 'x' AND kind::text = 'y'",
    ]) {
      expect(statement(sql), sql).toEqual([]);
    }
  });
  it('flags a UNION branch that asks the server who it is, and passes a report union', () => {
    expect(
      ids(statement("SELECT a FROM t WHERE n = 'q' UNION SELECT concat_ws(':', user(), @@datadir)")),
    ).toEqual(['sql-injection.union']);
    expect(statement('SELECT id, name FROM staff UNION SELECT id, name FROM contractors')).toEqual([]);
  });
});

describe('sql-injection: identifier and number fields', () => {
  it('reads a statement in an identifier field as an injected value, not as a query', () => {
    for (const [key, v] of [
      ['customer_id', 'select 1,concat_ws(0x3a,username,password),3 from admin'],
      ['orderId', '(select count(*) from information_schema.tables as t1)'],
      ['page', 'select @@version'],
      ['customer_id', 'select current_database();'],
    ] as const) {
      expect(ids(runArgs(insp, 'crm.lookup', { [key]: v })).length, `${key}: ${v}`).toBeGreaterThan(0);
    }
  });
  it('keeps statement rules for the same text in other fields', () => {
    expect(runArgs(insp, 'crm.note', { text: 'select 1,name,3 from admin' })).toEqual([]);
  });
  it('reads CAST and CONVERT with a parenthesis as calls, and time-based calls as SQL', () => {
    expect(ids(runArgs(insp, 'crm.lookup', { customer_id: ' AND 5650=CONVERT(INT,1)' }))).toEqual([
      'sql-injection.tautology',
    ]);
    expect(ids(runArgs(insp, 'crm.lookup', { customer_id: 'RANDOMBLOB(500000000/2)' }))).toEqual([
      'sql-injection.time-based',
    ]);
  });
});

describe('sql parse-tree change (lib/sql-parse-change)', () => {
  it('reports values that change the tree of a query they are spliced into', () => {
    const cases: Array<[string, string]> = [
      ["zed' OR 4=4 AND 'q'='q", 'boolean'],
      ['12 OR pg_sleep(3)=0', 'boolean'],
      ["k2' UNION SELECT name FROM pets -- ", 'union'],
      ['0) OR (7>2', 'boolean'],
      ["ab'; DELETE FROM pets; -- ", 'statement'],
      ["t9'/* tail", 'none'],
      ['( 2 OR @v )  #', 'truncation'],
      ['LENGTH(user())', 'call'],
      ['5 - (SELECT 1)', 'subquery'],
    ];
    for (const [v, want] of cases) expect(parseChange(v), v).toBe(want);
  });
  it('reads an unterminated block comment as truncating the rest of the query', () => {
    expect(parseChange("t9' OR 2>1 /* tail")).toBe('truncation');
  });
  it('leaves literals, search syntax, lists and prose alone', () => {
    for (const v of [
      'Ocean blue 42',
      '"lamp" AND "shade"',
      '1990 or 2001',
      "O'Brien & Sons",
      'Acme (UK) Ltd',
      'Widget(blue),extra',
      'size 8 -wide -narrow --sale',
      '3.5 * 2',
      'tom@example.org',
    ])
      expect(parseChange(v), v).toBe('none');
  });
  it('stays bounded and never throws on hostile input', () => {
    const hostile = [
      '(select '.repeat(64),
      '('.repeat(300) + ')'.repeat(300),
      "'or(".repeat(128),
      '1=1 or '.repeat(73),
      '/*'.repeat(256),
      'case when 1 then '.repeat(30),
      "x' or y='".repeat(50),
      'z'.repeat(PARSE_CHANGE_LIMIT + 1),
    ];
    const spent = cpuMsOf(() => {
      for (const v of hostile) expect(() => parseChange(v.slice(0, PARSE_CHANGE_LIMIT))).not.toThrow();
    });
    expect(spent).toBeLessThan(2_000);
    expect(parseChange('(select '.repeat(8) + '1')).toBe('none');
  });
});
