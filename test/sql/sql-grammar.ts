/**
 * A fast-check grammar of SQL texts for the statement reader's tests: reads (joins, CTEs, subqueries, EXPLAIN,
 * transactions) and writes (DML, DDL, data-modifying CTEs, EXPLAIN ANALYZE, SELECT INTO, row locks, sequences),
 * stacked and wrapped in the comment, quoting and escaping tricks of issue 15's class F5. Every table it names
 * exists in the oracle's scratch schema (test/sql/scratch-schema.ts).
 */
import fc from 'fast-check';

/** Which server a generated text is meant for: some shapes exist in one dialect only. */
export type GrammarDialect = 'postgresql' | 'mysql';

const table = fc.constantFrom('orders', 'users', 'customers', 't');
const column = fc.constantFrom('id', 'status', 'total', 'name');
const number = fc.integer({ min: 0, max: 999 }).map(String);
/** String literals, some holding SQL that must stay data: `;`, keywords, comment openers, doubled quotes. */
const literal = fc.constantFrom(
  "'open'",
  "'a;b'",
  "'DROP TABLE orders'",
  "'x''; DELETE FROM orders; --'",
  "'-- not a comment'",
  "'/* not a comment */'",
  "'#1'",
  "'$$'",
  "''",
);
const readFunction = fc.constantFrom(
  'count(*)',
  'max(id)',
  'sum(total)',
  'coalesce(total, 0)',
  'lower(status)',
  'abs(total)',
  'length(status)',
  'upper(status)',
);
const predicate = fc.oneof(
  fc.tuple(column, fc.constantFrom('=', '<>', '<', '>='), number).map(([c, o, n]) => `${c} ${o} ${n}`),
  fc.tuple(fc.constantFrom('status'), literal).map(([c, l]) => `${c} = ${l}`),
  fc.constantFrom(
    'id IN (SELECT id FROM users)',
    'EXISTS (SELECT 1 FROM customers WHERE customers.id = t.id)',
    'total BETWEEN 1 AND 10',
    'status IS NOT NULL',
  ),
);
/** Whitespace and comments that both dialects skip between tokens. */
const gap = fc.constantFrom(' ', '  ', '\n', '\t', ' /* c */ ', ' -- c\n', '/**/');

/** Read statements both databases accept in a read-only transaction (when the names resolve). */
export function readStatement(dialect: GrammarDialect): fc.Arbitrary<string> {
  const select = fc
    .tuple(
      fc.oneof(column, readFunction, literal),
      table,
      fc.option(predicate, { nil: undefined }),
      fc.boolean(),
      gap,
    )
    .map(
      ([what, from, where, order, g]) =>
        `SELECT${g}${what} FROM ${from} t${where === undefined ? '' : ` WHERE ${where}`}${order ? ' ORDER BY 1 LIMIT 5' : ''}`,
    );
  const shapes: Array<fc.Arbitrary<string>> = [
    select,
    fc.tuple(select, select).map(([a, b]) => `${a} UNION ALL ${b}`),
    select.map((s) => `WITH x AS (${s}) SELECT * FROM x`),
    fc.constant(
      'WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT n FROM r',
    ),
    select.map((s) => `EXPLAIN ${s}`),
    select.map((s) => `(${s})`),
    select.map((s) => `SELECT * FROM (${s}) AS sub`),
    fc.constant('SELECT 1'),
    fc.constant('VALUES (1), (2)'),
    fc.constant('SELECT o.id, u.name FROM orders o JOIN users u ON u.id = o.id WHERE o.total > 3'),
    fc.constant('SELECT status, count(*) FROM orders GROUP BY status HAVING count(*) > 1'),
  ];
  if (dialect === 'postgresql')
    shapes.push(
      fc.constant('TABLE orders'),
      fc.constant('SHOW search_path'),
      fc.constant("SELECT E'a\\'b', $$;DROP TABLE orders$$, $q$x$q$"),
      fc.constant("SELECT now()::date, date_trunc('day', now())"),
      fc.constant('SELECT * FROM generate_series(1, 3) g(n)'),
      fc.constant('SELECT 1 # 2'),
      fc.constant('SELECT /* a /* nested */ b */ 1'),
      fc.constant('EXPLAIN (ANALYZE, COSTS OFF) SELECT * FROM orders'),
    );
  else
    shapes.push(
      fc.constant('SHOW TABLES'),
      fc.constant('DESCRIBE orders'),
      fc.constant('SELECT \'it\\\'s\', "dq;\\"x"'),
      fc.constant('SELECT 1 # comment ; DROP TABLE orders\n'),
      fc.constant('SELECT 1 -- c ; DELETE FROM orders\n'),
      fc.constant('SELECT /*! 1 */'),
      fc.constant('SELECT `id` FROM `orders`'),
      fc.constant('SELECT 1 FROM orders LIMIT 1 /* ; DELETE FROM orders */'),
    );
  return fc.oneof(...shapes);
}

/** Statements that change data or schema in the scratch schema: each is refused in a read-only transaction. */
export function writeStatement(dialect: GrammarDialect): fc.Arbitrary<string> {
  const shapes: Array<fc.Arbitrary<string>> = [
    fc.tuple(table, number).map(([t, n]) => `DELETE FROM ${t} WHERE id = ${n}`),
    fc
      .tuple(table, column, number)
      .map(
        ([t, c, n]) =>
          `UPDATE ${t} SET ${c === 'name' || c === 'status' ? 'status' : c} = ${n} WHERE id = ${n}`,
      ),
    fc.tuple(table, number).map(([t, n]) => `INSERT INTO ${t} (id) VALUES (${n})`),
    table.map((t) => `DELETE FROM ${t}`),
    table.map((t) => `TRUNCATE ${t}`),
    fc.constant('CREATE TABLE scratch_new (a int)'),
    fc.constant('DROP TABLE IF EXISTS orders'),
    fc.constant('ALTER TABLE orders ADD COLUMN extra int'),
    fc.constant('CREATE INDEX ix_scratch ON orders (total)'),
    fc.constant('SELECT * FROM orders FOR UPDATE'),
  ];
  if (dialect === 'postgresql')
    shapes.push(
      fc.constant('WITH d AS (DELETE FROM orders RETURNING *) SELECT * FROM d'),
      fc.constant('WITH u AS (UPDATE orders SET total = 0 RETURNING id) SELECT count(*) FROM u'),
      fc.constant(
        'WITH x(a) AS (SELECT 1), d AS (INSERT INTO t (id) VALUES (1) RETURNING id) SELECT * FROM x',
      ),
      fc.constant('EXPLAIN ANALYZE DELETE FROM orders'),
      fc.constant('EXPLAIN (ANALYZE true) UPDATE orders SET total = 1'),
      fc.constant('SELECT * INTO scratch_copy FROM orders'),
      fc.constant("SELECT nextval('orders_id_seq')"),
      fc.constant("SELECT setval('orders_id_seq', 5)"),
      fc.constant('SELECT * FROM orders FOR NO KEY UPDATE'),
      fc.constant('SELECT * FROM orders FOR SHARE'),
      fc.constant('DO $$ BEGIN DELETE FROM orders; END $$'),
      fc.constant('SELECT 1; DROP TABLE orders'),
      fc.constant("SELECT E'\\'; DELETE FROM orders; --'"),
      fc.constant('SELECT 1 -- x\n; DELETE FROM orders'),
      fc.constant('SELECT $$x$$; DELETE FROM orders'),
      fc.constant('SELECT /* /* */ 1 */ 1; DELETE FROM orders'),
      fc.constant('SELECT 1 # 2; DELETE FROM orders'),
      fc.constant('SELECT writ_bump()'),
      fc.constant('CALL writ_purge()'),
      fc.constant('COMMENT ON TABLE orders IS $$x$$'),
      fc.constant('REFRESH MATERIALIZED VIEW order_totals'),
      fc.constant('SELECT lo_from_bytea(0, $$x$$)'),
      fc.constant('LOCK TABLE orders'),
    );
  else
    shapes.push(
      fc.constant('REPLACE INTO orders (id) VALUES (1)'),
      fc.constant('/*!50000 DELETE FROM orders */'),
      fc.constant('SELECT 1 /*! ; DELETE FROM orders */'),
      fc.constant('SELECT 1 --1; DELETE FROM orders'),
      fc.constant("SELECT '\\'; DELETE FROM orders; -- '"),
      fc.constant('SELECT * FROM orders LOCK IN SHARE MODE'),
      fc.constant('SELECT 1; UPDATE orders SET total = 2'),
      fc.constant('RENAME TABLE t TO t_old'),
      fc.constant('SELECT writ_bump()'),
      fc.constant('CALL writ_purge()'),
      fc.constant('SELECT nextval(orders_seq)'),
      fc.constant('SELECT NEXT VALUE FOR orders_seq'),
      fc.constant('OPTIMIZE TABLE orders'),
      fc.constant('SELECT 1 INTO @v; DELETE FROM orders'),
    );
  return fc.oneof(...shapes);
}

/** One to three statements, each a read or (with `writes`) a write, joined the ways both dialects allow. */
export function sqlText(dialect: GrammarDialect, writes: boolean): fc.Arbitrary<string> {
  const statement = writes
    ? fc.oneof(
        { weight: 2, arbitrary: readStatement(dialect) },
        { weight: 3, arbitrary: writeStatement(dialect) },
      )
    : readStatement(dialect);
  return fc
    .tuple(
      fc.array(statement, { minLength: 1, maxLength: 3 }),
      fc.constantFrom(';', '; ', ';\n', ' ;'),
      fc.boolean(),
      fc.boolean(),
      fc.constantFrom('', '-- lead\n', '/* lead */ '),
    )
    .map(([stmts, sep, trailing, transaction, lead]) => {
      const body = stmts.join(sep);
      const wrapped = transaction
        ? `${dialect === 'postgresql' ? 'BEGIN' : 'START TRANSACTION'}; ${body}; COMMIT`
        : body;
      return lead + wrapped + (trailing ? ';' : '');
    });
}
