/**
 * What a SQL text does: the most dangerous class of every statement and sub-statement, under every dialect
 * reading (PostgreSQL, MySQL/MariaDB, with and without backslash escapes). A statement is a read only when every
 * word and call in it is known to read; anything writ cannot read completely is `unknown`, never a read.
 */
import type { OperationClass } from '../model/action.js';
import { riskierReading } from '../model/operation-danger.js';
import { readSql, SQL_DIALECTS, type SqlTok } from './sql-tokens.js';
import {
  READ_FUNCTIONS,
  SIDE_EFFECT_FUNCTIONS,
  STATEMENT_CLASSES,
  SYNTAX_BEFORE_PAREN,
  TRANSACTION_WORDS,
  WRITE_WORDS,
} from './vocabulary.js';

const READ_STARTS = new Set([
  'select',
  'with',
  'values',
  'table',
  'show',
  'explain',
  'describe',
  'desc',
  'help',
]);
const TRANSACTION_STARTS = new Set([
  'begin',
  'start',
  'commit',
  'end',
  'rollback',
  'abort',
  'savepoint',
  'release',
]);
/** Words after which a `(` opens an alias's column list or a type modifier, not a call. */
const ALIAS_BEFORE = new Set(['as']);
/** Words after which the next word names something (savepoint), so it is not read as a keyword. */
const NAME_AFTER = new Set(['savepoint', 'release', 'to']);
/** After FOR, these make a row lock (`FOR UPDATE`, `FOR SHARE`, `FOR NO KEY UPDATE`, `FOR KEY SHARE`). */
const LOCK_AFTER_FOR = new Set(['update', 'share', 'no', 'key']);
/** The first words of a statement ANALYZE runs and reports on (MariaDB `ANALYZE SELECT ...`). */
const ANALYZED_READ = new Set(['select', 'with', 'values', 'format']);

const isPunct = (t: SqlTok | undefined, p: string): boolean => t?.type === 'punct' && t.text === p;
const isWord = (t: SqlTok | undefined, w?: string): boolean =>
  t?.type === 'word' && (w === undefined || t.text === w);

/** For each `(`, the index of its `)` (or the end); one pass. */
function matchParens(tokens: readonly SqlTok[]): Int32Array {
  const match = new Int32Array(tokens.length).fill(tokens.length);
  const open: number[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (isPunct(tokens[i], '(')) open.push(i);
    else if (isPunct(tokens[i], ')')) {
      const at = open.pop();
      if (at !== undefined) match[at] = i;
    }
  }
  return match;
}

/** The class of a call to the function named at `i` (a word or quoted identifier followed by `(`). */
function callClass(tokens: readonly SqlTok[], i: number, match: Int32Array, strict: boolean): OperationClass {
  const name = tokens[i]!.text;
  const effect = SIDE_EFFECT_FUNCTIONS.get(name);
  if (effect !== undefined) return effect;
  // In a statement that is already not a read, only side effects raise it further.
  if (!strict) return 'read';
  const prev = tokens[i - 1];
  if (isPunct(prev, '.')) {
    // A schema-qualified call runs that schema's function: only PostgreSQL's own catalogue is known.
    const schema = tokens[i - 2];
    return schema?.text === 'pg_catalog' && READ_FUNCTIONS.has(name) ? 'read' : 'unknown';
  }
  if (tokens[i]!.type === 'word' && (READ_FUNCTIONS.has(name) || SYNTAX_BEFORE_PAREN.has(name)))
    return 'read';
  // `AS t(a, b)`, `FROM f(x) t(a, b)`: an alias and its column list.
  if ((prev?.type === 'word' && ALIAS_BEFORE.has(prev.text)) || isPunct(prev, ')')) return 'read';
  // `WITH x(a, b) AS (...)`: a CTE name and its column list.
  if (isWord(prev, 'with') || isWord(prev, 'recursive') || isPunct(prev, ',')) {
    if (isWord(tokens[match[i + 1]! + 1], 'as')) return 'read';
  }
  // A function writ does not know may be user code that writes.
  return 'unknown';
}

/**
 * The class of a statement's tokens from `from`: every write word and every call counts, wherever it is
 * (a data-modifying CTE, EXPLAIN ANALYZE's statement, a subquery). `strict`: unknown calls are not reads.
 */
function scanTokens(tokens: readonly SqlTok[], from: number, strict: boolean, show: boolean): OperationClass {
  const match = matchParens(tokens);
  let cls: OperationClass = 'read';
  for (let i = from; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.type !== 'word' && t.type !== 'ident') continue;
    const next = tokens[i + 1];
    if (isPunct(next, '(')) {
      cls = riskierReading(cls, callClass(tokens, i, match, strict));
      continue;
    }
    if (t.type !== 'word') continue;
    const prev = tokens[i - 1];
    // `t.delete` is a column; `SHOW CREATE TABLE` reads.
    if (isPunct(prev, '.') || (show && isWord(prev, 'show'))) continue;
    const write = WRITE_WORDS.get(t.text);
    if (write !== undefined) cls = riskierReading(cls, write);
    else if (t.text === 'for' && next?.type === 'word' && LOCK_AFTER_FOR.has(next.text))
      cls = riskierReading(cls, 'write');
    // MariaDB's `NEXT VALUE FOR seq` advances a sequence (the read-only oracle refuses it).
    else if (t.text === 'next' && isWord(next, 'value')) cls = riskierReading(cls, 'write');
  }
  return cls;
}

/** True when a transaction-control statement holds only its own words (`BEGIN ISOLATION LEVEL ...`). */
function plainTransactionControl(tokens: readonly SqlTok[], from: number): boolean {
  const first = tokens[from]!.text;
  if (first === 'start' && !isWord(tokens[from + 1], 'transaction')) return false;
  for (let i = from + 1; i < tokens.length; i++) {
    const t = tokens[i]!;
    const prev = tokens[i - 1]!;
    if (isPunct(t, ',')) continue;
    if (t.type === 'word' && TRANSACTION_WORDS.has(t.text) && !NAME_AFTER.has(prev.text)) continue;
    // A savepoint's name.
    if ((t.type === 'word' || t.type === 'ident') && prev.type === 'word' && NAME_AFTER.has(prev.text))
      continue;
    if (i === from + 1 && first === 'savepoint' && (t.type === 'word' || t.type === 'ident')) continue;
    return false;
  }
  return true;
}

/** The class of one statement. */
function classifyStatement(tokens: readonly SqlTok[]): OperationClass {
  let from = 0;
  while (isPunct(tokens[from], '(')) from++;
  const first = tokens[from];
  // An empty statement (`;;`) does nothing.
  if (first === undefined) return 'read';
  if (first.type !== 'word') return 'unknown';
  const keyword = first.text;
  const cls = STATEMENT_CLASSES.get(keyword);
  if (cls === undefined) return riskierReading('unknown', scanTokens(tokens, from, false, false));
  if (TRANSACTION_STARTS.has(keyword)) {
    if (plainTransactionControl(tokens, from)) return 'read';
    // `BEGIN NOT ATOMIC DELETE ...`, `COMMIT PREPARED 'x'`: not plain transaction control.
    return riskierReading('unknown', scanTokens(tokens, from + 1, true, false));
  }
  if (keyword === 'analyze' || keyword === 'analyse') {
    const next = tokens[from + 1];
    if (next?.type === 'word' && ANALYZED_READ.has(next.text))
      return scanTokens(tokens, from + 1, true, false);
    return riskierReading(cls, scanTokens(tokens, from + 1, false, false));
  }
  if (READ_STARTS.has(keyword)) return scanTokens(tokens, from, true, keyword === 'show');
  return riskierReading(cls, scanTokens(tokens, from + 1, false, false));
}

/** True when the word starts a statement in some dialect writ reads (`select`, `drop`, `kill`...). */
function isStatementKeyword(t: SqlTok | undefined): boolean {
  return t?.type === 'word' && STATEMENT_CLASSES.has(t.text);
}

/** PostgreSQL as shipped (standard strings) and MySQL as shipped (backslash escapes). */
const DEFAULT_DIALECTS = SQL_DIALECTS.filter((d) => d.backslash !== d.postgres);

/** True when the text starts with a word (prose such as "it's late"), not with a comment, quote or symbol. */
function firstWordIsProse(text: string): boolean {
  return /^\s*[\p{L}\p{N}_]/u.test(text);
}

/**
 * The operation of a SQL text: the most dangerous class of every statement under every dialect reading.
 * `null` when the text is not SQL in any reading: one statement whose first word starts no statement in
 * either dialect and that calls no side-effecting function (both databases refuse it as a syntax error
 * before running anything). Text no dialect can read to its end (an open quote or comment) is `unknown`.
 */
export function classifySqlText(text: string): OperationClass | null {
  let result: OperationClass | null = null;
  let notSql = true;
  let anyReadable = false;
  // PERF: without a backslash the escape settings cannot change a reading: two readings instead of four.
  const dialects = text.includes('\\') ? SQL_DIALECTS : DEFAULT_DIALECTS;
  for (const dialect of dialects) {
    const reading = readSql(text, dialect);
    const nonEmpty = reading.statements.filter((s) => s.length > 0);
    const head = nonEmpty[0]?.[0];
    if (
      nonEmpty.length > 1 ||
      (head !== undefined && (head.type === 'punct' || isStatementKeyword(head))) ||
      nonEmpty.some((s) => s.some((t) => SIDE_EFFECT_FUNCTIONS.has(t.text)))
    )
      notSql = false;
    // PostgreSQL lexes the whole text before running any of it; MySQL runs the statements before the broken one.
    const runs =
      reading.unterminatedAt === -1
        ? reading.statements.length
        : dialect.postgres
          ? 0
          : reading.unterminatedAt;
    if (reading.unterminatedAt === -1 || runs > 0) anyReadable = true;
    for (let s = 0; s < runs; s++) {
      const cls = classifyStatement(reading.statements[s]!);
      result = result === null ? cls : riskierReading(result, cls);
    }
  }
  if (notSql && (anyReadable || firstWordIsProse(text))) return null;
  // No dialect reads the text to its end: it is not a read.
  return anyReadable ? result : 'unknown';
}
