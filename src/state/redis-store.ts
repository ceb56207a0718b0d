/**
 * The Redis state store, shared by every writ replica. Each multi-step operation is one Lua script
 * (atomic on the server), so two replicas can never both consume one token id or one approval.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import {
  APPROVAL_RETAIN_MS,
  sessionKey,
  StateUnavailableError,
  subjectKey,
  type ApprovalRecord,
  type ApprovalResolution,
  type DecideResult,
  type QuarantineRecord,
  type StateStore,
} from './store.js';
import { createRedisServerRequests } from './server-requests-redis.js';
import { createRedisTaint } from './session-taint-redis.js';

export interface RedisStoreOptions {
  /** `redis://[user:pass@]host:port[/db]` (or `rediss://` for TLS). */
  readonly url: string;
  /**
   * Prefix of every key. The default carries a hash tag (`{writ}`) so a Redis Cluster keeps every key
   * on one slot, which the scripts that touch the approval index and records together need.
   */
  readonly prefix?: string;
  /** A command not answered in this time fails (and the decision is ERR_STATE_UNAVAILABLE). */
  readonly commandTimeoutMs?: number;
  /** Reports connection state changes (logs, metrics). */
  readonly onStateChange?: (up: boolean, err?: Error) => void;
  /**
   * Reports a replay epoch this store made: `previous` is the epoch this process knew before (null at
   * start), so a non-null `previous` means Redis lost writ's data while writ ran (a restart without
   * persistence, a flush, a failover to an empty replica): spent tokens, quarantines and approvals.
   */
  readonly onEpochCreated?: (epoch: string, previous: string | null) => void;
  /** Whether the store may go on serving after a loss (`--allow-volatile-state`); default false. */
  readonly continueAfterLoss?: () => boolean;
}

/** The Redis store plus what the composition root needs to watch it. */
export interface RedisStore extends StateStore {
  /** Resolves when connected, or after `timeoutMs` either way (writ starts with Redis down and recovers). */
  waitUntilReady(timeoutMs: number): Promise<boolean>;
  /** True while the connection is ready for commands. */
  isUp(): boolean;
  /**
   * Whether Redis keeps its data across a restart (`CONFIG GET appendonly` and `save`): durable when the
   * append-only file is on or any snapshot rule is set. A Redis that refuses CONFIG counts as not durable.
   */
  persistence(): Promise<{ readonly durable: boolean; readonly detail: string }>;
}

// Every script returns flat arrays; HGETALL replies come back as [field, value, ...].
const RESOLVE_APPROVAL = `
local id = redis.call('GET', KEYS[1])
if id then
  local rk = ARGV[4] .. id
  local st = redis.call('HMGET', rk, 'status', 'expiresAt')
  if st[1] then
    if tonumber(ARGV[2]) > tonumber(st[2]) then
      redis.call('DEL', KEYS[1])
      if st[1] ~= 'denied' then redis.call('HSET', rk, 'status', 'expired') end
      return {'expired', redis.call('HGETALL', rk)}
    end
    if st[1] == 'approved' then
      redis.call('DEL', KEYS[1])
      redis.call('HSET', rk, 'status', 'consumed', 'consumedAt', ARGV[2])
      return {'granted', redis.call('HGETALL', rk)}
    end
    if st[1] == 'denied' then return {'denied', redis.call('HGETALL', rk)} end
    return {'pending', redis.call('HGETALL', rk)}
  end
end
redis.call('HSET', KEYS[2], 'body', ARGV[5], 'status', 'pending', 'expiresAt', ARGV[6], 'createdAt', ARGV[7])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
redis.call('ZADD', KEYS[3], ARGV[7], ARGV[1])
return {'created', redis.call('HGETALL', KEYS[2])}
`;

const DECIDE_APPROVAL = `
local st = redis.call('HMGET', KEYS[1], 'status', 'expiresAt')
if not st[1] then return {'not-found', {}} end
if st[1] ~= 'pending' then return {'not-pending', redis.call('HGETALL', KEYS[1])} end
if tonumber(ARGV[4]) > tonumber(st[2]) then return {'expired', redis.call('HGETALL', KEYS[1])} end
redis.call('HSET', KEYS[1], 'status', ARGV[1], 'decidedBy', ARGV[2], 'reason', ARGV[3], 'decidedAt', ARGV[4])
return {'ok', redis.call('HGETALL', KEYS[1])}
`;

// Fixed window: the first hit sets the expiry; a key that somehow lost its TTL gets it back.
const HIT_RATE = `
local c = redis.call('INCR', KEYS[1])
if c == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {c, ttl}
`;

const QUARANTINE = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX') then redis.call('SADD', KEYS[2], ARGV[2]) end
return 1
`;

const RELEASE = `
local n = redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[2], ARGV[1])
return n
`;

const PIN_ONCE = `
redis.call('SET', KEYS[1], ARGV[1], 'NX')
return redis.call('GET', KEYS[1])
`;

/**
 * The replay epoch: read it, or make it when the key is gone (a new or emptied Redis). Returns the epoch
 * and 1 when this call made it.
 */
const EPOCH = `
local e = redis.call('GET', KEYS[1])
if e then return {e, 0} end
redis.call('SET', KEYS[1], ARGV[1])
return {ARGV[1], 1}
`;

/** Consumes a token id only while the replay memory is the token's epoch: -1 stale epoch, 1 first, 0 replayed. */
const CONSUME_TOKEN = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
if redis.call('SET', KEYS[2], '1', 'PX', ARGV[2], 'NX') then return 1 end
return 0
`;

interface Scripts {
  writEpoch(key: string, candidate: string): Promise<[string, number]>;
  writConsumeToken(epochKey: string, key: string, epoch: string, ttlMs: number): Promise<number>;
  writResolveApproval(...args: (string | number)[]): Promise<[string, string[]]>;
  writDecideApproval(...args: (string | number)[]): Promise<[string, string[]]>;
  writHitRate(key: string, windowMs: number): Promise<[number, number]>;
  writQuarantine(...args: string[]): Promise<number>;
  writRelease(...args: string[]): Promise<number>;
  writPinOnce(key: string, value: string): Promise<string>;
}

/** The immutable part of an approval, stored as one JSON field. */
type ApprovalBody = Omit<ApprovalRecord, 'status' | 'decidedBy' | 'decidedAt' | 'reason' | 'consumedAt'>;

function bodyOf(r: ApprovalRecord): string {
  const body: ApprovalBody = {
    id: r.id,
    subject: r.subject,
    agent: r.agent,
    actionHash: r.actionHash,
    createdAt: r.createdAt,
    expiresAt: r.expiresAt,
    rules: r.rules,
    approvers: r.approvers,
    traceId: r.traceId,
    policyVersion: r.policyVersion,
    action: r.action,
    findings: r.findings,
    ...(r.taint === undefined ? {} : { taint: r.taint }),
  };
  return JSON.stringify(body);
}

function recordOf(flat: readonly string[]): ApprovalRecord | null {
  const h: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) h[flat[i]!] = flat[i + 1]!;
  if (h['body'] === undefined) return null;
  const body = JSON.parse(h['body']) as ApprovalBody;
  const num = (k: string) => (h[k] === undefined ? null : Number(h[k]));
  return Object.freeze({
    ...body,
    status: (h['status'] ?? 'pending') as ApprovalRecord['status'],
    decidedBy: h['decidedBy'] ?? null,
    decidedAt: num('decidedAt'),
    reason: h['reason'] ?? null,
    consumedAt: num('consumedAt'),
  });
}

/** Connects to Redis (and keeps reconnecting by itself); commands fail fast while it is down. */
export function createRedisStore(opts: RedisStoreOptions): RedisStore {
  const p = opts.prefix ?? '{writ}:';
  const redis = new Redis(opts.url, {
    // SECURITY: fail fast instead of queueing while Redis is down: a queued consume could run after the
    // deadline already denied, and a long queue would hold every decision hostage.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: opts.commandTimeoutMs ?? 200,
    connectTimeout: 1000,
    // Reconnect forever, at most every 1 s: writ recovers by itself when Redis comes back.
    retryStrategy: (times) => Math.min(50 * times, 1000),
    lazyConnect: false,
  });
  let up = false;
  /** The epoch last read or made; cleared on every reconnect, since the server may have restarted. */
  let epoch: string | null = null;
  /** The last epoch this process knew, to tell a loss from a first start. */
  let known: string | null = null;
  redis.on('ready', () => {
    up = true;
    epoch = null;
    opts.onStateChange?.(true);
  });
  redis.on('error', (err: Error) => {
    if (up) opts.onStateChange?.(false, err);
    up = false;
  });
  redis.on('close', () => {
    if (up) opts.onStateChange?.(false);
    up = false;
  });
  redis.defineCommand('writResolveApproval', { numberOfKeys: 3, lua: RESOLVE_APPROVAL });
  redis.defineCommand('writDecideApproval', { numberOfKeys: 1, lua: DECIDE_APPROVAL });
  redis.defineCommand('writHitRate', { numberOfKeys: 1, lua: HIT_RATE });
  redis.defineCommand('writQuarantine', { numberOfKeys: 2, lua: QUARANTINE });
  redis.defineCommand('writRelease', { numberOfKeys: 2, lua: RELEASE });
  redis.defineCommand('writPinOnce', { numberOfKeys: 1, lua: PIN_ONCE });
  redis.defineCommand('writEpoch', { numberOfKeys: 1, lua: EPOCH });
  redis.defineCommand('writConsumeToken', { numberOfKeys: 2, lua: CONSUME_TOKEN });
  const r = redis as Redis & Scripts;

  const guard = async <T>(op: () => Promise<T>): Promise<T> => {
    try {
      return await op();
    } catch (err) {
      throw new StateUnavailableError(`redis: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  const approvalKey = (id: string) => `${p}ap:${id}`;
  const retainPx = (expiresAt: number, nowMs: number) =>
    String(Math.max(1000, expiresAt - nowMs + APPROVAL_RETAIN_MS));

  const epochKey = `${p}epoch`;
  const readEpoch = async (): Promise<string> => {
    if (epoch !== null) return epoch;
    const [value, made] = await guard(() => r.writEpoch(epochKey, randomBytes(12).toString('base64url')));
    if (made === 1) opts.onEpochCreated?.(value, known);
    epoch = value;
    known = value;
    return value;
  };

  /**
   * Fails when the epoch read beside some state is not the one this process knows: Redis lost writ's data
   * (restart without persistence, flush), so an absent quarantine or taint proves nothing.
   */
  const checkEpoch = async (seen: string | null): Promise<void> => {
    if (epoch === null || seen === epoch) return;
    epoch = null;
    await readEpoch();
    if (opts.continueAfterLoss?.() !== true)
      throw new Error(
        "redis lost writ's state (replay epoch changed): quarantines and taints cannot be trusted",
      );
  };
  const taint = createRedisTaint({ redis, prefix: p, guard, epochKey, checkEpoch });

  const serverRequests = createRedisServerRequests({ redis, prefix: p, guard });

  return {
    replayEpoch: readEpoch,
    ...taint,
    ...serverRequests,

    async consumeToken(jti, ttlMs, tokenEpoch) {
      const n = await guard(() =>
        r.writConsumeToken(epochKey, `${p}once:jti:${jti}`, tokenEpoch, Math.max(1, Math.ceil(ttlMs))),
      );
      if (n !== -1) return n === 1 ? 'first' : 'replayed';
      // The memory is not the token's: re-read (and, if the key is gone, remake and report) the epoch.
      epoch = null;
      await readEpoch();
      return 'stale-epoch';
    },

    consumeOnce: (key, ttlMs) =>
      guard(
        async () => (await r.set(`${p}once:${key}`, '1', 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX')) === 'OK',
      ),

    resolveApproval: (candidate, nowMs) =>
      guard(async () => {
        // The action hash is base64url (no ':'), so `ah:subject` is unambiguous.
        const [resolution, flat] = await r.writResolveApproval(
          `${p}apb:${candidate.actionHash}:${candidate.subject}`,
          approvalKey(candidate.id),
          `${p}apz`,
          candidate.id,
          String(nowMs),
          retainPx(candidate.expiresAt, nowMs),
          `${p}ap:`,
          bodyOf(candidate),
          String(candidate.expiresAt),
          String(candidate.createdAt),
        );
        const record = recordOf(flat);
        if (record === null) throw new Error('approval record vanished');
        return { resolution: resolution as ApprovalResolution, record };
      }),

    getApproval: (id) => guard(async () => recordOf(await r.hgetall(approvalKey(id)).then(flatten))),

    listApprovals: (limit) =>
      guard(async () => {
        const ids = await r.zrevrange(`${p}apz`, 0, Math.max(0, limit - 1));
        if (ids.length === 0) return [];
        const pipe = r.pipeline();
        for (const id of ids) pipe.hgetall(approvalKey(id));
        const replies = (await pipe.exec()) ?? [];
        const out: ApprovalRecord[] = [];
        const gone: string[] = [];
        replies.forEach(([err, value], i) => {
          if (err !== null) throw err;
          const rec = recordOf(flatten(value as Record<string, string>));
          if (rec === null) gone.push(ids[i]!);
          else out.push(rec);
        });
        // Records expire on their own; drop their ids from the listing index as they are noticed.
        if (gone.length > 0) await r.zrem(`${p}apz`, ...gone);
        return out;
      }),

    decideApproval: (id, decision, by, reason, nowMs) =>
      guard(async (): Promise<DecideResult> => {
        const [status, flat] = await r.writDecideApproval(
          approvalKey(id),
          decision,
          by,
          reason,
          String(nowMs),
        );
        const record = recordOf(flat);
        if (status === 'ok' && record !== null) return { ok: true, record };
        return { ok: false, why: status as 'not-found' | 'not-pending' | 'expired', record };
      }),

    hitRate: (key, windowMs) =>
      guard(async () => {
        const [count, ttl] = await r.writHitRate(`${p}rate:${key}`, Math.max(1, Math.ceil(windowMs)));
        return { count: Number(count), resetInMs: Number(ttl) };
      }),

    quarantine: (record) =>
      guard(async () => {
        await r.writQuarantine(`${p}q:${record.key}`, `${p}qs`, JSON.stringify(record), record.key);
      }),

    quarantineOf: (subject, sessionId) =>
      guard(async () => {
        const keys =
          sessionId === null
            ? [`${p}q:${subjectKey(subject)}`]
            : [`${p}q:${sessionKey(sessionId)}`, `${p}q:${subjectKey(subject)}`];
        // SECURITY: the epoch key is read in the same command: a Redis that lost writ's data (restart
        // without persistence, flush) must not read as "nobody is quarantined".
        const values = await r.mget(...keys, epochKey);
        await checkEpoch(values.pop() ?? null);
        const hit = values.find((v) => v !== null);
        return hit === undefined || hit === null ? null : (JSON.parse(hit) as QuarantineRecord);
      }),

    releaseQuarantine: (key) => guard(async () => (await r.writRelease(`${p}q:${key}`, `${p}qs`, key)) > 0),

    listQuarantines: () =>
      guard(async () => {
        const keys = await r.smembers(`${p}qs`);
        if (keys.length === 0) return [];
        const values = await r.mget(...keys.map((k) => `${p}q:${k}`));
        return values
          .filter((v): v is string => v !== null)
          .map((v) => JSON.parse(v) as QuarantineRecord)
          .sort((a, b) => b.at - a.at);
      }),

    pinOnce: (key, value) => guard(async () => r.writPinOnce(`${p}pin:${key}`, value)),

    // An operator action, rare: SCAN (not KEYS, which blocks Redis) over the pins of one prefix. A pin
    // made while the scan runs may survive it; it is then simply the first definition seen after reset.
    resetPins: (prefix) =>
      guard(async () => {
        const match = `${`${p}pin:${prefix}`.replace(/[*?[\]\\]/g, '\\$&')}*`;
        let cursor = '0';
        let n = 0;
        do {
          const [next, keys] = await r.scan(cursor, 'MATCH', match, 'COUNT', 500);
          cursor = next;
          if (keys.length > 0) n += await r.unlink(...keys);
        } while (cursor !== '0');
        return n;
      }),

    async waitUntilReady(timeoutMs) {
      if (up) return true;
      return new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => {
          redis.off('ready', onReady);
          resolve(false);
        }, timeoutMs);
        const onReady = () => {
          clearTimeout(timer);
          resolve(true);
        };
        redis.once('ready', onReady);
      });
    },

    isUp: () => up,

    async persistence() {
      try {
        const aof = await r.config('GET', 'appendonly');
        const save = await r.config('GET', 'save');
        const appendonly = aof[1] ?? '';
        const snapshots = save[1] ?? '';
        return {
          durable: appendonly === 'yes' || snapshots.trim() !== '',
          detail: `appendonly ${JSON.stringify(appendonly)}, save ${JSON.stringify(snapshots)}`,
        };
      } catch (err) {
        return {
          durable: false,
          detail: `CONFIG GET refused: ${err instanceof Error ? err.message : String(err)}`,
        };
      }
    },

    close() {
      redis.disconnect();
      return Promise.resolve();
    },
  };
}

function flatten(h: Record<string, string>): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(h)) out.push(k, v);
  return out;
}
