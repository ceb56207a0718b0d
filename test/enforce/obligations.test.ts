/** Obligations over real gRPC: rate caps, quarantine (obligation and signal), sandbox and tamper checks. */
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { responseHeader, structField } from '../../src/cli/check-client.js';
import { scenarioCheckRequest, type ScenarioRequest } from '../../src/cli/scenario.js';
import { forgeToken, tokenClaims, tokenHeader, withClaims } from '../support/exec-token.js';
import { checkOnce, mcp, startEnforceWrit, type EnforceWrit } from './support.js';

let t: EnforceWrit;
beforeAll(async () => {
  t = await startEnforceWrit({
    flags: { 'trust-agent-headers': 'true', 'quarantine-on': 'pii.credit-card' },
  });
});
afterAll(async () => t.stop());

const as = (sa: string, r: ScenarioRequest): ScenarioRequest => ({
  ...r,
  principal: `spiffe://cluster.local/ns/agents/sa/${sa}`,
});

describe('rate caps', () => {
  it('allows the limit, then denies 429 with retry-after, per subject, until the window resets', async () => {
    const call = (sa: string, city: string) => checkOnce(t, as(sa, mcp('get_weather', { city })));
    for (let i = 0; i < 3; i++)
      expect((await call('rate-a', `c${i}`)).decision).toBe('ALLOW_WITH_OBLIGATIONS');
    const over = await call('rate-a', 'c3');
    expect(over).toMatchObject({ decision: 'DENY', code: 'ERR_RATE_LIMITED', http: 429 });
    expect(over.body).toMatchObject({ rate_limit: 3, rate_window_s: 60 });
    expect(Number(responseHeader(over.res, 'retry-after'))).toBeGreaterThan(0);
    expect(responseHeader(over.res, 'x-writ-token')).toBeUndefined();
    // Another subject has its own counter.
    expect((await call('rate-b', 'c0')).decision).toBe('ALLOW_WITH_OBLIGATIONS');
    const start = t.clock.now;
    t.clock.now = start + 61_000;
    try {
      expect((await call('rate-a', 'c4')).decision).toBe('ALLOW_WITH_OBLIGATIONS');
    } finally {
      t.clock.now = start;
    }
  });
});

describe('quarantine', () => {
  it('quarantines the subject after a quarantine obligation, until an approver releases it', async () => {
    const honeypot = await checkOnce(t, as('q-subject', mcp('read_honeypot', { id: 1 })));
    expect(honeypot.decision).toBe('ALLOW_WITH_OBLIGATIONS');
    const after = await checkOnce(t, as('q-subject', mcp('get_weather', { city: 'Oslo' })));
    expect(after).toMatchObject({ decision: 'DENY', code: 'ERR_QUARANTINED', http: 403 });
    const key = 'subject:spiffe://cluster.local/ns/agents/sa/q-subject';
    expect(after.body.quarantine).toBe(key);
    const list = await t.api('GET', '/api/quarantines');
    expect(list.body.quarantines.map((q: { key: string }) => q.key)).toContain(key);
    expect(
      (await t.api('POST', '/api/quarantines/release', { key, reason: 'investigated' }, null)).status,
    ).toBe(401);
    expect((await t.api('POST', '/api/quarantines/release', { key, reason: 'investigated' })).status).toBe(
      200,
    );
    expect((await checkOnce(t, as('q-subject', mcp('get_weather', { city: 'Oslo' })))).decision).toBe(
      'ALLOW_WITH_OBLIGATIONS',
    );
  });

  it('quarantines only the session on a configured finding, and denies that call too', async () => {
    const card = mcp('get_weather', { city: 'Bergen', note: 'card 4111 1111 1111 1111' });
    const hit = await checkOnce(t, as('q-session', card), { 'x-writ-session': 'sess-1' });
    expect(hit).toMatchObject({ decision: 'DENY', code: 'ERR_QUARANTINED' });
    expect(hit.body.quarantine).toBe('session:sess-1');
    const same = await checkOnce(t, as('q-session', mcp('get_weather', { city: 'Oslo' })), {
      'x-writ-session': 'sess-1',
    });
    expect(same.code).toBe('ERR_QUARANTINED');
    const other = await checkOnce(t, as('q-session', mcp('get_weather', { city: 'Oslo' })), {
      'x-writ-session': 'sess-2',
    });
    expect(other.decision).toBe('ALLOW_WITH_OBLIGATIONS');
  });
});

describe('obligations in the token', () => {
  const customer = as('masker', mcp('get_customer', { id: 42 }));

  it('signs mask and sandbox into the token and re-emits them from the claims on verify', async () => {
    const res = await t.check.check(scenarioCheckRequest(customer, { 'x-writ-sandbox': 'none' }));
    expect(structField(res, 'writ_decision')).toBe('ALLOW_WITH_OBLIGATIONS');
    expect(responseHeader(res, 'x-writ-sandbox')).toBe('gvisor-readonly');
    const token = responseHeader(res, 'x-writ-token')!;
    const claims = tokenClaims(token);
    expect(claims['obl']).toEqual({ mask: ['$.customer.phone', 'email'], sandbox: 'gvisor-readonly' });
    const v = await t.verify.check(scenarioCheckRequest(customer, { 'x-writ-token': token }));
    expect(structField(v, 'writ_code')).toBe('VERIFY_OK');
    expect(responseHeader(v, 'x-writ-sandbox')).toBe('gvisor-readonly');
    expect(JSON.parse(responseHeader(v, 'x-writ-obligations')!)).toEqual(claims['obl']);
  });

  it('denies a token whose obligations were altered: unsigned, re-signed with a foreign key, or in the headers', async () => {
    const res = await t.check.check(scenarioCheckRequest(customer));
    const token = responseHeader(res, 'x-writ-token')!;
    const claims = tokenClaims(token) as { obl: { mask: string[] } };
    const weakened = { ...claims, obl: { sandbox: 'none' } };
    const verifyWith = async (tok: string, extra: Record<string, string> = {}) =>
      String(
        structField(
          await t.verify.check(scenarioCheckRequest(customer, { 'x-writ-token': tok, ...extra })),
          'writ_code',
        ),
      );
    // Altered claim, original signature and inclusion proof.
    expect(await verifyWith(withClaims(token, weakened))).toBe('ERR_TOKEN_SIGNATURE');
    // Re-signed with a key writ does not trust (claiming writ's kid, and with its own kid).
    const foreign = generateKeyPairSync('ed25519').privateKey;
    const header = tokenHeader(token);
    const resignedKid = forgeToken(header, weakened, foreign);
    expect(await verifyWith(resignedKid)).toBe('ERR_TOKEN_SIGNATURE');
    const resigned = forgeToken({ ...header, kid: 'attacker' }, weakened, foreign);
    expect(await verifyWith(resigned)).toBe('ERR_TOKEN_UNKNOWN_KEY');
    // The genuine token with an obligation header changed on the way.
    expect(await verifyWith(token, { 'x-writ-obligations': JSON.stringify({ sandbox: 'none' }) })).toBe(
      'ERR_OBLIGATIONS_TAMPERED',
    );
    expect(await verifyWith(token, { 'x-writ-sandbox': 'none' })).toBe('ERR_OBLIGATIONS_TAMPERED');
    // The same obligations in another key order are not tampering; none of the failures consumed the token.
    expect(
      await verifyWith(token, {
        'x-writ-obligations': JSON.stringify({ sandbox: 'gvisor-readonly', mask: claims.obl.mask }),
      }),
    ).toBe('VERIFY_OK');
  });
});
