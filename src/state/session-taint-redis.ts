/**
 * Session taint in Redis, shared by every writ replica. A taint is two keys under the store's prefix: a
 * list of the reads that tainted it (opaque JSON, newest last, trimmed) and its expiry in writ's clock;
 * an index (sorted by last mark) lists them for the console. Marking, reading and clearing are each one
 * Lua script, so two replicas marking at once never lose a read and a read never sees half a mark.
 */
import type { Redis } from 'ioredis';
import {
  boundedSource,
  checkTaintKeys,
  MAX_TAINT_SOURCES,
  type SessionTaintStore,
  type TaintRecord,
  type TaintSource,
} from './session-taint.js';

// KEYS: (list, expiry) per taint key, then the index. ARGV: source JSON, mark time, expiry, max sources,
// then the logical key of each pair. A lapsed taint (its expiry <= the mark time) starts afresh.
const MARK = `
local at = tonumber(ARGV[2])
local exp = tonumber(ARGV[3])
local idx = KEYS[#KEYS]
for i = 1, #KEYS - 1, 2 do
  local held = tonumber(redis.call('GET', KEYS[i + 1]) or '0')
  if held <= at then
    redis.call('DEL', KEYS[i])
    held = 0
  end
  if exp > held then held = exp end
  redis.call('RPUSH', KEYS[i], ARGV[1])
  redis.call('LTRIM', KEYS[i], -tonumber(ARGV[4]), -1)
  redis.call('SET', KEYS[i + 1], tostring(held))
  local px = math.max(1, held - at)
  redis.call('PEXPIRE', KEYS[i], px)
  redis.call('PEXPIRE', KEYS[i + 1], px)
  redis.call('ZADD', idx, at, ARGV[4 + (i + 1) / 2])
end
return 1
`;

// KEYS: (list, expiry) per taint key, then the epoch key. Returns expiry, list per pair, then the epoch.
const READ = `
local out = {}
for i = 1, #KEYS - 1, 2 do
  out[#out + 1] = redis.call('GET', KEYS[i + 1]) or ''
  out[#out + 1] = redis.call('LRANGE', KEYS[i], 0, -1)
end
out[#out + 1] = redis.call('GET', KEYS[#KEYS]) or ''
return out
`;

// KEYS: list, expiry, index. ARGV: the logical key. Returns expiry and list as they were.
const CLEAR = `
local exp = redis.call('GET', KEYS[2]) or ''
local list = redis.call('LRANGE', KEYS[1], 0, -1)
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('ZREM', KEYS[3], ARGV[1])
return {exp, list}
`;

interface TaintScripts {
  writTaintMark(numKeys: number, ...args: string[]): Promise<number>;
  writTaintRead(numKeys: number, ...args: string[]): Promise<(string | string[])[]>;
  writTaintClear(...args: string[]): Promise<[string, string[]]>;
}

/** What the Redis store lends the taint half: its connection, prefix, error guard and epoch check. */
export interface RedisTaintContext {
  readonly redis: Redis;
  readonly prefix: string;
  /** Turns any failure into StateUnavailableError (ERR_STATE_UNAVAILABLE upstream). */
  readonly guard: <T>(op: () => Promise<T>) => Promise<T>;
  /** The replay epoch key, read with every taint read. */
  readonly epochKey: string;
  /** Throws when `seen` shows Redis lost writ's data (unless the operator accepted that). */
  readonly checkEpoch: (seen: string | null) => Promise<void>;
}

/** A stored source read back; anything else is a corrupted store, which fails the read (closed). */
function sourceOf(text: string): TaintSource {
  const s = JSON.parse(text) as Partial<Record<keyof TaintSource, unknown>>;
  const findings: unknown = s.findings;
  if (
    typeof s.server !== 'string' ||
    typeof s.tool !== 'string' ||
    typeof s.method !== 'string' ||
    !Array.isArray(findings) ||
    !findings.every((f): f is string => typeof f === 'string') ||
    typeof s.at !== 'number' ||
    typeof s.traceId !== 'string' ||
    typeof s.subject !== 'string' ||
    (s.agent !== null && typeof s.agent !== 'string')
  )
    throw new Error("taint source in redis is not writ's");
  return Object.freeze({
    server: s.server,
    tool: s.tool,
    method: s.method,
    findings: Object.freeze([...findings]),
    at: s.at,
    traceId: s.traceId,
    subject: s.subject,
    agent: s.agent ?? null,
  });
}

function recordOf(key: string, expiry: string, list: readonly string[]): TaintRecord | null {
  if (expiry === '' || list.length === 0) return null;
  return Object.freeze({ key, sources: Object.freeze(list.map(sourceOf)), expiresAt: Number(expiry) });
}

/** Defines the taint scripts on the store's connection and returns the taint half of the store. */
export function createRedisTaint(ctx: RedisTaintContext): SessionTaintStore {
  const { redis, prefix: p, guard } = ctx;
  redis.defineCommand('writTaintMark', { lua: MARK });
  redis.defineCommand('writTaintRead', { lua: READ });
  redis.defineCommand('writTaintClear', { numberOfKeys: 3, lua: CLEAR });
  const r = redis as Redis & TaintScripts;
  const pair = (key: string) => [`${p}t:${key}`, `${p}te:${key}`];
  const index = `${p}ts`;

  const read = async (keys: readonly string[], nowMs: number): Promise<TaintRecord[]> => {
    const flat = keys.flatMap(pair);
    const reply = await r.writTaintRead(flat.length + 1, ...flat, ctx.epochKey);
    const seen = reply.pop();
    // SECURITY: a Redis that lost writ's data (restart without persistence, flush) must not read as
    // "nothing is tainted".
    await ctx.checkEpoch(typeof seen === 'string' && seen !== '' ? seen : null);
    const out: TaintRecord[] = [];
    keys.forEach((key, i) => {
      const rec = recordOf(key, reply[2 * i] as string, reply[2 * i + 1] as string[]);
      if (rec !== null && rec.expiresAt > nowMs) out.push(rec);
    });
    return out;
  };

  return {
    markTaint: (keys, source, ttlMs) =>
      guard(async () => {
        const unique = [...new Set(keys)];
        if (unique.length === 0) return;
        const stored = boundedSource(source);
        const flat = unique.flatMap(pair);
        await r.writTaintMark(
          flat.length + 1,
          ...flat,
          index,
          JSON.stringify(stored),
          String(stored.at),
          String(stored.at + Math.max(1, Math.ceil(ttlMs))),
          String(MAX_TAINT_SOURCES),
          ...unique,
        );
      }),

    taintOf: (keys, nowMs) => {
      checkTaintKeys(keys);
      return guard(() => read(keys, nowMs));
    },

    clearTaint: (key) =>
      guard(async () => {
        const [expiry, list] = await r.writTaintClear(...pair(key), index, key);
        return recordOf(key, expiry, list);
      }),

    listTaints: (limit, nowMs) =>
      guard(async () => {
        if (limit <= 0) return [];
        const keys = await r.zrevrange(index, 0, limit - 1);
        const out: TaintRecord[] = [];
        const gone: string[] = [];
        // Read in chunks the size one taint read allows; keys that lapsed leave the index as noticed.
        for (let i = 0; i < keys.length; i += 4) {
          const chunk = keys.slice(i, i + 4);
          const live = await read(chunk, nowMs);
          out.push(...live);
          for (const k of chunk) if (!live.some((t) => t.key === k)) gone.push(k);
        }
        if (gone.length > 0) await r.zrem(index, ...gone);
        return out;
      }),
  };
}
