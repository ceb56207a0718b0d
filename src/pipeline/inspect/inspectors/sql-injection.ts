/** sql-injection: tautologies, UNION, stacked queries, comment truncation, blind and time-based, NoSQL operators. */
import type { Finding, Severity } from '../../model/finding.js';
import { makeFinding, type InspectionInput, type Inspector, type StringLeaf } from '../inspector.js';
import { isDataKey, isKeyLeaf, isSqlLeaf } from '../lib/leaf-role.js';
import { excerpt } from '../lib/redact.js';
import {
  BRACKET,
  CONTROL,
  DASH,
  DIGIT,
  DOLLAR,
  hasAnyWord,
  leafTraits,
  leafWords,
  PAREN,
  QUOTE,
  SLASH,
  SYMBOL,
  gateWords,
  type WordBits,
} from '../lib/leaf-traits.js';
import { lexSql, type SqlToken } from '../lib/sql-lexer.js';
import {
  PARSE_CHANGE_ENABLED,
  PARSE_CHANGE_LIMIT,
  parseChange,
  type ParseChange,
} from '../lib/sql-parse-change.js';
import { PROBE_FUNCTIONS, SERVER_IDENTITY_FUNCTIONS, TIME_FUNCTIONS } from '../../sql/vocabulary.js';
import { TAGS } from '../tags.js';

const ID = 'sql-injection';
const tags = TAGS[ID];

/** Findings need this score; each feature adds its weight (a lone weak feature never reaches it). */
const THRESHOLD = 3;

const STACKABLE = new Set([
  'select',
  'insert',
  'update',
  'delete',
  'drop',
  'create',
  'alter',
  'exec',
  'execute',
  'declare',
  'shutdown',
  'truncate',
  'waitfor',
  'grant',
  'if',
  'begin',
  'union',
  'set',
  'use',
  'call',
  'handler',
]);
// The call vocabulary (time, server identity, probes) is writ's one SQL vocabulary: ../../sql/vocabulary.ts.
const SYSTEM_OBJECTS =
  /\b(?:information_schema|sysobjects|syscolumns|sys\.tables|sys\.objects|mysql\.user|pg_catalog|pg_shadow|pg_user|all_tables|user_tables|dba_users|sqlite_master|msysobjects|@@version|@@datadir|@@hostname|xp_cmdshell|sp_executesql|sp_oacreate|into\s+(?:out|dump)file|load_file)\b/i;

// PERF: regexes are module constants: a literal inside a function allocates a new RegExp each time it runs.
const SYSTEM_PROCEDURE = /^(?:xp_|sp_|master\.|dbms_)/;
/** A reopened string short enough for the server's closing quote to end at once. */
const SHORT_REOPENED = /^\s{0,4}\w{0,3}\s{0,4}$/;
const EMPTY_COMMENT = /\/\*\*\//;
const LONG_HEX = /\b0x[0-9a-f]{6,}\b/i;
const QUOTE_AT_END = /['"]\s*\)?\s*;?\s*$/;
const UNION = /\bunion\b/i;
const SQLISH_MARK = /['"`;#]|\|\||&&/;

interface Score {
  score: number;
  kind: string;
  weight: number;
}

function add(s: Score, kind: string, weight: number): void {
  s.score += weight;
  if (weight > s.weight) {
    s.kind = kind;
    s.weight = weight;
  }
}

const isOperand = (t: SqlToken | undefined): boolean =>
  t !== undefined &&
  (t.kind === 'n' ||
    t.kind === 's' ||
    t.kind === 'w' ||
    t.kind === 'v' ||
    t.kind === 'f' ||
    (t.kind === 'k' && (t.text === 'null' || t.text === 'true' || t.text === 'false')));
const isLiteral = (t: SqlToken | undefined): boolean =>
  t !== undefined &&
  (t.kind === 'n' ||
    t.kind === 's' ||
    (t.kind === 'k' && (t.text === 'null' || t.text === 'true' || t.text === 'false')));
const CMP = new Set(['=', '==', '<>', '!=', '<', '>', '<=', '>=', '<=>']);
const isCmp = (t: SqlToken | undefined): boolean =>
  t !== undefined &&
  ((t.kind === 'o' && CMP.has(t.text)) ||
    (t.kind === 'k' &&
      (t.text === 'like' ||
        t.text === 'rlike' ||
        t.text === 'regexp' ||
        t.text === 'is' ||
        t.text === 'in' ||
        t.text === 'between' ||
        t.text === 'sounds')));
const isBool = (t: SqlToken | undefined): boolean =>
  t !== undefined &&
  ((t.kind === 'k' && (t.text === 'or' || t.text === 'and' || t.text === 'xor' || t.text === 'div')) ||
    (t.kind === 'o' && (t.text === '||' || t.text === '&&')));

/** Skips `(` and `not`/`!` so `or (1=1)` and `and not 1=2` read like `or 1=1`. */
function nextOperand(tokens: readonly SqlToken[], i: number): number {
  let j = i;
  while (
    j < tokens.length &&
    ((tokens[j]?.kind === 'p' && tokens[j]?.text === '(') ||
      tokens[j]?.text === 'not' ||
      tokens[j]?.text === '!' ||
      tokens[j]?.text === '-' ||
      tokens[j]?.text === '+' ||
      tokens[j]?.text === '~')
  )
    j++;
  return j;
}

const ARITH = new Set(['+', '-', '*', '/', '%', '^', '|', '&', '~', '<<', '>>', '||', '&&']);

/**
 * An operand expression from `a` up to a comparison (`1+2=3+4`, `(1)=(1)`, `pi() && cos(pi())=-1`): operands
 * joined by arithmetic, with parentheses. Returns the first operand's index and the comparison's, or null.
 */
function comparisonAt(tokens: readonly SqlToken[], a: number): { left: number; cmp: number } | null {
  let left = -1;
  for (let k = a, steps = 0; k < tokens.length && steps < 12; k++, steps++) {
    const t = tokens[k]!;
    if (isCmp(t)) return left === -1 ? null : { left, cmp: k };
    if (isOperand(t)) {
      if (left === -1) left = k;
      continue;
    }
    if (t.kind === 'p' && (t.text === '(' || t.text === ')')) continue;
    if ((t.kind === 'o' && ARITH.has(t.text)) || t.text === 'div' || t.text === 'mod' || t.text === 'not')
      continue;
    return null;
  }
  return null;
}

/**
 * True when a UNION branch's select list (from `k` to its FROM) reads the server's identity: `union select
 * 1,version(),3`, `union select @@datadir`. Reports combine rows of tables; a branch that asks the server who
 * it is exists to print that answer into someone else's result set.
 */
function probesServer(tokens: readonly SqlToken[], k: number): boolean {
  for (let end = Math.min(tokens.length, k + 40); k < end; k++) {
    const t = tokens[k]!;
    if (t.text === 'from' || t.text === 'union' || t.text === ';') return false;
    if (
      (t.kind === 'f' && SERVER_IDENTITY_FUNCTIONS.has(t.text)) ||
      (t.kind === 'v' && t.text.startsWith('@@'))
    )
      return true;
  }
  return false;
}

/** Keywords that must follow a stacked statement's verb for it to be one (`; drop table`, not `; drop by`). */
const STACK_OBJECT = new Set([
  'table',
  'database',
  'schema',
  'view',
  'index',
  'procedure',
  'function',
  'user',
  'trigger',
  'login',
  'role',
  'tables',
]);

/**
 * True when the tokens after `; <verb>` read as that statement's grammar rather than prose that happens to
 * follow a semicolon (`; call when you get here`, `; set swarovski`).
 */
function stackedStatement(tokens: readonly SqlToken[], i: number): boolean {
  const verb = tokens[i]?.text ?? '';
  const rest = tokens.slice(i + 1, i + 8);
  const has = (p: (t: SqlToken) => boolean) => rest.some(p);
  const first = rest[0];
  switch (verb) {
    case 'select':
      return has(
        (t) =>
          t.text === 'from' ||
          t.kind === 'n' ||
          t.kind === 's' ||
          t.kind === 'f' ||
          t.kind === 'v' ||
          t.text === '*',
      );
    case 'insert':
      return has((t) => t.text === 'into' || t.text === 'values');
    case 'update':
      return has((t) => t.text === 'set');
    case 'delete':
      return has((t) => t.text === 'from');
    case 'drop':
    case 'create':
    case 'alter':
    case 'truncate':
      return (
        first !== undefined && (STACK_OBJECT.has(first.text) || (verb === 'truncate' && first.kind === 'w'))
      );
    case 'set':
      return has((t) => t.text === '=' || t.kind === 'v');
    case 'exec':
    case 'execute':
      return (
        first !== undefined &&
        (first.kind === 'f' ||
          first.kind === 'v' ||
          first.kind === 's' ||
          first.text === '(' ||
          SYSTEM_PROCEDURE.test(first.text))
      );
    case 'declare':
      return first?.kind === 'v';
    case 'waitfor':
      return first?.text === 'delay' || first?.text === 'time';
    case 'call':
      return first?.kind === 'f';
    case 'shutdown':
      return first === undefined || first.kind === 'c' || first.text === 'with' || first.text === ';';
    case 'if':
      return first?.text === '(' || first?.kind === 'f' || first?.kind === 'n';
    case 'begin':
      return first === undefined || first.text === ';' || first.kind === 'w' || first.kind === 'k';
    case 'use':
      return first !== undefined && (rest[1] === undefined || rest[1].text === ';' || rest[1].kind === 'c');
    case 'grant':
      return has((t) => t.text === 'on' || t.text === 'to');
    default:
      return true;
  }
}

/** Scores token-level features shared by values and statements. */
function scoreTokens(tokens: readonly SqlToken[], statement: boolean, s: Score): void {
  let probes = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const next = tokens[i + 1];
    if (t.kind === 'k' && t.text === 'union') {
      const j = next?.text === 'all' || next?.text === 'distinct' ? i + 2 : i + 1;
      const sel = tokens[nextOperand(tokens, j)];
      if (sel?.text === 'select') {
        // In a full statement, UNION SELECT is normal SQL; padding with literal columns is the probe shape.
        let literals = 0;
        for (let k = nextOperand(tokens, j) + 1; k < tokens.length && k < nextOperand(tokens, j) + 40; k++) {
          const u = tokens[k]!;
          if (
            u.text === 'from' ||
            u.text === 'union' ||
            u.text === ')' ||
            u.text === 'order' ||
            u.text === ';'
          )
            break;
          if (isLiteral(u)) literals++;
        }
        add(
          s,
          'union',
          statement ? (literals >= 3 || probesServer(tokens, nextOperand(tokens, j) + 1) ? 3 : 0) : 3,
        );
      }
    }
    if (isBool(t)) {
      const a = nextOperand(tokens, i + 1);
      const left = tokens[a];
      const op = tokens[a + 1];
      const right = tokens[nextOperand(tokens, a + 2)];
      if (isOperand(left) && isCmp(op) && isOperand(right)) {
        const same = left!.text === right!.text && left!.kind === right!.kind;
        if (isLiteral(left) && (isLiteral(right) || right!.kind === 'v' || right!.kind === 'f'))
          add(s, 'tautology', same || !statement ? 3 : 2);
        else if (same) add(s, 'tautology', 3);
        else if (
          !statement &&
          (left!.kind === 'f' || right!.kind === 'f' || left!.kind === 'v' || right!.kind === 'v')
        )
          add(s, 'blind', 2);
        else if (!statement) add(s, 'tautology', 1);
      } else if (comparisonAt(tokens, a) !== null) {
        // An arithmetic or parenthesized comparison after a boolean (`or 1+2=3`, `or (1)=(1)`).
        const c = comparisonAt(tokens, a)!;
        const l = tokens[c.left];
        const r = tokens[nextOperand(tokens, c.cmp + 1)];
        const valued = (v: SqlToken | undefined) => isLiteral(v) || v?.kind === 'f' || v?.kind === 'v';
        if (isOperand(r) && (valued(l) || valued(r)))
          add(s, isLiteral(l) && isLiteral(r) ? 'tautology' : 'blind', statement ? 1 : 3);
      } else if (
        isLiteral(left) &&
        // Quoted words joined by AND/OR are search syntax (`"foo" AND "bar"`); a string counts only when the
        // server's own quote closes it or an operator follows it (`' or ''-'`).
        (left!.kind !== 's' || left!.closed === false || op?.kind === 'o') &&
        (op === undefined ||
          op.kind === 'c' ||
          op.kind === 'o' ||
          op.text === ')' ||
          op.text === ';' ||
          isBool(op))
      ) {
        add(
          s,
          'tautology',
          left!.text === 'true' || left!.text === '1' || left!.kind === 'n' ? (statement ? 2 : 2) : 1,
        );
      } else if (left?.kind === 'f') {
        add(s, 'blind', statement ? 1 : 2);
      }
    }
    if (
      t.kind === 'p' &&
      t.text === ';' &&
      next !== undefined &&
      (next.kind === 'k' || next.kind === 'w') &&
      STACKABLE.has(next.text)
    )
      add(s, 'stacked', statement ? 1 : stackedStatement(tokens, i + 1) ? 3 : 1);
    // A subquery inside a value: data never holds `(select ...)` or `select ... from`.
    if (!statement && t.kind === 'k' && t.text === 'select') {
      const prev = tokens[i - 1];
      let from = false;
      for (let k = i + 1; k < tokens.length && k < i + 40; k++)
        if (tokens[k]!.text === 'from') {
          from = true;
          break;
        }
      if ((prev?.kind === 'p' && prev.text === '(') || from) add(s, 'union', 3);
      // `select @@version`, `select current_database()`: data never asks the server who it is.
      else if (probesServer(tokens, i + 1) && (next?.kind === 'f' || next?.kind === 'v'))
        add(s, 'error-based', 3);
    }
    if (t.kind === 'f' && TIME_FUNCTIONS.has(t.text)) add(s, 'time-based', 3);
    if (t.kind === 'k' && t.text === 'waitfor' && next?.text === 'delay') add(s, 'time-based', 3);
    if ((t.kind === 'f' && PROBE_FUNCTIONS.has(t.text)) || t.kind === 'v') probes++;
    if (
      t.kind === 'k' &&
      (t.text === 'order' || t.text === 'group') &&
      tokens[i + 1]?.text === 'by' &&
      tokens[i + 2]?.kind === 'n' &&
      !statement
    ) {
      add(s, 'blind', tokens[i + 3] === undefined || tokens[i + 3]?.kind === 'c' ? 3 : 2);
    }
    if (t.kind === 'k' && t.text === 'having' && !statement) add(s, 'blind', 2);
    if (t.kind === 'k' && (t.text === 'exec' || t.text === 'execute' || t.text === 'declare') && !statement)
      add(s, 'stacked', 1);
    if (t.kind === 'c' && t.text === '/*!') add(s, 'comment-truncation', 2);
  }
  if (probes > 0) add(s, 'error-based', Math.min(probes, statement ? 1 : 2));
}

/**
 * Features of a value that should be data, read in each context the server may splice it into: bare
 * (numeric), inside single quotes and inside double quotes. The best-scoring reading counts.
 */
function scoreValue(text: string, s: Score): void {
  const readings = [text];
  if (text.includes("'")) readings.push(`'${text}`);
  if (text.includes('"')) readings.push(`"${text}`);
  let best: Score = { score: 0, kind: '', weight: 0 };
  for (const reading of readings) {
    const r: Score = { score: 0, kind: '', weight: 0 };
    scoreReading(reading, r);
    if (r.score > best.score) best = r;
  }
  if (best.score > 0) add(s, best.kind, best.weight);
  s.score += best.score - best.weight;
}

/** Operators MySQL applies to two strings without complaint (`'a'^'b'`, `'a' rlike 'b'`, `'a' sounds like 'b'`). */
const IMPLICIT_OPS = new Set([
  'like',
  'rlike',
  'regexp',
  'sounds',
  'is',
  'not',
  'div',
  'mod',
  'xor',
  'in',
  'between',
]);

function scoreReading(text: string, s: Score): void {
  const all = lexSql(text);
  if (all.length < 2) return;
  // Inline comments are whitespace to the parser (`1/**/union/**/select`): the grammar is read without them.
  const tokens = all.some((t) => t.kind === 'c' && t.text === '/*')
    ? all.filter((t, k) => !(t.kind === 'c' && t.text === '/*' && k < all.length - 1))
    : all;
  scoreTokens(tokens, false, s);
  // Breakout: in a quoted reading, the server's string closes inside the value and SQL follows it.
  const head = tokens[0];
  if (head?.kind === 's' && head.closed === true && head.start === 0) {
    let k = 1;
    while (tokens[k]?.kind === 'p' && tokens[k]?.text === ')') k++;
    const first = tokens[k];
    const breakout =
      first !== undefined &&
      (isBool(first) ||
        first.kind === 'c' ||
        (first.kind === 'p' && first.text === ';') ||
        (first.kind === 'k' && BREAKOUT_KEYWORDS.has(first.text)));
    if (breakout) add(s, first.kind === 'c' ? 'comment-truncation' : 'tautology', 2);
    // The value closes the server's string, applies an operator, and reopens a string the server's own closing
    // quote ends (`'^'`, `a' rlike 'b`): the fingerprint string-operator-string that only a breakout produces.
    const last = tokens[tokens.length - 1];
    if (
      first !== undefined &&
      ((first.kind === 'o' && !CMP_OR_ARITH_EXCLUDED.has(first.text)) ||
        (first.kind === 'k' && IMPLICIT_OPS.has(first.text))) &&
      last?.kind === 's' &&
      last.closed === false &&
      last !== head &&
      // The reopened string is left for the server's quote to close at once: no words of text in it.
      SHORT_REOPENED.test(last.text) &&
      tokens.length <= 8
    )
      add(s, 'tautology', 3);
  }
  const last = tokens[tokens.length - 1];
  if (last?.kind === 'c' && tokens.length >= 2) add(s, 'comment-truncation', 1);
  if (EMPTY_COMMENT.test(text)) add(s, 'comment-truncation', 2);
  if (LONG_HEX.test(text)) add(s, 'error-based', 1);
  if (SYSTEM_OBJECTS.test(text)) add(s, 'error-based', 2);
}

/** Operators that legitimately follow a compared string: concatenation, casts, and prose punctuation. */
const LITERAL_OPERATOR_EXCLUDED = new Set(['||', '::', ':', '?']);

/**
 * True when a string compared to a column is itself operated on by another literal: `name = '' <= ''`,
 * `name = 'A' / 'B'`, `name = ''OR''`, `name = 'a' NOT LIKE 'b'`. A query author compares a column to a value;
 * a value that closed the query's quote and reopened it leaves this shape behind (MySQL then compares or
 * converts the strings, which is how implicit tautologies work). `BETWEEN 'a' AND 'b'` is the one
 * comparison whose string is followed by an operator and a literal by grammar.
 */
function literalOperatedOn(tokens: readonly SqlToken[]): boolean {
  for (let i = 1; i + 2 < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind !== 's') continue;
    const before = tokens[i - 1]!;
    if (!isCmp(before) || before.text === 'between' || before.text === 'in') continue;
    const op = tokens[i + 1]!;
    const operates =
      (op.kind === 'o' && !LITERAL_OPERATOR_EXCLUDED.has(op.text)) ||
      (op.kind === 'k' && (IMPLICIT_OPS.has(op.text) || op.text === 'or' || op.text === 'and'));
    if (!operates) continue;
    let j = i + 2;
    while (
      j < tokens.length &&
      (tokens[j]!.text === 'not' || tokens[j]!.text === 'like' || UNARY.has(tokens[j]!.text))
    )
      j++;
    const operand = tokens[j];
    if (operand === undefined || !(operand.kind === 's' || operand.kind === 'n' || operand.kind === 'v'))
      continue;
    // T-SQL joins strings with `+` (`'John' + ' ' + 'Smith'`).
    if (op.text === '+' && j === i + 2 && operand.kind === 's') continue;
    return true;
  }
  return false;
}

/** Unary prefixes MySQL accepts before an operand (`!!'0'`, `- + 1`, `~1`), and the grouping paren. */
const UNARY = new Set(['!', '-', '+', '~', '(', '!!']);

/**
 * True when a comment that ends in a quote holds an odd number of that quote: the server's closing quote,
 * left without its opening one. A commented-out literal (`-- 'draft'`) holds both of its quotes.
 */
function swallowsOpenQuote(comment: string): boolean {
  const end = QUOTE_AT_END.exec(comment);
  if (end === null) return false;
  const quote = end[0][0]!;
  let count = 0;
  for (let k = comment.indexOf(quote); k !== -1; k = comment.indexOf(quote, k + 1)) count++;
  return count % 2 === 1;
}

/** Features of a full statement an agent sends: literal tautologies, quotes swallowed by comments, timing. */
function scoreStatement(text: string, s: Score): void {
  const tokens = lexSql(text);
  scoreTokens(tokens, true, s);
  const last = tokens[tokens.length - 1];
  // An unterminated string or a comment that swallows a closing quote is how an injection ends.
  if (last?.kind === 's' && last.closed === false) add(s, 'comment-truncation', 2);
  if (literalOperatedOn(tokens)) add(s, 'tautology', 3);
  for (let i = 1; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === 'c' && t.text !== '/*!') {
      const rest = text.slice(t.start, t.start + 400);
      const nl = rest.indexOf('\n');
      const comment = nl === -1 ? rest : rest.slice(0, nl);
      if (swallowsOpenQuote(comment)) add(s, 'comment-truncation', 3);
    }
  }
  if (SYSTEM_OBJECTS.test(text) && UNION.test(text)) add(s, 'union', 2);
  // String literals hold values: injection text that stayed inside its quotes is still an attack string.
  for (const t of tokens) if (t.kind === 's' && t.text.length >= 4) scoreValue(t.text, s);
}

/** Punctuation-like operator tokens that prose puts after a quote (`'s: '`, `'? '`) and SQL never needs. */
const CMP_OR_ARITH_EXCLUDED = new Set([':', '?', '::']);

const BREAKOUT_KEYWORDS = new Set([
  'union',
  'having',
  'order',
  'group',
  'limit',
  'procedure',
  'into',
  'waitfor',
  'select',
  'and',
  'or',
  'like',
  'rlike',
  'regexp',
  'is',
  'in',
  'div',
  'xor',
]);

/**
 * PERF: a value (not a statement) is lexed only when it holds a shape every scored feature needs: a quote or
 * comment next to SQL, a boolean operator before an operand or comparison, a stacked statement, a SQL
 * keyword that has no business in data, a timing or probe call, or a system variable. Prose with an
 * apostrophe, a semicolon or the word "and" passes this gate without lexing. The gate is split by the
 * character class or keyword each part needs (`lib/leaf-traits.ts`), so prose pays a few bit tests and set
 * lookups instead of one long alternation at every position.
 */
const GATE_QUOTE =
  /['"`)]\s{0,8}(?:or|and|xor|union|select|having|order|group|limit|procedure|into|waitfor|like|rlike|regexp|is|in|div|\|\||&&|;|--|#|\/\*|\)|=|<|>|[-+|^*/%&~])/i;
const GATE_BOOL =
  /\b(?:or|and|xor|\|\||&&)\s{0,8}(?:[(\d'"@!-]|not\b|true\b|false\b|null\b|[\w.]{1,40}\s{0,4}(?:[=<>!]|like\b|rlike\b|regexp\b|is\b|in\b|between\b|sounds\b))|\|\||&&/i;
const GATE_STACK =
  /;\s{0,8}(?:select|insert|update|delete|drop|create|alter|exec|execute|declare|shutdown|truncate|waitfor|grant|if|begin|union|set|use|call|handler)\b/i;
const GATE_CALL = /\b[a-z_.]{2,40}\(/i;
const GATE_GROUPING = /\b(?:order|group)\s+by\b/i;
const GATE_VARIABLE = /@@?[a-z]/i;
const GATE_HEX = /\b0x[0-9a-f]{4}/i;
const BOOL_WORDS = gateWords('or and xor');
const GATE_WORDS = gateWords(
  'union select waitfor having exec execute declare insert drop shutdown truncate procedure information_schema',
);
const GROUPING_WORDS = gateWords('order group');
/** SQLISH's words: a value with none of them and none of its characters is not SQL-ish. */
const SQLISH_WORDS = gateWords(
  'union select or and xor sleep benchmark waitfor having order group exec execute declare insert drop pg_sleep randomblob pg_sleep_for',
);

/** `SQLISH.test(text)`, with the regex run only when a character or word it needs is present. */
function sqlish(text: string, traits: number, words: WordBits): boolean {
  if ((traits & (QUOTE | CONTROL | SYMBOL)) !== 0 && SQLISH_MARK.test(text)) return true;
  if ((traits & DASH) !== 0 && text.includes('--')) return true;
  if ((traits & SLASH) !== 0 && text.includes('/*')) return true;
  return hasAnyWord(words, SQLISH_WORDS);
}

/** `VALUE_GATE` of v1.2 as a disjunction of parts, each tried only when what it needs is in the leaf. */
function valueGate(text: string, traits: number, words: WordBits): boolean {
  if ((traits & (QUOTE | PAREN)) !== 0 && GATE_QUOTE.test(text)) return true;
  if ((hasAnyWord(words, BOOL_WORDS) || (traits & CONTROL) !== 0) && GATE_BOOL.test(text)) return true;
  if ((traits & CONTROL) !== 0 && GATE_STACK.test(text)) return true;
  if (hasAnyWord(words, GATE_WORDS)) return true;
  if ((traits & PAREN) !== 0 && GATE_CALL.test(text)) return true;
  if ((traits & DASH) !== 0 && text.includes('--')) return true;
  if ((traits & SLASH) !== 0 && text.includes('/*')) return true;
  if ((traits & SYMBOL) !== 0 && (text.includes('#') || GATE_VARIABLE.test(text))) return true;
  if ((traits & DIGIT) !== 0 && GATE_HEX.test(text)) return true;
  return hasAnyWord(words, GROUPING_WORDS) && GATE_GROUPING.test(text);
}

const NOSQL =
  /(?:\[\s*\$(?:ne|gt|gte|lt|lte|regex|where|nin|in|exists|or|and|not|expr|eq)\s*\]|"\s*\$(?:ne|gt|gte|lt|lte|regex|where|nin|exists|expr|function|accumulator)"\s*:|\$where\b|\bthis\.\w{1,64}\s*(?:==|!=)|;\s*return\s+(?:true|1)\b|\bdb\.\w{1,64}\.\w{1,64}\s*\()/i;
const NOSQL_KEYS = new Set(['$where', '$function', '$accumulator', '$expr']);
/** NOSQL's `;\s*return\s+` alternative: the only one without a bracket, quote, `$`, `=`/`!` or `(`. */
const RETURN_WORD = gateWords('return');

/** The finding kind each parse-tree change reports as. */
const CHANGE_KIND: Record<Exclude<ParseChange, 'none'>, string> = {
  statement: 'stacked',
  union: 'union',
  truncation: 'comment-truncation',
  boolean: 'tautology',
  subquery: 'union',
  call: 'blind',
};

/** Distinct values parsed per request at most (each costs up to ~15 ms on hostile 512-char input). */
const PARSE_BUDGET = 8;

/**
 * PERF: the parser runs only on values the lexer already scored weakly (1-2) that hold an operator, a
 * parenthesis, a variable sigil or a comment: prose with an apostrophe or a lone "and" never reaches it.
 */
const PARSE_GATE = /[=<>()@#|^&]|--|\/\*/;

/**
 * Parse-tree confirmation of a weak lexer score: the value changes the tree of a query it is spliced into
 * (`lib/sql-parse-change.ts`). Memoized per request: the same value in many leaves is parsed once.
 */
/** Parse results of one request, by value; the map is made on the first parse (most requests have none). */
interface ParseMemo {
  changes: Map<string, ParseChange> | undefined;
}

function confirmByParse(value: string, s: Score, memo: ParseMemo): void {
  if (!PARSE_CHANGE_ENABLED || s.score < 1 || s.score >= THRESHOLD) return;
  if (value.length > PARSE_CHANGE_LIMIT || !PARSE_GATE.test(value)) return;
  const changes = (memo.changes ??= new Map<string, ParseChange>());
  let change = changes.get(value);
  if (change === undefined) {
    // A request's parser work is bounded: past this many distinct values, the lexer's verdict stands.
    if (changes.size >= PARSE_BUDGET) return;
    change = parseChange(value);
    changes.set(value, change);
  }
  if (change !== 'none') add(s, CHANGE_KIND[change], THRESHOLD - s.score);
}

function inspectLeaf(
  leaf: StringLeaf,
  input: InspectionInput,
  i: number,
  out: Finding[],
  memo: ParseMemo,
  s: Score,
): void {
  const value = leaf.value;
  if (isKeyLeaf(leaf)) {
    if (NOSQL_KEYS.has(value))
      out.push(makeFinding({ id: ID }, 'nosql-operator', 'high', leaf.path, excerpt(value), tags));
    return;
  }
  s.score = 0;
  s.kind = '';
  s.weight = 0;
  const traits = leafTraits(input, i);
  // NOSQL needs a bracket, quote, dollar, `=`/`!` or `(` somewhere, or `;` before the word `return`.
  const words = leafWords(input, i);
  if (
    ((traits & (BRACKET | QUOTE | DOLLAR | SYMBOL | PAREN)) !== 0 ||
      ((traits & CONTROL) !== 0 && hasAnyWord(words, RETURN_WORD))) &&
    NOSQL.test(value)
  )
    add(s, 'nosql-operator', 3);
  if (sqlish(value, traits, words)) {
    // A statement in an identifier or number field is a value that became SQL: it is scored as a value.
    if (isSqlLeaf(leaf, input.action) && !isDataKey(leaf.key)) {
      scoreStatement(value, s);
      // The quoted span of a statement (first quote to last) is where a spliced value sits: check it the same way.
      const a = value.indexOf("'");
      const b = value.lastIndexOf("'");
      if (a !== -1 && b > a) confirmByParse(value.slice(a + 1, b), s, memo);
    } else if (valueGate(value, traits, words)) {
      scoreValue(value, s);
      confirmByParse(value, s, memo);
    }
  }
  if (s.score >= THRESHOLD && s.kind !== '') {
    const severity: Severity =
      s.score >= 6 || s.kind === 'stacked' || s.kind === 'union' ? 'critical' : 'high';
    out.push(makeFinding({ id: ID }, s.kind, severity, leaf.path, excerpt(value), tags, s.score));
  }
}

/** Flags SQL and NoSQL injection in data values and in the statements an agent sends. */
export const sqlInjectionInspector: Inspector = {
  id: ID,
  version: '1.1.0',
  gateWords: [BOOL_WORDS, GATE_WORDS, GROUPING_WORDS, SQLISH_WORDS, RETURN_WORD],
  inspect(input: InspectionInput): readonly Finding[] {
    const out: Finding[] = [];
    const memo: ParseMemo = { changes: undefined };
    // PERF: one score, reset for each leaf.
    const s: Score = { score: 0, kind: '', weight: 0 };
    for (let i = 0; i < input.leaves.length; i++) {
      const leaf = input.leaves[i]!;
      if (leaf.value.length >= 3) inspectLeaf(leaf, input, i, out, memo, s);
    }
    return out;
  },
};
