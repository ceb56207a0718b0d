/** The SQL a tool call carries: every string under a SQL-carrying key, at any depth, in lists too. */
import { isJsonObject, type JsonValue } from '../model/json.js';
import type { OperationClass } from '../model/action.js';
import { classifySqlText, riskierSql } from '../sql/statement-class.js';

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
        stack.push({ value: value[key] as JsonValue, sql: isSqlKey(key) });
      }
    }
  }
  return out;
}

/**
 * The operation of the SQL a call carries: the most dangerous class of every SQL text in its arguments, or
 * null when it carries none (or only text that is not SQL in any dialect).
 */
export function sqlOperation(args: JsonValue): OperationClass | null {
  let result: OperationClass | null = null;
  for (const text of sqlTexts(args)) {
    const cls = classifySqlText(text);
    if (cls !== null) result = result === null ? cls : riskierSql(result, cls);
  }
  return result;
}
