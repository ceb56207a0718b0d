/**
 * Parse-tree change: does a value, spliced into a query where it should be one literal, change that query's
 * syntax tree? The value goes into a few host templates (single-quoted, double-quoted, numeric, parenthesized,
 * LIKE), each followed by a sentinel predicate `AND c = 1`; node-sql-parser parses each, and the value is data
 * only when the tree is the template's: one comparison of `b` against an atom, the sentinel intact, no extra
 * statement, set operation or clause. The changes that count are the ones an injection makes: extra boolean
 * predicates, a UNION or second statement, a comment that swallows the sentinel, a subquery, a timing or probe
 * call. A template the value makes unparseable says nothing.
 */
import nodeSqlParser from 'node-sql-parser';
import { PROBE_FUNCTIONS, TIME_FUNCTIONS } from '../../sql/vocabulary.js';

const { Parser } = nodeSqlParser;
const parser = new Parser();

/**
 * Off by default: on the eval it lifts sql-injection detection from 95.5% to 96.3% with no new false positive
 * (short of the 97% target), and a call whose value reaches the parser costs ~1.1 ms CPU instead of ~0.1 ms
 * (prose never reaches it). See docs/inspectors.md.
 */
export const PARSE_CHANGE_ENABLED = false;

/** Values longer than this keep the lexer's verdict: the PEG parser's cost grows with its input. */
export const PARSE_CHANGE_LIMIT = 512;

/**
 * node-sql-parser backtracks: its time doubles with each nested `(select` (depth 7 is ~40 ms, depth 64 never
 * ends) and grows with parentheses generally. Values nested deeper, or holding more parentheses or SELECTs,
 * than these keep the lexer's verdict.
 */
const MAX_DEPTH = 8;
const MAX_PARENS = 12;
/** Nested `(select` is the parser's worst case (each level doubles its time): at most this many SELECTs. */
const MAX_SELECTS = 2;

/** One linear pass: true when the value's parentheses stay within {@link MAX_DEPTH} and {@link MAX_PARENS}. */
function shallow(value: string): boolean {
  let depth = 0;
  let opens = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 40) {
      opens++;
      depth++;
      if (depth > MAX_DEPTH || opens > MAX_PARENS) return false;
    } else if (c === 41 && depth > 0) depth--;
  }
  let selects = 0;
  for (let at = value.search(/select/i); at !== -1 && selects <= MAX_SELECTS;) {
    selects++;
    const next = value.slice(at + 6).search(/select/i);
    at = next === -1 ? -1 : at + 6 + next;
  }
  return selects <= MAX_SELECTS;
}

/** What the value did to the tree, strongest first; `none` when it stayed a literal (or never parsed). */
export type ParseChange = 'statement' | 'union' | 'truncation' | 'boolean' | 'subquery' | 'call' | 'none';

type Node = Record<string, unknown>;

const asNode = (v: unknown): Node | null =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Node) : null;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** Calls that are injection probes when they appear in a value's parse: timing, fingerprinting, file access. */
const isProbeCall = (name: string): boolean => TIME_FUNCTIONS.has(name) || PROBE_FUNCTIONS.has(name);

const BOOLEAN_OPS = new Set(['OR', 'AND', 'XOR', '||', '&&']);
const COMPARE_OPS = new Set([
  '=',
  '==',
  '<>',
  '!=',
  '<',
  '>',
  '<=',
  '>=',
  '<=>',
  'IS',
  'IS NOT',
  'LIKE',
  'NOT LIKE',
  'RLIKE',
  'REGEXP',
  'NOT REGEXP',
  'IN',
  'NOT IN',
  'BETWEEN',
  'NOT BETWEEN',
  'SOUNDS LIKE',
]);

function funcName(node: Node): string {
  const name = node['name'];
  if (typeof name === 'string') return name.toLowerCase();
  const n = asNode(name);
  const parts = n === null ? null : n['name'];
  if (Array.isArray(parts)) {
    const last = asNode(parts[parts.length - 1]);
    return str(last?.['value']).toLowerCase();
  }
  return '';
}

/** Structure found in the value's part of a tree. */
const CMP = 1;
const BOOL = 2;
const PROBE = 4;
const CALL = 8;
const VAR = 16;
const PAREN = 32;
const SUBQUERY = 64;
/** A comma list outside call arguments and IN lists: the parser's leniency, which vetoes the reading. */
const LIST = 128;

/**
 * The structure inside the spliced operand: comparisons, boolean operators, calls, variables, parentheses,
 * subqueries. Arithmetic and bare literals are not structure.
 */
function features(v: unknown, depth: number, inList = false): number {
  if (depth > 48) return 0;
  if (Array.isArray(v)) {
    let f = 0;
    for (const x of v) f |= features(x, depth + 1);
    return f;
  }
  const node = asNode(v);
  if (node === null) return 0;
  const type = str(node['type']);
  if (type === 'select' || node['ast'] !== undefined) return SUBQUERY;
  if (isSentinel(node)) return 0;
  if (type === 'expr_list' && !inList && Array.isArray(node['value']) && node['value'].length > 1)
    return LIST;
  let f = node['parentheses'] === true && !isHost(node) ? PAREN : 0;
  if (type === 'binary_expr') {
    const op = str(node['operator']).toUpperCase();
    // The template's own comparison `b = <value>` and its `AND c = 1` are not the value's structure.
    if (isHost(node)) return features(node['right'], depth + 1, op === 'IN' || op === 'NOT IN');
    if (BOOLEAN_OPS.has(op)) f |= op === 'AND' && isSentinel(asNode(node['right'])) ? 0 : BOOL;
    else if (COMPARE_OPS.has(op)) f |= CMP;
  } else if (type === 'function' || type === 'aggr_func')
    f |= isProbeCall(funcName(node)) ? PROBE | CALL : CALL;
  else if (type === 'var') f |= VAR;
  const op = str(node['operator']).toUpperCase();
  for (const key of ['left', 'right', 'expr', 'args', 'value']) {
    const child = node[key];
    const list = key === 'args' || (key === 'right' && (op === 'IN' || op === 'NOT IN'));
    if (typeof child === 'object' && child !== null) f |= features(child, depth + 1, list);
  }
  return f;
}

/** The change an operand's structure amounts to, with or without a truncated sentinel. */
function operandChange(v: unknown, truncated: boolean): ParseChange {
  const f = features(v, 0);
  if ((f & LIST) !== 0) return 'none';
  if ((f & SUBQUERY) !== 0) return 'subquery';
  // A comparison the value brings (`or 1=1`, `and x like y`): a predicate of its own.
  if ((f & CMP) !== 0 || ((f & BOOL) !== 0 && (f & (PROBE | VAR)) !== 0))
    return truncated ? 'truncation' : 'boolean';
  if ((f & PROBE) !== 0) return truncated ? 'truncation' : 'call';
  // With the rest of the query commented out, any expression structure before the comment is the payload.
  if (truncated && (f & (BOOL | CALL | VAR | PAREN)) !== 0) return 'truncation';
  return 'none';
}

const RANK: Record<ParseChange, number> = {
  statement: 6,
  union: 5,
  truncation: 4,
  boolean: 3,
  subquery: 2,
  call: 1,
  none: 0,
};
const stronger = (a: ParseChange, b: ParseChange): ParseChange => (RANK[b] > RANK[a] ? b : a);

/** A column reference's name in either dialect's tree (`column: 'b'` or `column: { expr: { value: 'b' } }`). */
function columnOf(v: unknown): string {
  const node = asNode(v);
  if (node === null) return '';
  const c = node['column'];
  if (typeof c === 'string') return c;
  return str(asNode(asNode(c)?.['expr'])?.['value']);
}

/** True for the template's host comparison `b <op> ...`. */
function isHost(node: Node): boolean {
  return (
    str(node['type']) === 'binary_expr' &&
    columnOf(node['left']) === 'b' &&
    COMPARE_OPS.has(str(node['operator']).toUpperCase())
  );
}

/** True when the sentinel `c = 1` is still in the tree (the value did not comment it out). */
function hasSentinel(v: unknown, depth: number): boolean {
  const node = asNode(v);
  if (node === null || depth > 48) return false;
  if (isSentinel(node)) return true;
  return hasSentinel(node['left'], depth + 1) || hasSentinel(node['right'], depth + 1);
}

/** True for the sentinel `c = 1` the templates end with. */
function isSentinel(node: Node | null): boolean {
  if (node === null || str(node['type']) !== 'binary_expr' || node['operator'] !== '=') return false;
  const l = asNode(node['left']);
  const r = asNode(node['right']);
  return columnOf(l) === 'c' && r?.['value'] === 1;
}

/** Compares a template's tree with the one an inert value gives. */
function treeChange(ast: unknown): ParseChange {
  if (Array.isArray(ast)) {
    if (ast.length !== 1) return 'statement';
    return treeChange(ast[0]);
  }
  const root = asNode(ast);
  if (root === null) return 'none';
  if (str(root['type']) !== 'select') return 'statement';
  if (root['_next'] !== undefined && root['_next'] !== null) return 'union';
  for (const clause of ['groupby', 'having', 'orderby', 'limit', 'window'])
    if (root[clause] !== null && root[clause] !== undefined) {
      const g = asNode(root[clause]);
      // An empty clause object (`limit: { value: [] }`) is how the parser says "none".
      if (g === null || !Array.isArray(g['value']) || g['value'].length > 0)
        if (!(clause === 'groupby' && g !== null && g['columns'] === null)) return 'truncation';
    }
  const into = asNode(root['into']);
  if (into !== null && into['position'] !== null && into['position'] !== undefined) return 'statement';
  const where = asNode(root['where']);
  // A comma list in WHERE (`b = x, y`) is the parser's leniency, not a reading any server shares.
  if (where === null || str(where['type']) === 'expr_list') return 'none';
  return operandChange(where, !hasSentinel(where, 0));
}

/**
 * Host templates: `prefix + value + suffix`, each with the characters a value needs to leave its literal there.
 * MySQL's grammar only: PostgreSQL added four detections of 37,304 for twice the parser time.
 */
const TEMPLATES: ReadonlyArray<{ prefix: string; suffix: string; needs: string }> = [
  { prefix: "SELECT a FROM t WHERE b = '", suffix: "' AND c = 1", needs: "'" },
  { prefix: 'SELECT a FROM t WHERE b = "', suffix: '" AND c = 1', needs: '"' },
  { prefix: 'SELECT a FROM t WHERE b = ', suffix: ' AND c = 1', needs: '' },
  { prefix: 'SELECT a FROM t WHERE (b = ', suffix: ') AND c = 1', needs: ')' },
  { prefix: "SELECT a FROM t WHERE (b = '", suffix: "') AND c = 1", needs: "')" },
  { prefix: "SELECT a FROM t WHERE b LIKE '%", suffix: "%' AND c = 1", needs: "'" },
];

function parses(sql: string): unknown {
  try {
    return parser.astify(sql, { database: 'MySQL' });
  } catch {
    return undefined;
  }
}

/**
 * The strongest change `value` makes to any host template's tree. Values over {@link PARSE_CHANGE_LIMIT}
 * are not parsed (`none`). Never throws; parser errors mean "no reading in that template".
 */
export function parseChange(value: string): ParseChange {
  if (value.length > PARSE_CHANGE_LIMIT || !shallow(value)) return 'none';
  let best: ParseChange = 'none';
  const lastOpen = value.lastIndexOf('/*');
  const open = lastOpen !== -1 && value.indexOf('*/', lastOpen + 2) === -1 ? lastOpen : -1;
  for (const t of TEMPLATES) {
    if (t.needs !== '' && ![...t.needs].every((c) => value.includes(c))) continue;
    let ast = parses(t.prefix + value + t.suffix);
    // MySQL reads an unterminated `/*` as a comment to the end of the query; the parser rejects it, so the
    // query is cut there instead (the sentinel goes with it).
    if (ast === undefined && open !== -1) ast = parses(t.prefix + value.slice(0, open));
    if (ast === undefined) continue;
    best = stronger(best, treeChange(ast));
    if (best === 'statement') return best;
  }
  return best;
}
