/**
 * Issue 15, faults that held, kept as tests: Redis is killed (SIGKILL) while writ answers ~200 calls a second
 * over real gRPC with the default pack. No call decided while Redis is down is allowed (every check reads the
 * quarantine state first: ERR_STATE_UNAVAILABLE), every call gets an answer, and writ recovers by itself
 * within seconds of Redis coming back. A private redis-server is started and killed for it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { responseHeader, structField } from '../../src/cli/check-client.js';
import { scenarioCheckRequest } from '../../src/cli/scenario.js';
import { freePort, PrivateRedis, redisSkipReason, runRedisTests } from '../support/redis.js';
import { startTestWrit, type TestWrit } from '../support/writ-server.js';

const ALLOWED = scenarioCheckRequest({
  mcp: { tool: 'query_db', arguments: { database: 'analytics-replica', query: 'SELECT id FROM orders' } },
});

interface Answer {
  readonly sentAt: number;
  readonly doneAt: number;
  readonly code: string;
  readonly token: boolean;
}

describe.skipIf(!runRedisTests)(`Redis killed under load${redisSkipReason}`, () => {
  let redis: PrivateRedis;
  let t: TestWrit;
  beforeAll(async () => {
    redis = new PrivateRedis(await freePort());
    await redis.start();
    // Real time: the clock of startTestWrit is frozen, and this test measures recovery in real seconds.
    // A 2 s deadline: on a loaded host a late answer would be ERR_TIMEOUT, a deny that is not what is tested.
    // This private Redis keeps no data across its restart: accepted explicitly (the test is about the outage).
    t = await startTestWrit(
      { 'redis-url': redis.url, 'allow-volatile-state': 'true', 'deadline-ms': '2000' },
      Date.now(),
    );
  }, 30_000);
  afterAll(async () => {
    await t?.stop();
    await redis?.stop();
  });

  it('allows nothing while Redis is down, answers every call, and recovers by itself', async () => {
    for (let i = 0; i < 20; i++) await t.check.check(ALLOWED);
    const answers: Answer[] = [];
    const pending: Promise<void>[] = [];
    const rate = 200;
    const start = Date.now();
    let stoppedAt = Number.POSITIVE_INFINITY;
    let restartedAt = Number.POSITIVE_INFINITY;
    const outage = (async () => {
      await new Promise((r) => setTimeout(r, 1000));
      await redis.stop();
      stoppedAt = Date.now();
      await new Promise((r) => setTimeout(r, 3000));
      restartedAt = Date.now();
      await redis.start();
    })();
    for (let k = 0; Date.now() - start < 9000; k++) {
      const wait = start + (k * 1000) / rate - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const sentAt = Date.now();
      pending.push(
        t.check.check(ALLOWED).then((res) => {
          answers.push({
            sentAt,
            doneAt: Date.now(),
            code: String(structField(res, 'writ_code')),
            token: responseHeader(res, 'x-writ-token') !== undefined,
          });
        }),
      );
    }
    await Promise.all(pending);
    await outage;

    // Every call was answered (a rejected gRPC call would have failed Promise.all above).
    expect(answers.length).toBeGreaterThan(900);
    // Decided entirely inside the outage: sent after the kill, answered before the restart began.
    const inside = answers.filter((a) => a.sentAt > stoppedAt && a.doneAt < restartedAt);
    // A 3 s outage: even on a starved host some calls are both sent and answered inside it.
    expect(inside.length).toBeGreaterThan(20);
    expect(inside.filter((a) => a.token)).toEqual([]);
    expect(inside.every((a) => a.code === 'ERR_STATE_UNAVAILABLE')).toBe(true);
    // No ERR_* answer anywhere carries a token.
    expect(answers.filter((a) => a.code.startsWith('ERR_') && a.token)).toEqual([]);
    // Recovery by itself: calls sent 3 s after the restart began are allowed again.
    const later = answers.filter((a) => a.sentAt > restartedAt + 3000);
    expect(later.length).toBeGreaterThan(50);
    expect(later.every((a) => a.code === 'POLICY_ALLOW' && a.token)).toBe(true);
  }, 60_000);
});
