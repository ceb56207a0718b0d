/** The SQL statement reader: every F5 shape is not a read, reads stay reads, prose is not SQL, dialect tricks are seen. */
import { describe, expect, it } from 'vitest';
import {
  MAX_SQL_CHARS,
  readSqlOperation,
  sqlOperation,
  sqlTexts,
} from '../../src/pipeline/normalize/sql-arguments.js';
import { classifySqlText } from '../../src/pipeline/sql/statement-class.js';
import { F5_EXAMPLES, F5_VARIANTS } from '../support/f5-hostile-sql.js';
import { cpuMsOf } from '../support/cpu-time.js';

describe('classifySqlText', () => {
  it('has the 27 F5 examples of issue 15', () => expect(F5_EXAMPLES).toHaveLength(27));

  for (const h of [...F5_EXAMPLES, ...F5_VARIANTS])
    it(`does not read ${JSON.stringify(h.sql)} as a read (${h.why})`, () => {
      const cls = classifySqlText(h.sql);
      expect(cls).not.toBe('read');
      expect(cls).not.toBeNull();
    });

  it.each([
    ['SELECT 1; DROP TABLE orders', 'delete'],
    ['BEGIN; DELETE FROM orders; COMMIT', 'delete'],
    ['WITH d AS (DELETE FROM orders RETURNING *) SELECT * FROM d', 'delete'],
    ['EXPLAIN ANALYZE DELETE FROM orders', 'delete'],
    ["SELECT dblink_exec('x', 'DROP TABLE users')", 'exec'],
    ['DO $$ BEGIN DROP TABLE orders; END $$', 'delete'],
    ['CALL purge()', 'exec'],
    ["SELECT * FROM users INTO OUTFILE '/tmp/x'", 'admin'],
    ['SET ROLE postgres', 'admin'],
    ['KILL 42', 'admin'],
    ['SHUTDOWN', 'admin'],
    ["SELECT nextval('s')", 'write'],
    ['SELECT * FROM orders FOR UPDATE', 'write'],
    ['SELECT my_function()', 'unknown'],
    ['FOO; SELECT 1', 'unknown'],
    ["SELECT 'unterminated", 'unknown'],
    ['/* unterminated DROP', 'unknown'],
    ['INSERT INTO orders (id) VALUES (1) ON CONFLICT (id) DO NOTHING', 'write'],
  ])('classifies %j as %s', (sql, cls) => expect(classifySqlText(sql)).toBe(cls));

  it.each([
    'SELECT id, status FROM orders WHERE id = 42',
    "SELECT 'DROP TABLE orders; --' AS note",
    'select count(*) from orders group by status having count(*) > 1 order by 1 desc limit 10',
    "WITH t(day, n) AS (SELECT date_trunc('day', created_at), count(*) FROM orders GROUP BY 1) SELECT * FROM t",
    'WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT n FROM r',
    'SELECT * FROM generate_series(1, 3) AS g(n)',
    'SELECT * FROM (VALUES (1), (2)) v(a)',
    'EXPLAIN SELECT * FROM orders',
    'EXPLAIN (ANALYZE, BUFFERS) SELECT * FROM orders',
    'SHOW CREATE TABLE orders',
    'SHOW search_path',
    'DESCRIBE orders',
    'TABLE orders',
    'VALUES (1, 2)',
    'BEGIN READ ONLY; SELECT 1; COMMIT',
    'START TRANSACTION READ ONLY; SELECT 1; ROLLBACK',
    'SAVEPOINT a; SELECT 1; RELEASE SAVEPOINT a',
    "SELECT E'it\\'s', $q$x$q$",
    "SELECT 'it\\'s'",
    'SELECT 1 -- ; DROP TABLE orders',
    'SELECT 1 /* ; DROP TABLE orders */',
    'SELECT pg_catalog.lower(name) FROM users',
    'SELECT t.delete, t.update FROM t',
    "SELECT CAST(total AS numeric(10, 2)), total::varchar(10), replace(name, 'a', 'b') FROM orders",
    'SELECT o.id FROM orders o LEFT JOIN users u ON u.id = o.customer_id WHERE EXISTS (SELECT 1 FROM t)',
    ';;SELECT 1;;',
  ])('reads %j as a read', (sql) => expect(classifySqlText(sql)).toBe('read'));

  it.each(['best pizza near me', "it's late", 'constructor', '42', '', '   ', '-- only a comment'])(
    'reads %j as not SQL',
    (text) => expect(classifySqlText(text)).toBeNull(),
  );

  it.each([
    // MySQL runs the body of an executable comment; PostgreSQL's `#` is an operator, MySQL's a comment.
    ['SELECT 1 /*!; DROP TABLE orders */', 'delete'],
    ['SELECT 1 # x\n; DROP TABLE orders', 'delete'],
    ['SELECT 1 # 2; DROP TABLE orders', 'delete'],
    // MySQL needs a space after `--`: `--1` is minus minus one.
    ['SELECT 1 --1; DROP TABLE orders', 'delete'],
    // A backslash escapes a quote in MySQL and in PostgreSQL's E'' strings, not in standard strings.
    ["SELECT '\\'; DROP TABLE orders; -- '", 'delete'],
    ["SELECT E'\\'; DROP TABLE orders; --'", 'delete'],
    // PostgreSQL comments nest.
    ['/* a /* b */ ; DROP TABLE orders */ SELECT 1', 'delete'],
    // A dollar quote is one string in PostgreSQL and words in MySQL.
    ['SELECT $$; DROP TABLE orders; $$', 'delete'],
  ])('sees %j under every dialect reading: %s', (sql, cls) => expect(classifySqlText(sql)).toBe(cls));

  it('reads the most SQL a call may carry (64 KiB) in linear time', () => {
    const big = ('SELECT ' + 'f(1), '.repeat(11_000)).slice(0, MAX_SQL_CHARS - 20) + '; DROP TABLE t';
    let read: string | null = null;
    // ~40 ms of CPU measured on one shared core; the bound leaves room for a slower CI machine.
    expect(cpuMsOf(() => (read = classifySqlText(big)))).toBeLessThan(1_000);
    expect(read).toBe('delete');
  });
});

describe('the SQL of a tool call', () => {
  it('reads every string under a SQL key, at any depth and in lists', () => {
    expect(
      sqlTexts({
        database: 'analytics',
        query: 'SELECT 1',
        nested: { sql: 'SELECT 2', deeper: [{ statement: 'SELECT 3' }] },
        statements: ['SELECT 4', 'SELECT 5'],
        raw_sql: { text: 'SELECT 6' },
        note: 'DROP TABLE not_sql_key',
      }),
    ).toEqual(['SELECT 1', 'SELECT 2', 'SELECT 3', 'SELECT 4', 'SELECT 5', 'SELECT 6']);
  });

  it('is the most dangerous class of all of them', () => {
    expect(readSqlOperation({ query: 'SELECT 1', batch: { statements: ['SELECT 2', 'TRUNCATE t'] } })).toBe(
      'delete',
    );
    expect(readSqlOperation({ query: 'SELECT 1', q: 'DROP TABLE t' })).toBe('read');
    expect(readSqlOperation({ query: 'best pizza near me' })).toBeNull();
    expect(readSqlOperation({ database: 'analytics' })).toBeNull();
  });

  it('reads up to 64 KiB of SQL and refuses one character more with ERR_SQL_TOO_LONG', () => {
    const at = 'SELECT 1' + ' '.repeat(MAX_SQL_CHARS - 8);
    expect(readSqlOperation({ query: at })).toBe('read');
    const past = { query: at.slice(0, MAX_SQL_CHARS / 2), sql: at.slice(0, MAX_SQL_CHARS / 2 + 1) };
    expect(() => readSqlOperation(past)).toThrowError(
      expect.objectContaining({ code: 'ERR_SQL_TOO_LONG' }) as Error,
    );
    // Policy reads the same arguments without throwing: past the limit they are not a read.
    expect(sqlOperation(past)).toBe('unknown');
  });
});
