/**
 * Builds the state store the configuration names: Redis when `--redis-url` is set, else in memory (its
 * quarantines and approvals kept in `--state-file`). Refuses a Redis that keeps no data across restarts
 * unless `--allow-volatile-state`, audits every start and loss of the store's replay memory, and fails
 * closed when Redis loses writ's data while writ runs (issue 15 F6, docs/approvals.md).
 */
import type { Gauge } from '../admin/metrics.js';
import type { ServerConfig } from '../config.js';
import type { StateEvent } from '../pipeline/audit-record/audit-event.js';
import type { PipelineLogger } from '../pipeline/deps.js';
import { createMemoryStore } from './memory-store.js';
import type { RedisStore } from './redis-store.js';
import { StateUnavailableError, type StateStore } from './store.js';

/** Thrown at start when the store cannot hold quarantines, approvals and spent tokens across restarts. */
export class VolatileStateError extends Error {
  override readonly name = 'VolatileStateError';
}

/** The store and its readiness: why it refuses decisions now, or null when it serves them. */
export interface OpenedStore {
  readonly store: StateStore;
  /** Null while the store serves decisions; else why not (for /readyz). */
  readonly degraded: () => string | null;
}

/** Wraps a store so every operation rejects while `refused()` names a reason (close still works). */
function refusing(inner: StateStore, refused: () => string | null): StateStore {
  return new Proxy(inner, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function' || prop === 'close') return value;
      return (...args: unknown[]) => {
        const why = refused();
        if (why !== null) return Promise.reject(new StateUnavailableError(why));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

const time = (ms: number) => new Date(ms).toISOString();

/** The store, connected (or reported down: writ starts while Redis is down and recovers by itself). */
export async function storeFromConfig(
  config: Pick<ServerConfig, 'redisUrl' | 'redisPrefix' | 'allowVolatileState' | 'stateFile'>,
  ctx: {
    readonly now: () => number;
    readonly log: PipelineLogger;
    readonly up: Gauge;
    /** Appends a state event to the audit log. */
    readonly audit: (event: StateEvent) => void;
  },
): Promise<OpenedStore> {
  if (config.redisUrl === null) {
    ctx.up.set(1);
    const store = createMemoryStore(ctx.now, { persistFile: config.stateFile });
    ctx.audit({
      type: 'state.epoch-started',
      epoch: await store.replayEpoch(),
      store: 'memory',
      durable: false,
      detail: `spent token ids live in this process only; quarantines and approvals are kept in ${config.stateFile}`,
      time: time(ctx.now()),
    });
    return { store, degraded: () => null };
  }
  let refusal: string | null = null;
  let persistenceChecked = false;
  let durable = false;
  /** Checks persistence once connected; off without the flag is a refusal (at start: writ does not start). */
  const checkPersistence = async (): Promise<void> => {
    if (persistenceChecked) return;
    const p = await redis.persistence();
    persistenceChecked = true;
    durable = p.durable;
    if (p.durable || config.allowVolatileState) {
      if (!p.durable)
        ctx.log.warn({ redis: p.detail }, 'redis keeps no data across restarts (--allow-volatile-state)');
      return;
    }
    refusal =
      `redis keeps no data across restarts (${p.detail}): a restart would release every quarantine and ` +
      'approval; turn persistence on, or pass --allow-volatile-state to accept that (each loss is audited)';
    ctx.log.error({}, refusal);
  };
  // Loaded only when Redis is configured: ioredis defines `class VerbatimString extends String` when it is
  // loaded, and from then on every `charCodeAt` loop in the process (the inspectors, the strict JSON parser)
  // runs about 4x slower in V8 (Node 20 and 24); docs/performance-budget.md, issue 19.
  const { createRedisStore } = await import('./redis-store.js');
  // The callbacks below run on connection events, after this returns: `redis` is set by then.
  const redis: RedisStore = createRedisStore({
    url: config.redisUrl,
    prefix: config.redisPrefix,
    onStateChange: (up, err) => {
      ctx.up.set(up ? 1 : 0);
      if (up) {
        ctx.log.info({}, 'redis connected');
        // A server that comes back may be another one, or the same with other settings.
        persistenceChecked = false;
        void checkPersistence();
      } else ctx.log.error({ err }, 'redis unavailable: decisions that need shared state are denied');
    },
    continueAfterLoss: () => config.allowVolatileState,
    onEpochCreated: (epoch, previous) => {
      if (previous === null) {
        ctx.audit({
          type: 'state.epoch-started',
          epoch,
          store: 'redis',
          durable,
          detail: 'writ found no replay epoch in redis: a new or emptied store',
          time: time(ctx.now()),
        });
        return;
      }
      // SECURITY: quarantines, approvals and spent tokens of the old epoch are gone. Without the flag
      // that is a fault: fail closed until an operator restarts writ (which audits the new epoch).
      ctx.audit({
        type: 'state.lost',
        previous_epoch: previous,
        epoch,
        store: 'redis',
        allowed: config.allowVolatileState,
        time: time(ctx.now()),
      });
      ctx.log.error({ previous, epoch }, 'redis lost writ state: quarantines and approvals were released');
      if (!config.allowVolatileState)
        refusal =
          `redis lost writ's state while writ ran (replay epoch ${previous} -> ${epoch}): quarantines and ` +
          'approvals were released; stateful decisions are refused until writ restarts';
    },
  });
  if (await redis.waitUntilReady(2000)) {
    await checkPersistence();
    if (refusal !== null) {
      await redis.close();
      throw new VolatileStateError(refusal);
    }
    // Establishes (and audits) the replay epoch now rather than on the first decision.
    await redis.replayEpoch().catch(() => undefined);
  } else ctx.log.error({ redis: 'down' }, 'redis not reachable at startup');
  return { store: refusing(redis, () => refusal), degraded: () => refusal };
}
