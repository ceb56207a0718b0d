/** The SQL a tool call carries: every string under a SQL-carrying key, at any depth, in lists too. */
import { WritError } from '../errors.js';
import { keptFacts, settled } from '../kept-arguments.js';
import { isJsonObject, type JsonValue } from '../model/json.js';
import type { OperationClass } from '../model/action.js';
import { riskierReading } from '../model/operation-danger.js';
import { classifySqlText } from '../sql/statement-class.js';

/** Keys whose value is SQL (compared lower-case, without `_` and `-`): `query`, `sql`, `statements`... */
const SQL_KEYS = new Set([
  'query',
  'queries',
  'sql',
  'sqls',
  'statement',
  'statements',
  'sqlquery',
  'sqlstatement',
  'rawsql',
  'rawquery',
]);

const isSqlKey = (key: string): boolean => SQL_KEYS.has(key.toLowerCase().replace(/[_-]/g, ''));

/** Every string under a SQL-carrying key (or in a list under one), in document order. Iterative: no stack limit. */
export function sqlTexts(args: JsonValue): string[] {
  const out: string[] = [];
  const stack: Array<{ value: JsonValue; sql: boolean }> = [{ value: args, sql: false }];
  while (stack.length > 0) {
    const { value, sql } = stack.pop()!;
    if (typeof value === 'string') {
      if (sql) out.push(value);
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i] as JsonValue, sql });
    } else if (isJsonObject(value)) {
      const keys = Object.keys(value);
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i]!;
        // Everything below a SQL key is SQL too (`{"query": {"text": "..."}}`).
        stack.push({ value: value[key] as JsonValue, sql: sql || isSqlKey(key) });
      }
    }
  }
  return out;
}

/**
 * The most SQL (UTF-16 code units, all texts of a call together) writ reads: ~40 ms of the worst case on one
 * core (a dense token stream); real queries are far smaller. Past it the call is ERR_SQL_TOO_LONG.
 */
export const MAX_SQL_CHARS = 65_536;

const totalLength = (texts: readonly string[]): number => texts.reduce((n, t) => n + t.length, 0);

function operationOf(texts: readonly string[]): OperationClass | null {
  let result: OperationClass | null = null;
  for (const text of texts) {
    const cls = classifySqlText(text);
    if (cls !== null) result = result === null ? cls : riskierReading(result, cls);
  }
  return result;
}

/**
 * The operation of the SQL a call carries (the adapter's reading): the most dangerous class of every SQL text
 * in its arguments, or null when it carries none (or only text that is not SQL in any dialect). Throws
 * ERR_SQL_TOO_LONG past {@link MAX_SQL_CHARS}: a limit is a deny, never a partial reading.
 */
export function readSqlOperation(args: JsonValue): OperationClass | null {
  const texts = sqlTexts(args);
  const total = totalLength(texts);
  if (total > MAX_SQL_CHARS)
    throw new WritError(
      'ERR_SQL_TOO_LONG',
      `the sql arguments hold ${total} characters; writ reads at most ${MAX_SQL_CHARS}`,
    );
  return operationOf(texts);
}

/** The same reading for policy (`action.sql_operation`) on any action: SQL past the limit is `unknown`. */
export function sqlOperation(args: JsonValue): OperationClass | null {
  // Arguments kept on the inspection thread were read there by this same function (kept-arguments.ts).
  const kept = keptFacts(args);
  if (kept !== undefined) return settled(kept.sqlOperation);
  const texts = sqlTexts(args);
  return totalLength(texts) > MAX_SQL_CHARS ? 'unknown' : operationOf(texts);
}
