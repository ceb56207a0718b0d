/**
 * Server requests in Redis, shared by every writ replica: one hash per MCP session under the store's
 * prefix, a field per unanswered request (`r:<id>` → `<expiry>|<method>`) and a field `s` with the
 * session's expiry (its newest record's); the hash expires with the session. Recording and taking are each
 * one Lua script, so an answer is matched once even when two replicas see it at once.
 */
import type { Redis } from 'ioredis';
import {
  MAX_SERVER_REQUEST_FIELD,
  MAX_ROOTS,
  MAX_SERVER_REQUESTS,
  type ServerRequestMatch,
  type ServerRequestStore,
} from './server-requests.js';

// KEYS: the session's hash. ARGV: field, value, record expiry, now, max records. A lapsed session starts
// afresh; a full one drops its lapsed records first and refuses (0) when still full.
const RECORD = `
local now = tonumber(ARGV[4])
local held = tonumber(redis.call('HGET', KEYS[1], 's') or '0')
if held <= now then
  redis.call('DEL', KEYS[1])
  held = 0
end
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 and redis.call('HLEN', KEYS[1]) > tonumber(ARGV[5]) then
  local all = redis.call('HGETALL', KEYS[1])
  for i = 1, #all, 2 do
    if all[i] ~= 's' and tonumber(string.match(all[i + 1], '^(%d+)|')) <= now then
      redis.call('HDEL', KEYS[1], all[i])
    end
  end
  if redis.call('HLEN', KEYS[1]) > tonumber(ARGV[5]) then return 0 end
end
local exp = tonumber(ARGV[3])
if exp > held then held = exp end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2], 's', tostring(held))
redis.call('PEXPIRE', KEYS[1], math.max(1, held - now))
return 1
`;

// KEYS: the session's hash. ARGV: field, now. Nil: the session is unknown; '': no such record; else the
// record, removed.
const TAKE = `
local held = tonumber(redis.call('HGET', KEYS[1], 's') or '0')
if held <= tonumber(ARGV[2]) then return false end
local v = redis.call('HGET', KEYS[1], ARGV[1])
if v then
  redis.call('HDEL', KEYS[1], ARGV[1])
  return v
end
return ''
`;

interface ServerRequestScripts {
  writServerRequestRecord(key: string, ...args: string[]): Promise<number>;
  writServerRequestTake(key: string, field: string, now: string): Promise<string | null>;
}

const UNKNOWN: ServerRequestMatch = Object.freeze({ session: 'unknown' });

/** Defines the scripts on the store's connection and returns the server requests half of the store. */
export function createRedisServerRequests(ctx: {
  readonly redis: Redis;
  readonly prefix: string;
  /** Turns any failure into StateUnavailableError (ERR_STATE_UNAVAILABLE upstream). */
  readonly guard: <T>(op: () => Promise<T>) => Promise<T>;
}): ServerRequestStore {
  const { redis, prefix: p, guard } = ctx;
  redis.defineCommand('writServerRequestRecord', { numberOfKeys: 1, lua: RECORD });
  redis.defineCommand('writServerRequestTake', { numberOfKeys: 1, lua: TAKE });
  const r = redis as Redis & ServerRequestScripts;
  const hash = (session: string) => `${p}sr:${session}`;
  return {
    recordServerRequest: (session, id, method, ttlMs, nowMs) => {
      if (id.length > MAX_SERVER_REQUEST_FIELD || method.length > MAX_SERVER_REQUEST_FIELD)
        return Promise.reject(new RangeError('server request id or method too long to record'));
      return guard(async () => {
        const exp = nowMs + Math.max(1, Math.ceil(ttlMs));
        const n = await r.writServerRequestRecord(
          hash(session),
          `r:${id}`,
          `${exp}|${method}`,
          String(exp),
          String(nowMs),
          String(MAX_SERVER_REQUESTS),
        );
        if (n !== 1) throw new RangeError(`session holds ${MAX_SERVER_REQUESTS} unanswered server requests`);
      });
    },

    takeServerRequest: (session, id, nowMs) =>
      guard(async () => {
        const v = await r.writServerRequestTake(hash(session), `r:${id}`, String(nowMs));
        if (v === null) return UNKNOWN;
        const bar = v.indexOf('|');
        const live = bar > 0 && Number(v.slice(0, bar)) > nowMs;
        return Object.freeze({ session: 'known', method: live ? v.slice(bar + 1) : null });
      }),

    recordRoots: (session, roots, ttlMs) =>
      guard(async () => {
        // Redis keeps the expiry; the reader's clock is not compared (a lapse is Redis's to judge).
        await redis.set(
          `${p}roots:${session}`,
          JSON.stringify(roots.slice(0, MAX_ROOTS)),
          'PX',
          Math.max(1, Math.ceil(ttlMs)),
        );
      }),

    rootsOf: (session) =>
      guard(async () => {
        const v = await redis.get(`${p}roots:${session}`);
        if (v === null) return null;
        const parsed: unknown = JSON.parse(v);
        if (!Array.isArray(parsed) || !parsed.every((x): x is string => typeof x === 'string'))
          throw new Error("roots in redis are not writ's");
        return Object.freeze(parsed);
      }),
  };
}
