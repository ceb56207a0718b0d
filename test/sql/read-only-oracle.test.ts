/**
 * The databases are the oracle for writ's SQL reading (issue 15, class F5): every statement writ calls a read,
 * generated or from the vendored SQL corpora (test-data/), must run in a READ ONLY transaction of the local PostgreSQL and
 * MariaDB without the server refusing it as a write (PostgreSQL 25006, MariaDB 1792). A sample of the
 * statements writ does not call reads runs too, to show the oracle sees writes. Always rolled back, as a login
 * that owns only a scratch schema. Skips with a printed reason when a server is not reachable, except in CI.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATA } from '../../eval/data-dir.js';
import { readSql, SQL_DIALECTS } from '../../src/pipeline/sql/sql-tokens.js';
import { classifySqlText } from '../../src/pipeline/sql/statement-class.js';
import { F5_EXAMPLES, F5_VARIANTS } from '../support/f5-hostile-sql.js';
import { sqlText, type GrammarDialect } from './sql-grammar.js';
import { openMariaDb, openPostgres, type ReadOnlyDatabase } from './scratch-schema.js';

const GENERATED_RUNS = Number(process.env['WRIT_SQL_ORACLE_RUNS'] ?? 400);

async function reach(open: () => Promise<ReadOnlyDatabase>, what: string): Promise<ReadOnlyDatabase | null> {
  try {
    return await open();
  } catch (err) {
    const reason = `${what} not reachable: ${(err as Error).message}`;
    // CI runs both servers: unreachable there is a failure, not a skip.
    if (process.env['CI'] === 'true') throw new Error(reason);
    console.warn(`skipping the ${what} read-only oracle: ${reason}`);
    return null;
  }
}

const lines = (file: string, encoding: BufferEncoding = 'utf8'): string[] =>
  readFileSync(file, encoding)
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');

function decodeOnce(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/** The SQL texts of the vendored corpora: sqlglot's identity set, libinjection and PayloadsAllTheThings, raw and spliced. */
function corpusTexts(): string[] {
  const out = lines(join(DATA, 'sqlglot', 'identity.sql'));
  const lib = join(DATA, 'libinjection', 'data');
  const values = readdirSync(lib)
    .filter((f) => f.startsWith('sqli-') || f === 'false_positives.txt')
    .flatMap((f) => lines(join(lib, f), 'latin1').map(decodeOnce));
  const patt = join(DATA, 'payloadsallthethings', 'SQL Injection', 'Intruder');
  for (const f of readdirSync(patt)) values.push(...lines(join(patt, f), 'latin1'));
  // The eval's shape (a value spliced into a query) and the value alone as a statement.
  for (const v of values) out.push(`SELECT * FROM users WHERE name = '${v}'`, v);
  return [...new Set(out)];
}

interface Tally {
  /** Texts writ reads as reads, run; of them, refused as writes (must be none) and failing otherwise. */
  reads: number;
  refusedReads: string[];
  otherErrors: number;
  /** Texts writ reads as not SQL at all, run: every one must fail (the server runs nothing of them). */
  notSql: number;
  notSqlRan: string[];
  /** Texts writ reads as not reads, run as a sample: how many the server refused as writes. */
  nonReadsRun: number;
  nonReadsRefused: number;
}

const tally = (): Tally => ({
  reads: 0,
  refusedReads: [],
  otherErrors: 0,
  notSql: 0,
  notSqlRan: [],
  nonReadsRun: 0,
  nonReadsRefused: 0,
});

const summary = (t: Tally) => ({ ...t, refusedReads: t.refusedReads.length, notSqlRan: t.notSqlRan.length });

/** Runs `text` when writ reads it as a read or as not SQL (or when `sampleNonRead`), and records what the server said. */
async function check(db: ReadOnlyDatabase, text: string, t: Tally, sampleNonRead: boolean): Promise<void> {
  const cls = classifySqlText(text);
  const read = cls === 'read';
  if (cls === null) {
    // Empty texts (comments, `;`) run nothing by definition; any other text that is not SQL must fail.
    const own = SQL_DIALECTS.filter((d) => d.postgres === (db.name === 'postgresql'));
    if (own.some((d) => readSql(text, d).statements.every((st) => st.length === 0))) return;
    t.notSql++;
    if ((await db.run(text)) === null) t.notSqlRan.push(text);
    return;
  }
  if (!read && !sampleNonRead) return;
  const code = await db.run(text);
  if (read) {
    t.reads++;
    if (code === db.readOnlyCode) t.refusedReads.push(text);
    else if (code !== null) t.otherErrors++;
  } else {
    t.nonReadsRun++;
    if (code === db.readOnlyCode) t.nonReadsRefused++;
  }
}

for (const [name, open, dialect] of [
  ['PostgreSQL', openPostgres, 'postgresql'],
  ['MariaDB', openMariaDb, 'mysql'],
] as const) {
  describe(`${name} read-only oracle`, () => {
    let db: ReadOnlyDatabase | null = null;
    beforeAll(async () => {
      db = await reach(open, `${name} at 127.0.0.1`);
    });
    afterAll(async () => db?.close());

    it('runs every generated text writ calls a read without a read-only refusal; the writes it runs are refused', async (ctx) => {
      if (db === null) return ctx.skip();
      const t = tally();
      const d: GrammarDialect = dialect;
      // Reads only, then reads and writes stacked: only the texts writ calls reads must pass the server.
      for (const writes of [false, true]) {
        const samples = fc.sample(sqlText(d, writes), { numRuns: GENERATED_RUNS, seed: writes ? 15 : 5 });
        for (const text of samples) await check(db, text, t, writes);
      }
      console.log(`${name} generated: ${JSON.stringify(summary(t))}`);
      expect(t.refusedReads).toEqual([]);
      expect(t.notSqlRan).toEqual([]);
      // The oracle is live: it refused writes, and writ ran reads.
      expect(t.reads).toBeGreaterThan(GENERATED_RUNS / 2);
      expect(t.nonReadsRefused).toBeGreaterThan(GENERATED_RUNS / 10);
    }, 240_000);

    it('runs every corpus statement writ calls a read without a read-only refusal', async (ctx) => {
      if (db === null) return ctx.skip();
      const texts = corpusTexts();
      const t = tally();
      for (const text of texts) await check(db, text, t, false);
      console.log(`${name} corpora: ${texts.length} texts, ${JSON.stringify(summary(t))}`);
      expect(t.refusedReads).toEqual([]);
      expect(t.notSqlRan).toEqual([]);
      expect(t.reads).toBeGreaterThan(500);
    }, 240_000);

    it('refuses as writes the F5 examples the server can see, and writ calls none of them reads', async (ctx) => {
      if (db === null) return ctx.skip();
      let refused = 0;
      for (const h of [...F5_EXAMPLES, ...F5_VARIANTS]) {
        expect(classifySqlText(h.sql), h.sql).not.toBe('read');
        // Only the shapes that touch the scratch tables: server-wide statements (SHUTDOWN, KILL) are not run.
        if (
          !/\b(?:orders|users)\b/i.test(h.sql) ||
          /\b(?:kill|shutdown|dblink|lo_|pg_|load|outfile|dumpfile|install|flush|purge|reset|change|set)\b/i.test(
            h.sql,
          )
        )
          continue;
        if ((await db.run(h.sql)) === db.readOnlyCode) refused++;
      }
      expect(refused).toBeGreaterThan(5);
    }, 60_000);
  });
}
