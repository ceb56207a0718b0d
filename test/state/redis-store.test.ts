/** The Redis store passes the shared conformance suite against the real Redis at 127.0.0.1:6379. */
import { afterAll, describe, expect, it } from 'vitest';
import { createRedisStore } from '../../src/state/redis-store.js';
import { cleanPrefix, REDIS_URL, redisSkipReason, runRedisTests, testPrefix } from '../support/redis.js';
import { storeConformance } from './store.case.js';

const prefix = testPrefix();
afterAll(async () => {
  if (runRedisTests) await cleanPrefix(prefix);
});

describe.skipIf(!runRedisTests)(`redis store${redisSkipReason}`, () => {
  storeConformance('redis', async () => {
    const s = createRedisStore({ url: REDIS_URL, prefix });
    expect(await s.waitUntilReady(3000)).toBe(true);
    return s;
  });

  it('keeps every key under its prefix', async () => {
    const s = createRedisStore({ url: REDIS_URL, prefix });
    await s.waitUntilReady(3000);
    await s.consumeOnce('jti:prefix-check', 10_000);
    await s.close();
    const { Redis } = await import('ioredis');
    const r = new Redis(REDIS_URL);
    expect(await r.exists(`${prefix}once:jti:prefix-check`)).toBe(1);
    r.disconnect();
  });
});
