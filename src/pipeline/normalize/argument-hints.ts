/** Reads resource facts (database, table, file, recipients) from the conventional argument names tools use. */
import type { Resource } from '../model/action.js';
import { isJsonObject, type JsonValue } from '../model/json.js';
import { canonicalResourceName } from './resource-name.js';

const DATABASE_KEYS = ['database', 'db', 'dbname', 'database_name', 'datasource'];
const TABLE_KEYS = ['table', 'table_name', 'collection'];
const PATH_KEYS = ['path', 'file', 'filename', 'file_path', 'filepath', 'target', 'destination'];
const RECIPIENT_KEYS = ['to', 'cc', 'bcc', 'recipient', 'recipients', 'channel', 'email'];
const ENVIRONMENT_KEYS = ['environment', 'env', 'stage'];
const SQL_KEYS = ['query', 'sql', 'statement'];
const RECIPIENT_SEPARATOR = /[,;]/;
const ANGLE_ADDRESS = /<([^<>\s]+)>/;
const SQL_TABLE = /\b(?:from|into|update|table|join)\s+([A-Za-z_][\w.]*|"[^"]+"|`[^`]+`)/i;
const SQL_QUOTES = /["`]/g;

const nameOrNull = (name: string | null): string | null =>
  name === null ? null : canonicalResourceName(name);

function firstString(args: { [k: string]: JsonValue }, keys: readonly string[]): string | null {
  for (const k of keys) {
    const v = args[k];
    if (typeof v === 'string' && v.length > 0) return v;
  }
  return null;
}

function addAddresses(item: JsonValue, out: string[]): void {
  if (typeof item !== 'string') return;
  for (const part of item.split(RECIPIENT_SEPARATOR)) {
    const trimmed = part.trim();
    // "Name <a@b.c>" -> a@b.c
    const angle = ANGLE_ADDRESS.exec(trimmed);
    const address = (angle?.[1] ?? trimmed).toLowerCase();
    if (address.length > 0) out.push(address);
  }
}

function collectRecipients(args: { [k: string]: JsonValue }): string[] {
  const out: string[] = [];
  for (const k of RECIPIENT_KEYS) {
    const v = args[k];
    if (Array.isArray(v)) for (const item of v) addAddresses(item, out);
    else if (v !== undefined) addAddresses(v, out);
  }
  return out;
}

/** The SQL table a statement names first (`FROM x`, `INTO x`, `UPDATE x`, `TABLE x`), for policy. */
export function firstSqlTable(sql: string): string | null {
  const m = SQL_TABLE.exec(sql);
  return m?.[1]?.replace(SQL_QUOTES, '').toLowerCase() ?? null;
}

/** Resource facts readable from tool arguments; fields the arguments do not name stay absent. */
export function resourceHintsFromArguments(
  args: JsonValue,
): Partial<Pick<Resource, 'database' | 'table' | 'filePath' | 'environment' | 'recipients'>> {
  if (!isJsonObject(args)) return {};
  const sql = firstString(args, SQL_KEYS);
  const table = firstString(args, TABLE_KEYS) ?? (sql === null ? null : firstSqlTable(sql));
  const hints: Partial<Pick<Resource, 'database' | 'table' | 'filePath' | 'environment' | 'recipients'>> = {
    database: nameOrNull(firstString(args, DATABASE_KEYS)),
    table: nameOrNull(table),
    filePath: firstString(args, PATH_KEYS),
    environment: nameOrNull(firstString(args, ENVIRONMENT_KEYS)),
    recipients: collectRecipients(args),
  };
  return hints;
}
