/** Builds the state store the configuration names: Redis when `--redis-url` is set, else in memory. */
import type { Gauge } from '../admin/metrics.js';
import type { ServerConfig } from '../config.js';
import type { PipelineLogger } from '../pipeline/deps.js';
import { createMemoryStore } from './memory-store.js';
import { createRedisStore } from './redis-store.js';
import type { StateStore } from './store.js';

/** The store, connected (or reported down: writ starts while Redis is down and recovers by itself). */
export async function storeFromConfig(
  config: Pick<ServerConfig, 'redisUrl' | 'redisPrefix'>,
  ctx: { readonly now: () => number; readonly log: PipelineLogger; readonly up: Gauge },
): Promise<StateStore> {
  if (config.redisUrl === null) {
    ctx.up.set(1);
    return createMemoryStore(ctx.now);
  }
  const redis = createRedisStore({
    url: config.redisUrl,
    prefix: config.redisPrefix,
    onStateChange: (up, err) => {
      ctx.up.set(up ? 1 : 0);
      if (up) ctx.log.info({}, 'redis connected');
      else ctx.log.error({ err }, 'redis unavailable: decisions that need shared state are denied');
    },
  });
  // Every stateful decision is a deny while Redis is down.
  if (!(await redis.waitUntilReady(2000))) ctx.log.error({ redis: 'down' }, 'redis not reachable at startup');
  return redis;
}
