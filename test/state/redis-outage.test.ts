/**
 * A Redis that goes away: every decision that needs shared state is a deny with ERR_STATE_UNAVAILABLE,
 * and writ recovers by itself when Redis is back. Runs a private redis-server it can stop and restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { responseHeader, structField } from '../../src/cli/check-client.js';
import { scenarioCheckRequest } from '../../src/cli/scenario.js';
import { checkOnce, mcp, startEnforceWrit, type EnforceWrit } from '../enforce/support.js';
import { freePort, PrivateRedis, redisSkipReason, runRedisTests } from '../support/redis.js';

describe.skipIf(!runRedisTests)(`writ while Redis is down${redisSkipReason}`, () => {
  let redis: PrivateRedis;
  let t: EnforceWrit;

  beforeAll(async () => {
    redis = new PrivateRedis(await freePort());
    await redis.start();
    t = await startEnforceWrit({ flags: { 'redis-url': redis.url, 'allow-volatile-state': 'true' } });
  }, 30_000);
  afterAll(async () => {
    await t?.stop();
    await redis?.stop();
  });

  const weather = mcp('get_weather', { city: 'Lyon' });

  it('denies with ERR_STATE_UNAVAILABLE (503) while Redis is down and recovers when it is back', async () => {
    const before = await checkOnce(t, weather);
    expect(before.decision).toBe('ALLOW_WITH_OBLIGATIONS');
    const token = responseHeader(before.res, 'x-writ-token')!;

    await redis.stop();
    const t0 = Date.now();
    const down = await checkOnce(t, weather);
    expect(down).toMatchObject({ decision: 'DENY', code: 'ERR_STATE_UNAVAILABLE', http: 503 });
    // Fails fast (no offline queue), well inside the decision deadline.
    expect(Date.now() - t0).toBeLessThan(1000);
    expect((await checkOnce(t, mcp('send_email', { to: 'x@example.org' }))).code).toBe(
      'ERR_STATE_UNAVAILABLE',
    );
    const verifyDown = await t.verify.check(scenarioCheckRequest(weather, { 'x-writ-token': token }));
    expect(structField(verifyDown, 'writ_code')).toBe('ERR_STATE_UNAVAILABLE');
    const metrics = await (await fetch(`${t.adminUrl}/metrics`)).text();
    expect(metrics).toMatch(/^writ_state_store_up 0$/m);

    await redis.start();
    const deadline = Date.now() + 10_000;
    let code = '';
    while (Date.now() < deadline) {
      code = (await checkOnce(t, weather)).code;
      if (code !== 'ERR_STATE_UNAVAILABLE') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(code).toBe('POLICY_ALLOW_WITH_OBLIGATIONS');
    expect(await (await fetch(`${t.adminUrl}/metrics`)).text()).toMatch(/^writ_state_store_up 1$/m);
  }, 30_000);
});
