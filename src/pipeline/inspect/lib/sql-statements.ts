/** SQL statement analysis for destructive checks: node-sql-parser first, a linear lexical reading as fallback. */
import nodeSqlParser from 'node-sql-parser';

const { Parser } = nodeSqlParser;

/** What a statement does, reduced to what destructive-op needs. */
export interface SqlStatementInfo {
  /** Upper-case verb: `DELETE`, `UPDATE`, `DROP`, `TRUNCATE`, `ALTER`, `GRANT`, `SELECT`... */
  readonly verb: string;
  /**
   * For DELETE/UPDATE: `none` (no WHERE, or a WHERE that is always true such as `1=1`), `key` (a key-column
   * equality or IN list bounds it), `other` (a filter on non-key columns: a bulk write).
   */
  readonly filter: 'none' | 'key' | 'other' | 'n/a';
  /** The object kind after DROP/ALTER/TRUNCATE (`TABLE`, `DATABASE`, ...) when known. */
  readonly object: string;
  readonly text: string;
}

/** Statements longer than this are read lexically only: the PEG parser is too slow for megabyte input. */
export const SQL_PARSE_LIMIT = 8_192;

const parser = new Parser();
const DIALECTS = ['PostgreSQL', 'MySQL', 'TransactSQL', 'BigQuery', 'Snowflake'] as const;

/** A key column: `id`, `uuid`, `pk`, or anything ending in `_id`/`_uuid`/`Id`. */
export function isKeyColumn(name: string): boolean {
  const n = name.replace(/["`[\]]/g, '');
  const bare = n.slice(n.lastIndexOf('.') + 1);
  return /^(?:id|uuid|guid|pk|rowid|oid)$/i.test(bare) || /(?:_id|_uuid|_pk|Id|ID)$/.test(bare);
}

type Node = Record<string, unknown>;

function asNode(v: unknown): Node | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Node) : null;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function columnName(node: Node | null): string | null {
  if (node === null || node['type'] !== 'column_ref') return null;
  const column = node['column'];
  if (typeof column === 'string') return column;
  const expr = asNode(asNode(column)?.['expr'] ?? null);
  const value = expr?.['value'];
  return typeof value === 'string' ? value : null;
}

function isLiteral(node: Node | null): boolean {
  if (node === null) return false;
  const t = node['type'];
  if (t === 'expr_list') {
    const items = node['value'];
    return Array.isArray(items) && items.length > 0 && items.every((i) => isLiteral(asNode(i)));
  }
  return (
    t === 'number' ||
    t === 'single_quote_string' ||
    t === 'double_quote_string' ||
    t === 'string' ||
    t === 'param' ||
    t === 'var' ||
    t === 'origin' ||
    t === 'bool'
  );
}

/** True when every row the WHERE can touch is pinned by a key equality (AND: either side; OR: both sides). */
function hasKeyFilter(node: Node | null, depth = 0): boolean {
  if (node === null || depth > 64 || node['type'] !== 'binary_expr') return false;
  const op = str(node['operator']).toUpperCase();
  const left = asNode(node['left']);
  const right = asNode(node['right']);
  if (op === 'AND') return hasKeyFilter(left, depth + 1) || hasKeyFilter(right, depth + 1);
  if (op === 'OR') return hasKeyFilter(left, depth + 1) && hasKeyFilter(right, depth + 1);
  if (op === '=' || op === 'IN') {
    const l = columnName(left);
    const r = columnName(right);
    if (l !== null && isKeyColumn(l) && isLiteral(right)) return true;
    if (r !== null && isKeyColumn(r) && isLiteral(left) && op === '=') return true;
  }
  return false;
}

function literalValue(node: Node | null): string | null {
  if (node === null) return null;
  const t = node['type'];
  if (t === 'number' || t === 'bool') return String(node['value']).toLowerCase();
  if (t === 'single_quote_string' || t === 'double_quote_string' || t === 'string')
    return `'${String(node['value'])}'`;
  return null;
}

/** True when a WHERE can never exclude a row: `1=1`, `'a'='a'`, `TRUE`, `1`, or an OR with such a branch. */
export function isTautology(node: Node | null, depth = 0): boolean {
  if (node === null || depth > 64) return false;
  const t = node['type'];
  if (t === 'bool') return node['value'] === true;
  if (t === 'number') return Number(node['value']) !== 0;
  if (t !== 'binary_expr') return false;
  const op = str(node['operator']).toUpperCase();
  const left = asNode(node['left']);
  const right = asNode(node['right']);
  if (op === 'OR') return isTautology(left, depth + 1) || isTautology(right, depth + 1);
  if (op === 'AND') return isTautology(left, depth + 1) && isTautology(right, depth + 1);
  const l = literalValue(left);
  const r = literalValue(right);
  if (op === '=' || op === '<=>' || op === 'IS') {
    if (l !== null && l === r) return true;
    const lc = columnName(left);
    return lc !== null && lc === columnName(right);
  }
  if ((op === '<>' || op === '!=') && l !== null && r !== null) return l !== r;
  return false;
}

function fromAst(node: Node, text: string): SqlStatementInfo {
  const type = str(node['type']).toUpperCase();
  if (type === 'DELETE' || type === 'UPDATE') {
    const where = asNode(node['where']);
    const filter = where === null || isTautology(where) ? 'none' : hasKeyFilter(where) ? 'key' : 'other';
    return { verb: type, filter, object: 'TABLE', text };
  }
  const keyword = str(node['keyword']).toUpperCase();
  return { verb: type, filter: 'n/a', object: keyword, text };
}

/** Splits on `;` outside quotes and comments, in one linear pass. */
export function splitStatements(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote !== '') {
      if (c === quote) quote = '';
      continue;
    }
    if (c === "'" || c === '"' || c === '`') quote = c;
    else if (c === '-' && text[i + 1] === '-') {
      const nl = text.indexOf('\n', i);
      i = nl === -1 ? text.length : nl;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end === -1 ? text.length : end + 1;
    } else if (c === ';') {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out.map((s) => s.trim()).filter((s) => s !== '');
}

/** Strips leading comments and parentheses so the verb is the first word. */
function leadingVerb(stmt: string): { verb: string; rest: string } {
  const m = /^(?:\s|\(|--[^\n]*\n|\/\*[^*]*\*\/)*([A-Za-z]+)\s*([A-Za-z]*)/.exec(stmt);
  return { verb: (m?.[1] ?? '').toUpperCase(), rest: (m?.[2] ?? '').toUpperCase() };
}

const LEXICAL_TAUTOLOGY =
  /^\s*(?:true|1|\(?\s*(\d{1,9}|'[^']{0,40}')\s*=\s*\1\s*\)?)\s*(?:$|;|--|\border\b|\blimit\b|\breturning\b)|\bor\s+(?:true\b|\(?\s*(\d{1,9}|'[^']{0,40}')\s*=\s*\2\b)/i;

/** A lexical reading for statements the parser rejects: verb, object, and a key-equality search after WHERE. */
function lexical(stmt: string): SqlStatementInfo {
  const { verb, rest } = leadingVerb(stmt);
  if (verb === 'DELETE' || verb === 'UPDATE') {
    const where = /\bwhere\b/i.exec(stmt);
    if (where === null) return { verb, filter: 'none', object: 'TABLE', text: stmt };
    const cond = stmt.slice(where.index + 5);
    // `WHERE 1=1`, `WHERE true`, `... OR 'a'='a'`: a filter that keeps every row.
    if (LEXICAL_TAUTOLOGY.test(cond)) return { verb, filter: 'none', object: 'TABLE', text: stmt };
    const keyEq =
      /(?:^|[\s(.])["`[]?(?:id|uuid|guid|pk|[A-Za-z0-9]{0,64}_id|[A-Za-z0-9]{0,64}_uuid)["`\]]?\s*(?:=|\bin\b)\s*(?:'[^']{0,200}'|-?\d|\(|\$\d|\?|:[A-Za-z])/i;
    const hasOr = /\bor\b/i.test(cond);
    return { verb, filter: keyEq.test(cond) && !hasOr ? 'key' : 'other', object: 'TABLE', text: stmt };
  }
  return { verb, filter: 'n/a', object: rest, text: stmt };
}

const INTERESTING = /\b(?:delete|update|drop|truncate|alter|grant|revoke)\b/i;

/** The statements of an SQL text that may be destructive; empty when none of the destructive verbs appear. */
export function analyzeSql(text: string): SqlStatementInfo[] {
  if (!INTERESTING.test(text)) return [];
  const out: SqlStatementInfo[] = [];
  for (const stmt of splitStatements(text)) {
    if (!INTERESTING.test(stmt)) continue;
    out.push(parseOne(stmt));
  }
  return out;
}

function parseOne(stmt: string): SqlStatementInfo {
  const lex = lexical(stmt);
  if (stmt.length > SQL_PARSE_LIMIT) return lex;
  for (const database of DIALECTS) {
    try {
      const ast = parser.astify(stmt, { database }) as unknown;
      const nodes = Array.isArray(ast) ? ast : [ast];
      const first = asNode(nodes[0]);
      if (first !== null) {
        const info = fromAst(first, stmt);
        // The parser reads `WITH x AS (...) DELETE` etc. under other types; trust the lexical verb then.
        return info.verb === lex.verb || lex.verb === '' ? info : lex;
      }
    } catch {
      // Try the next dialect; the lexical reading is the final fallback.
    }
  }
  return lex;
}
