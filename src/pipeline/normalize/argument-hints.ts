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

/** How deep a named resource is looked for (`{"connection": {"database": ...}}` is depth 2). */
const NAME_DEPTH = 4;

/**
 * The first non-empty string under one of `keys`, at the top level first and then breadth-first below it
 * (`{"connection": {"database": "prod"}}`), also as the `name` of an object under such a key
 * (`{"db": {"name": "prod"}}`). SECURITY: a deny keyed on a resource must not be dodged by nesting it.
 */
export function firstString(args: { [k: string]: JsonValue }, keys: readonly string[]): string | null {
  let level: Array<{ [k: string]: JsonValue }> = [args];
  for (let depth = 0; depth < NAME_DEPTH && level.length > 0; depth++) {
    for (const obj of level) {
      for (const k of keys) {
        const v = obj[k];
        if (typeof v === 'string' && v.length > 0) return v;
        if (isJsonObject(v) && typeof v['name'] === 'string' && v['name'].length > 0) return v['name'];
      }
    }
    const next: Array<{ [k: string]: JsonValue }> = [];
    for (const obj of level)
      for (const k of Object.keys(obj)) {
        const v = obj[k] as JsonValue;
        if (isJsonObject(v)) next.push(v);
        else if (Array.isArray(v)) for (const item of v) if (isJsonObject(item)) next.push(item);
      }
    level = next;
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

/** Keys whose value is a recipient list wherever they sit: `to`, `toRecipients`, `reply_to`... */
const NESTED_RECIPIENT_KEY = /^(?:to|cc|bcc|recipient|recipients|reply_?to|[a-z_]*recipients?)$/;
/** How deep recipients are looked for: SendGrid's personalizations[].to[].email is depth 4. */
const RECIPIENT_DEPTH = 6;

/**
 * Addresses inside a recipient value that is not a plain string: the items of a list, and the fields of
 * objects (`{"email": ..., "name": ...}`, Graph's `{"emailAddress": {"address": ...}}`) that hold an `@`.
 */
function addNested(value: JsonValue, out: string[], depth: number): void {
  if (depth > RECIPIENT_DEPTH) return;
  if (typeof value === 'string') {
    if (value.includes('@')) addAddresses(value, out);
  } else if (Array.isArray(value)) {
    for (const item of value) addNested(item, out, depth + 1);
  } else if (isJsonObject(value)) {
    for (const k of Object.keys(value)) addNested(value[k] as JsonValue, out, depth + 1);
  }
}

/** Recipient-named keys below the top level (`message.to`, `personalizations[].to[]`). */
function addDeepRecipients(value: JsonValue, out: string[], depth: number): void {
  if (depth > RECIPIENT_DEPTH) return;
  if (Array.isArray(value)) {
    for (const item of value) addDeepRecipients(item, out, depth + 1);
  } else if (isJsonObject(value)) {
    for (const k of Object.keys(value)) {
      const v = value[k] as JsonValue;
      if (NESTED_RECIPIENT_KEY.test(k.toLowerCase())) addRecipientValue(v, out, depth + 1);
      else addDeepRecipients(v, out, depth + 1);
    }
  }
}

/** A recipient key's value: a string or a list of strings as written, anything else searched for addresses. */
function addRecipientValue(value: JsonValue, out: string[], depth: number): void {
  if (typeof value === 'string') addAddresses(value, out);
  else if (Array.isArray(value) && value.every((item) => typeof item === 'string'))
    for (const item of value) addAddresses(item, out);
  else addNested(value, out, depth);
}

/**
 * Every recipient a send names. SECURITY: a recipient this misses makes `resource.external` false, so an
 * address in an object (`[{"email": ...}]`) or in a nested message counts the same as a top-level string.
 */
function collectRecipients(args: { [k: string]: JsonValue }): string[] {
  const out: string[] = [];
  for (const k of Object.keys(args)) {
    const v = args[k] as JsonValue;
    const key = k.toLowerCase();
    if (RECIPIENT_KEYS.includes(key) || NESTED_RECIPIENT_KEY.test(key)) addRecipientValue(v, out, 1);
    else addDeepRecipients(v, out, 1);
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
