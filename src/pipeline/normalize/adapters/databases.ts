/**
 * Databases behind HTTP, and database commands in tool arguments:
 * - PostgREST / Supabase (`/rest/v1/<table>`): the method and the filters; a PATCH or DELETE without a filter
 *   writes or deletes every row (`rest.update-unfiltered`, `rest.delete-unfiltered`);
 * - SQL-over-HTTP APIs (Neon, Turso/libSQL, Snowflake, Databricks, Cloudflare D1, Hasura, ClickHouse): the
 *   body's SQL read by the project's SQL reader (src/pipeline/sql/);
 * - MongoDB Data API (`/action/deleteMany`): the action, and an empty filter as every document;
 * - MongoDB shell calls (`db.users.deleteMany({})`, `db.dropDatabase()`) and Redis commands (`FLUSHALL`,
 *   `CONFIG SET`, `EVAL`; classes from Redis's own COMMAND flags, generated) in a tool's arguments or command lines.
 */
import type { OperationClass } from '../../model/action.js';
import { isJsonObject, type JsonValue } from '../../model/json.js';
import type { ApiFamily, ApiRequest, ToolCall } from '../api/api-family.js';
import { unknownOperation, type ApiReading } from '../api/api-reading.js';
import { environmentOfName } from '../api/environment-name.js';
import { invocationsOf } from '../api/shell-invocations.js';
import { hostMatches } from '../host-pattern.js';
import { riskierReading } from '../../model/operation-danger.js';
import { sqlTexts } from '../sql-arguments.js';
import { classifySqlText } from '../../sql/statement-class.js';
import { REDIS_COMMANDS } from './generated/redis-commands.js';

// --- PostgREST / Supabase -------------------------------------------------------------------------------

/** Query parameters PostgREST reads as options, not as row filters. */
const POSTGREST_OPTIONS: ReadonlySet<string> = new Set([
  'select',
  'order',
  'limit',
  'offset',
  'on_conflict',
  'columns',
]);

/** A filter value that matches every row (`like.*`, `not.is.null` on a key column): no filter at all. */
const MATCHES_ALL = /^(?:i?like\.[*%]+|not\.is\.null|is\.not_null|gte?\.-?infinity)$/i;

/** True when a PostgREST query names a row filter that does not match every row. */
function hasRowFilter(query: ApiRequest['query']): boolean {
  for (const [key, values] of Object.entries(query)) {
    if (POSTGREST_OPTIONS.has(key)) continue;
    if (values.some((v) => !MATCHES_ALL.test(v))) return true;
  }
  return false;
}

function readPostgrest(request: ApiRequest, rest: readonly string[]): ApiReading {
  const [first = '', second = null] = rest;
  if (first === 'rpc') {
    // GET runs only STABLE/IMMUTABLE functions (PostgREST refuses others); POST runs any function.
    const read = request.method === 'GET' || request.method === 'HEAD';
    return {
      operation: read ? 'read' : 'exec',
      apiOperation: 'rest.rpc',
      resource: { kind: 'function', id: second, owner: null },
    };
  }
  const table = first === '' ? null : first;
  const filtered = hasRowFilter(request.query);
  const facts = { kind: table === null ? 'schema' : 'table', id: table, owner: null, table };
  switch (request.method) {
    case 'GET':
    case 'HEAD':
      return { operation: 'read', apiOperation: 'rest.select', resource: facts };
    case 'POST':
      return { operation: 'write', apiOperation: 'rest.insert', resource: facts };
    case 'PUT':
      return { operation: 'write', apiOperation: 'rest.upsert', resource: facts };
    case 'PATCH':
      return {
        operation: 'write',
        apiOperation: filtered ? 'rest.update' : 'rest.update-unfiltered',
        resource: facts,
      };
    case 'DELETE':
      return {
        operation: 'delete',
        apiOperation: filtered ? 'rest.delete' : 'rest.delete-unfiltered',
        resource: facts,
      };
    default:
      return { ...unknownOperation(request.method, 'delete'), resource: facts };
  }
}

// --- SQL over HTTP --------------------------------------------------------------------------------------

/** The SQL a request carries: the body's SQL-keyed strings, a text body, and `query`/`sql` parameters. */
function requestSql(request: ApiRequest): string[] {
  const texts = sqlTexts(request.body);
  if (typeof request.body === 'string' && request.body.trim().length > 0) texts.push(request.body);
  for (const key of ['query', 'sql']) for (const v of request.query[key] ?? []) texts.push(v);
  return texts;
}

function readSqlOverHttp(request: ApiRequest): ApiReading {
  const texts = requestSql(request);
  if (texts.length === 0) {
    // Reading results, session or schema endpoints: GET reads; any other call that carries no SQL writ can
    // find is the most dangerous class (it may carry SQL where writ does not look).
    return request.method === 'GET' || request.method === 'HEAD'
      ? { operation: 'read', apiOperation: 'sql.fetch' }
      : { operation: 'delete', apiOperation: null };
  }
  // A DELETE is a delete whatever its body says (the API may read the method alone).
  let cls: OperationClass = request.method === 'DELETE' ? 'delete' : 'read';
  // SQL writ cannot read is never a read (statement-class.ts): `unknown` stays unknown.
  for (const t of texts) cls = riskierReading(cls, classifySqlText(t) ?? 'unknown');
  return { operation: cls, apiOperation: 'sql.execute', resource: { kind: 'sql', id: null, owner: null } };
}

/** Hosts of SQL-over-HTTP APIs (the SQL is where the call says what it does). */
const SQL_HOSTS = [
  '*.neon.tech',
  '*.turso.io',
  '*.snowflakecomputing.com',
  '*.cloud.databricks.com',
  '*.azuredatabricks.net',
  '*.clickhouse.cloud',
  '*.hasura.app',
];

// --- MongoDB Data API -----------------------------------------------------------------------------------

/** Data API actions (the API is described by MongoDB's documentation only: hand-written). */
const MONGO_ACTIONS: Readonly<Record<string, OperationClass>> = {
  findOne: 'read',
  find: 'read',
  aggregate: 'read',
  insertOne: 'write',
  insertMany: 'write',
  updateOne: 'write',
  updateMany: 'write',
  replaceOne: 'write',
  deleteOne: 'delete',
  deleteMany: 'delete',
};

/** True when a filter object selects every document (`{}`, absent). */
function emptyFilter(v: JsonValue | undefined): boolean {
  return v === undefined || v === null || (isJsonObject(v) && Object.keys(v).length === 0);
}

/** An aggregation pipeline with `$out` or `$merge` writes its result into a collection. */
function pipelineWrites(pipeline: JsonValue | undefined): boolean {
  return Array.isArray(pipeline) && pipeline.some((s) => isJsonObject(s) && ('$out' in s || '$merge' in s));
}

function readMongoDataApi(request: ApiRequest, action: string): ApiReading {
  const body = isJsonObject(request.body) ? request.body : {};
  const collection = typeof body['collection'] === 'string' ? body['collection'] : null;
  const database = typeof body['database'] === 'string' ? body['database'] : null;
  const known = Object.hasOwn(MONGO_ACTIONS, action) ? MONGO_ACTIONS[action]! : null;
  const facts = {
    kind: 'collection',
    id: collection,
    owner: database,
    database,
    table: collection,
    environment: environmentOfName(database),
  };
  if (known === null)
    return {
      ...unknownOperation(request.method === 'GET' ? 'POST' : request.method, 'delete'),
      resource: facts,
    };
  let operation = known;
  if (action === 'aggregate' && pipelineWrites(body['pipeline'])) operation = 'write';
  const bulk = (action === 'deleteMany' || action === 'updateMany') && emptyFilter(body['filter']);
  return { operation, apiOperation: `mongodb.${action}${bulk ? '-unfiltered' : ''}`, resource: facts };
}

// --- the HTTP family ------------------------------------------------------------------------------------

function readRequest(request: ApiRequest): ApiReading {
  const parts = request.pathname.split('/').filter((p) => p.length > 0);
  const restAt = parts.findIndex((p, i) => p === 'rest' && parts[i + 1] === 'v1');
  if (restAt !== -1) return readPostgrest(request, parts.slice(restAt + 2));
  const actionAt = parts.lastIndexOf('action');
  if (hostMatches(request.host, MONGO_HOSTS) && actionAt !== -1 && actionAt === parts.length - 2)
    return readMongoDataApi(request, parts[actionAt + 1]!);
  if (hostMatches(request.host, MONGO_HOSTS))
    return { operation: request.method === 'GET' ? 'unknown' : 'delete', apiOperation: null };
  return readSqlOverHttp(request);
}

const MONGO_HOSTS = ['data.mongodb-api.com', '*.data.mongodb-api.com'];
const SUPABASE_HOSTS = ['*.supabase.co', '*.supabase.in'];

// --- MongoDB shell calls and Redis commands in tool arguments ---------------------------------------------

/** `db.coll.method(`, `db.getCollection("c").method(`, `db.getSiblingDB("d").coll.method(`, `db.method(`. */
const MONGO_CALL =
  /\bdb\.(?:getSiblingDB\(\s{0,8}["'`][^"'`]{0,128}["'`]\s{0,8}\)\.)?(?:(?:getCollection\(\s{0,8}["'`]([^"'`]{0,128})["'`]\s{0,8}\)|([A-Za-z_$][\w$]{0,127}))\.)?([A-Za-z_$][\w$]{0,63})\s{0,8}\(\s{0,8}(\{\s{0,8}\})?/g;

const MONGO_SHELL_METHODS: Readonly<Record<string, OperationClass>> = {
  find: 'read',
  findOne: 'read',
  countDocuments: 'read',
  estimatedDocumentCount: 'read',
  distinct: 'read',
  aggregate: 'read',
  getIndexes: 'read',
  stats: 'read',
  getCollectionNames: 'read',
  listCollections: 'read',
  insertOne: 'write',
  insertMany: 'write',
  insert: 'write',
  updateOne: 'write',
  updateMany: 'write',
  update: 'write',
  replaceOne: 'write',
  findOneAndUpdate: 'write',
  findOneAndReplace: 'write',
  bulkWrite: 'write',
  createIndex: 'write',
  createCollection: 'write',
  renameCollection: 'write',
  save: 'write',
  deleteOne: 'delete',
  deleteMany: 'delete',
  remove: 'delete',
  findOneAndDelete: 'delete',
  drop: 'delete',
  dropDatabase: 'delete',
  dropIndex: 'delete',
  dropIndexes: 'delete',
  dropUser: 'delete',
  dropAllUsers: 'delete',
  createUser: 'admin',
  updateUser: 'admin',
  grantRolesToUser: 'admin',
  revokeRolesFromUser: 'admin',
  createRole: 'admin',
  grantPrivilegesToRole: 'admin',
  runCommand: 'exec',
  adminCommand: 'exec',
  eval: 'exec',
};

/** The riskiest MongoDB shell call in a text, or null when it holds none. */
export function readMongoShell(text: string): ApiReading | null {
  if (!text.includes('db.')) return null;
  let best: ApiReading | null = null;
  for (const m of text.matchAll(MONGO_CALL)) {
    const collection = m[1] ?? m[2] ?? null;
    const method = m[3]!;
    const emptyArg = m[4] !== undefined;
    // SECURITY: a method writ does not know (a new helper, `db.coll.x()`) is the most dangerous class.
    const known = Object.hasOwn(MONGO_SHELL_METHODS, method) ? MONGO_SHELL_METHODS[method]! : 'delete';
    const bulk = emptyArg && (method === 'deleteMany' || method === 'updateMany' || method === 'remove');
    const reading: ApiReading = {
      operation: known,
      apiOperation: `mongodb.${method}${bulk ? '-unfiltered' : ''}`,
      resource: {
        kind: collection === null ? 'database' : 'collection',
        id: collection,
        owner: null,
        table: collection,
      },
    };
    if (best === null || riskierReading(best.operation, reading.operation) !== best.operation) best = reading;
  }
  return best;
}

interface RedisCommandInfo {
  readonly flags: ReadonlySet<string>;
  readonly categories: ReadonlySet<string>;
}

const REDIS: ReadonlyMap<string, RedisCommandInfo> = new Map(
  REDIS_COMMANDS.map(([name, flags, categories]) => [
    name,
    { flags: new Set(flags.split(' ')), categories: new Set(categories.split(' ')) },
  ]),
);

/**
 * Commands that remove keys, members or whole databases (Redis flags them only `write`: this list is
 * hand-written and test/adapters/redis-oracle.test.ts checks each is a write command of the running Redis).
 */
export const REDIS_DELETES: ReadonlySet<string> = new Set([
  'del',
  'unlink',
  'flushall',
  'flushdb',
  'getdel',
  'hdel',
  'srem',
  'zrem',
  'zremrangebyscore',
  'zremrangebylex',
  'zremrangebyrank',
  'lrem',
  'ltrim',
  'xdel',
  'xtrim',
  'xgroup|destroy',
  'script|flush',
  'function|flush',
  'function|delete',
  'swapdb',
  'migrate',
]);

/** The class of one Redis command (words as sent, any case) from the running Redis's own flags. */
export function redisCommandClass(words: readonly string[]): { name: string; operation: OperationClass } {
  const cmd = (words[0] ?? '').toLowerCase();
  const sub = (words[1] ?? '').toLowerCase();
  const info = REDIS.get(`${cmd}|${sub}`) ?? REDIS.get(cmd);
  const name = REDIS.has(`${cmd}|${sub}`) ? `${cmd}|${sub}` : cmd;
  // SECURITY: a command this Redis does not define (a module's, a renamed one) is the most dangerous class.
  if (info === undefined) return { name, operation: 'delete' };
  if (REDIS_DELETES.has(name)) return { name, operation: 'delete' };
  if (info.categories.has('scripting'))
    return { name, operation: info.flags.has('readonly') ? 'read' : 'exec' };
  if (info.flags.has('admin') || (info.categories.has('dangerous') && !info.flags.has('readonly')))
    return { name, operation: 'admin' };
  if (info.flags.has('write')) return { name, operation: 'write' };
  if (cmd === 'publish' || cmd === 'spublish') return { name, operation: 'send' };
  return { name, operation: 'read' };
}

/** Splits a Redis command line (`SET "a b" c`) as redis-cli does: whitespace, double and single quotes. */
function redisWords(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g)) out.push(m[1] ?? m[2] ?? m[3] ?? '');
  return out;
}

function redisReading(words: readonly string[]): ApiReading {
  const { name, operation } = redisCommandClass(words);
  return {
    operation,
    apiOperation: `redis.${name}`,
    resource: { kind: 'keyspace', id: words[name.includes('|') ? 2 : 1] ?? null, owner: null },
  };
}

/** Argument keys that hold a Redis command line or argv in a Redis tool. */
const REDIS_ARGUMENT_KEYS = ['command', 'cmd', 'args', 'argv'];

function stringLeaves(v: JsonValue, out: string[], depth = 0): void {
  if (depth > 32) return;
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) stringLeaves(x, out, depth + 1);
  else if (isJsonObject(v)) for (const x of Object.values(v)) stringLeaves(x, out, depth + 1);
}

/** The Redis commands of a tool call: `redis-cli ...` in command lines, and a Redis tool's command argument. */
function redisReadings(call: ToolCall): ApiReading[] {
  const out: ApiReading[] = [];
  for (const run of invocationsOf(call, REDIS_CLIS)) {
    // redis-cli [-h host] [-p port] [-n db] [-a pass] ... COMMAND args
    const words: string[] = [];
    for (let i = 0; i < run.args.length; i++) {
      const w = run.args[i]!;
      if (words.length === 0 && /^-[hpnauc]$|^--(?:user|pass|tls|cacert|cert|key|sni)$/.test(w)) i++;
      else if (words.length === 0 && w.startsWith('-')) continue;
      else words.push(w);
    }
    if (words.length > 0) out.push(redisReading(words));
  }
  if (/redis|valkey|keydb/i.test(call.tool)) {
    for (const key of REDIS_ARGUMENT_KEYS) {
      const v = call.arguments[key];
      if (typeof v === 'string')
        for (const line of v.split(/\r?\n/)) {
          const words = redisWords(line);
          if (words.length > 0) out.push(redisReading(words));
        }
      else if (Array.isArray(v) && v.every((x) => typeof x === 'string') && v.length > 0)
        out.push(redisReading(v));
    }
  }
  return out;
}

const REDIS_CLIS: ReadonlySet<string> = new Set(['redis-cli', 'valkey-cli', 'keydb-cli']);

function readDatabaseToolCall(call: ToolCall): ApiReading | null {
  const readings = redisReadings(call);
  const texts: string[] = [];
  stringLeaves(call.arguments, texts);
  for (const t of texts) {
    const r = readMongoShell(t);
    if (r !== null) readings.push(r);
  }
  let best: ApiReading | null = null;
  for (const r of readings)
    if (best === null || riskierReading(best.operation, r.operation) !== best.operation) best = r;
  return best;
}

/** The databases-over-HTTP family. */
export const databasesFamily: ApiFamily = {
  id: 'databases',
  hosts: [...SUPABASE_HOSTS, ...MONGO_HOSTS, ...SQL_HOSTS, 'api.cloudflare.com'],
  mostDangerous: 'delete',
  // Cloudflare's API is read here only for D1 (`/accounts/{a}/d1/database/{id}/query`).
  claims: (request) =>
    request.host !== 'api.cloudflare.com' || /\/d1\/database\/[^/]+\/(?:query|raw)$/.test(request.pathname),
  readRequest,
  readToolCall: readDatabaseToolCall,
};
