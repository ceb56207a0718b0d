/** JWT verification against a real JWKS and OIDC discovery served over loopback. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportSPKI, SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createJwksCache,
  verifyJwt,
  type IssuerConfig,
  type JwtVerifyOptions,
} from '../../src/identity/jwt-verifier.js';
import { makeKey, mint, NOW, NOW_S, startIdp, type Idp, type SigningKey } from './support/idp.js';

const AUD = 'writ';
let idp: Idp;
let other: Idp;
let attacker: Idp;
let k1: SigningKey;
let k2: SigningKey;
let es: SigningKey;
let rs: SigningKey;
let otherKey: SigningKey;
let attackerKey: SigningKey;

beforeAll(async () => {
  [k1, k2, es, rs, otherKey, attackerKey] = await Promise.all([
    makeKey('EdDSA', 'k1'),
    makeKey('EdDSA', 'k2'),
    makeKey('ES256', 'es1'),
    makeKey('RS256', 'rs1'),
    makeKey('EdDSA', 'other1'),
    makeKey('EdDSA', 'k1'), // same kid as a trusted key: only the JWKS decides which key that is
  ]);
  idp = await startIdp([k1, es, rs]);
  other = await startIdp([otherKey]);
  attacker = await startIdp([attackerKey]);
});
afterAll(async () => {
  await Promise.all([idp.close(), other.close(), attacker.close()]);
});

function issuerOf(p: Idp, extra: Partial<IssuerConfig> = {}): IssuerConfig {
  return {
    issuer: p.issuer,
    audience: AUD,
    jwksUri: p.jwksUri,
    algorithms: ['EdDSA', 'ES256', 'RS256'],
    ...extra,
  };
}

function opts(extra: Partial<JwtVerifyOptions> = {}): JwtVerifyOptions {
  return {
    issuers: [issuerOf(idp), issuerOf(other)],
    clockSkewSeconds: 30,
    now: NOW,
    keyCache: createJwksCache({ cooldownMs: 0 }),
    ...extra,
  };
}

const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');

describe('verifyJwt accepts', () => {
  it.each(['k1', 'es1', 'rs1'])('a valid token signed with %s and returns its claims', async (kid) => {
    const key = [k1, es, rs].find((k) => k.kid === kid)!;
    const r = await verifyJwt(
      await mint(key, { issuer: idp.issuer, audience: AUD, sub: 'user:alice' }),
      opts(),
    );
    expect(r).toMatchObject({ ok: true, issuer: idp.issuer, claims: { sub: 'user:alice', aud: AUD } });
  });

  it('a token expired by less than the clock skew', async () => {
    const t = await mint(k1, { issuer: idp.issuer, audience: AUD, exp: NOW_S - 10 });
    expect((await verifyJwt(t, opts())).ok).toBe(true);
    expect(await verifyJwt(t, opts({ clockSkewSeconds: 0 }))).toMatchObject({ code: 'ERR_JWT_EXPIRED' });
  });

  it('keys through OIDC discovery, fetching the document once', async () => {
    const keyCache = createJwksCache({ cooldownMs: 0 });
    const before = idp.hits.discovery;
    const o = opts({
      issuers: [{ issuer: idp.issuer, audience: AUD, discovery: true, algorithms: ['EdDSA'] }],
      keyCache,
    });
    const t = await mint(k1, { issuer: idp.issuer, audience: AUD });
    expect((await verifyJwt(t, o)).ok).toBe(true);
    expect((await verifyJwt(t, o)).ok).toBe(true);
    expect(idp.hits.discovery - before).toBe(1);
  });
});

describe('verifyJwt rejects with a distinct code', () => {
  it('ERR_JWT_EXPIRED', async () => {
    const t = await mint(k1, { issuer: idp.issuer, audience: AUD, exp: NOW_S - 31 });
    expect(await verifyJwt(t, opts())).toMatchObject({ ok: false, code: 'ERR_JWT_EXPIRED' });
  });

  it('ERR_JWT_NOT_YET_VALID', async () => {
    const t = await mint(k1, { issuer: idp.issuer, audience: AUD, nbf: NOW_S + 60 });
    expect(await verifyJwt(t, opts())).toMatchObject({ ok: false, code: 'ERR_JWT_NOT_YET_VALID' });
  });

  it('ERR_JWT_UNTRUSTED_ISSUER for an issuer that is not configured, even one differing by a slash', async () => {
    for (const iss of ['https://evil.example', `${idp.issuer}/`]) {
      const t = await mint(k1, { issuer: iss, audience: AUD });
      expect(await verifyJwt(t, opts())).toMatchObject({ ok: false, code: 'ERR_JWT_UNTRUSTED_ISSUER' });
    }
  });

  it('ERR_JWT_ISSUER for a token without iss', async () => {
    const t = await new SignJWT({ sub: 'x', aud: AUD })
      .setProtectedHeader({ alg: 'EdDSA', kid: 'k1' })
      .setExpirationTime(NOW_S + 60)
      .sign(k1.privateKey);
    expect(await verifyJwt(t, opts())).toMatchObject({ ok: false, code: 'ERR_JWT_ISSUER' });
  });

  it('ERR_JWT_AUDIENCE for a wrong and for a missing audience', async () => {
    const wrong = await mint(k1, { issuer: idp.issuer, audience: 'someone-else' });
    const missing = await mint(k1, { issuer: idp.issuer });
    expect(await verifyJwt(wrong, opts())).toMatchObject({ ok: false, code: 'ERR_JWT_AUDIENCE' });
    expect(await verifyJwt(missing, opts())).toMatchObject({ ok: false, code: 'ERR_JWT_AUDIENCE' });
  });

  it('ERR_JWT_UNKNOWN_KEY for a kid the JWKS does not publish', async () => {
    const stranger = await makeKey('EdDSA', 'stranger');
    const t = await mint(stranger, { issuer: idp.issuer, audience: AUD });
    expect(await verifyJwt(t, opts())).toMatchObject({ ok: false, code: 'ERR_JWT_UNKNOWN_KEY' });
  });

  it('ERR_JWT_UNKNOWN_KEY for a token claiming one trusted issuer but signed by another', async () => {
    const t = await mint(otherKey, { issuer: idp.issuer, audience: AUD });
    expect(await verifyJwt(t, opts())).toMatchObject({ ok: false, code: 'ERR_JWT_UNKNOWN_KEY' });
  });

  it('ERR_JWT_ALG for alg none', async () => {
    const t = new UnsecuredJWT({ aud: AUD, sub: 'user:alice' })
      .setIssuer(idp.issuer)
      .setExpirationTime(NOW_S + 60)
      .encode();
    expect(await verifyJwt(t, opts())).toMatchObject({ ok: false, code: 'ERR_JWT_ALG' });
  });

  it('ERR_JWT_ALG for HS256 signed with the public key bytes (algorithm confusion)', async () => {
    const secret = new TextEncoder().encode(await exportSPKI(rs.publicKey));
    const t = await new SignJWT({ sub: 'user:mallory' })
      .setProtectedHeader({ alg: 'HS256', kid: 'rs1' })
      .setIssuer(idp.issuer)
      .setAudience(AUD)
      .setExpirationTime(NOW_S + 60)
      .sign(secret);
    expect(await verifyJwt(t, opts())).toMatchObject({ ok: false, code: 'ERR_JWT_ALG' });
  });

  it('ERR_JWT_ALG for an asymmetric alg the issuer is not pinned to', async () => {
    const t = await mint(es, { issuer: idp.issuer, audience: AUD });
    const o = opts({ issuers: [issuerOf(idp, { algorithms: ['EdDSA'] })] });
    expect(await verifyJwt(t, o)).toMatchObject({ ok: false, code: 'ERR_JWT_ALG' });
  });

  it('ERR_JWT_UNTRUSTED_KEY for a jku header pointing at an attacker JWKS, which is never fetched', async () => {
    const before = attacker.hits.jwks;
    const t = await mint(attackerKey, {
      issuer: idp.issuer,
      audience: AUD,
      header: { jku: attacker.jwksUri },
    });
    expect(await verifyJwt(t, opts())).toMatchObject({ ok: false, code: 'ERR_JWT_UNTRUSTED_KEY' });
    expect(attacker.hits.jwks).toBe(before);
  });

  it('ERR_JWT_UNTRUSTED_KEY for an embedded jwk header', async () => {
    const t = await mint(attackerKey, {
      issuer: idp.issuer,
      audience: AUD,
      header: { jwk: attackerKey.publicJwk },
    });
    expect(await verifyJwt(t, opts())).toMatchObject({ ok: false, code: 'ERR_JWT_UNTRUSTED_KEY' });
  });

  it('ERR_JWT_SIGNATURE for an attacker key reusing a trusted kid, and for a tampered payload', async () => {
    const forged = await mint(attackerKey, { issuer: idp.issuer, audience: AUD });
    expect(await verifyJwt(forged, opts())).toMatchObject({ ok: false, code: 'ERR_JWT_SIGNATURE' });
    const [h, , s] = (await mint(k1, { issuer: idp.issuer, audience: AUD })).split('.');
    const tampered = `${h}.${b64({ iss: idp.issuer, aud: AUD, sub: 'user:admin', exp: NOW_S + 60 })}.${s}`;
    expect(await verifyJwt(tampered, opts())).toMatchObject({ ok: false, code: 'ERR_JWT_SIGNATURE' });
  });

  it('ERR_JWT_CLAIMS for a missing required claim and for a token without exp', async () => {
    const t = await mint(k1, { issuer: idp.issuer, audience: AUD });
    expect(await verifyJwt(t, opts({ requiredClaims: ['scope'] }))).toMatchObject({
      ok: false,
      code: 'ERR_JWT_CLAIMS',
    });
    const noExp = await new SignJWT({ sub: 'x' })
      .setProtectedHeader({ alg: 'EdDSA', kid: 'k1' })
      .setIssuer(idp.issuer)
      .setAudience(AUD)
      .sign(k1.privateKey);
    expect(await verifyJwt(noExp, opts())).toMatchObject({ ok: false, code: 'ERR_JWT_CLAIMS' });
  });

  it.each(['', 'abc', 'a.b.c', `${b64({ alg: 'EdDSA' })}.!!.x`, 'x'.repeat(20_000)])(
    'ERR_JWT_MALFORMED for %#',
    async (t) => {
      expect(await verifyJwt(t, opts())).toMatchObject({ ok: false, code: 'ERR_JWT_MALFORMED' });
    },
  );

  it('ERR_JWKS_UNAVAILABLE when the JWKS answers 404', async () => {
    const t = await mint(k1, { issuer: idp.issuer, audience: AUD });
    const o = opts({ issuers: [issuerOf(idp, { jwksUri: `${idp.issuer}/missing` })] });
    expect(await verifyJwt(t, o)).toMatchObject({ ok: false, code: 'ERR_JWKS_UNAVAILABLE' });
  });

  it('ERR_OIDC_ISSUER_MISMATCH when discovery names another issuer', async () => {
    idp.discoveryIssuer = 'https://idp.evil.example';
    try {
      const t = await mint(k1, { issuer: idp.issuer, audience: AUD });
      const o = opts({
        issuers: [{ issuer: idp.issuer, audience: AUD, discovery: true, algorithms: ['EdDSA'] }],
      });
      expect(await verifyJwt(t, o)).toMatchObject({ ok: false, code: 'ERR_OIDC_ISSUER_MISMATCH' });
    } finally {
      idp.discoveryIssuer = undefined;
    }
  });

  it('a config that allows HS256 is a TypeError, not a silent weakening', async () => {
    const t = await mint(k1, { issuer: idp.issuer, audience: AUD });
    const o = opts({ issuers: [issuerOf(idp, { algorithms: ['HS256' as never] })] });
    await expect(verifyJwt(t, o)).rejects.toThrow(TypeError);
  });
});

describe('key rotation at the JWKS', () => {
  it('picks up a new kid, and an unknown kid triggers exactly one refresh', async () => {
    const rot = await startIdp([k1]);
    try {
      const o = opts({ issuers: [issuerOf(rot)], keyCache: createJwksCache({ cooldownMs: 0 }) });
      expect((await verifyJwt(await mint(k1, { issuer: rot.issuer, audience: AUD }), o)).ok).toBe(true);
      expect(rot.hits.jwks).toBe(1);
      rot.published = [k1, k2];
      const t2 = await mint(k2, { issuer: rot.issuer, audience: AUD });
      expect((await verifyJwt(t2, o)).ok).toBe(true);
      expect(rot.hits.jwks).toBe(2);
      expect((await verifyJwt(t2, o)).ok).toBe(true);
      expect(rot.hits.jwks).toBe(2);
      const unknown = await mint(await makeKey('EdDSA', 'k3'), { issuer: rot.issuer, audience: AUD });
      expect(await verifyJwt(unknown, o)).toMatchObject({ code: 'ERR_JWT_UNKNOWN_KEY' });
      expect(rot.hits.jwks).toBe(3);
      // A key removed from the JWKS stays usable until the cached set ages out (cacheMaxAge).
      rot.published = [k2];
      const t1 = await mint(k1, { issuer: rot.issuer, audience: AUD });
      expect((await verifyJwt(t1, o)).ok).toBe(true);
      expect(rot.hits.jwks).toBe(3);
      const fresh = opts({
        issuers: [issuerOf(rot)],
        keyCache: createJwksCache({ cooldownMs: 0, cacheMaxAgeMs: 0 }),
      });
      expect(await verifyJwt(t1, fresh)).toMatchObject({ code: 'ERR_JWT_UNKNOWN_KEY' });
      expect((await verifyJwt(t2, fresh)).ok).toBe(true);
    } finally {
      await rot.close();
    }
  });

  it('within the cooldown an unknown kid causes no refresh at all (bounded)', async () => {
    const rot = await startIdp([k1]);
    try {
      const o = opts({ issuers: [issuerOf(rot)], keyCache: createJwksCache({ cooldownMs: 60_000 }) });
      expect((await verifyJwt(await mint(k1, { issuer: rot.issuer, audience: AUD }), o)).ok).toBe(true);
      rot.published = [k1, k2];
      const t2 = await mint(k2, { issuer: rot.issuer, audience: AUD });
      for (let i = 0; i < 5; i++)
        expect(await verifyJwt(t2, o)).toMatchObject({ code: 'ERR_JWT_UNKNOWN_KEY' });
      expect(rot.hits.jwks).toBe(1);
    } finally {
      await rot.close();
    }
  });

  it('concurrent unknown kids share one refresh', async () => {
    const rot = await startIdp([k1]);
    try {
      const o = opts({ issuers: [issuerOf(rot)], keyCache: createJwksCache({ cooldownMs: 0 }) });
      expect((await verifyJwt(await mint(k1, { issuer: rot.issuer, audience: AUD }), o)).ok).toBe(true);
      const t = await mint(k2, { issuer: rot.issuer, audience: AUD });
      const results = await Promise.all([verifyJwt(t, o), verifyJwt(t, o), verifyJwt(t, o)]);
      expect(results.every((r) => !r.ok && r.code === 'ERR_JWT_UNKNOWN_KEY')).toBe(true);
      expect(rot.hits.jwks).toBe(2);
    } finally {
      await rot.close();
    }
  });
});

describe('an unreachable JWKS', () => {
  it('fails closed with ERR_JWKS_UNAVAILABLE', async () => {
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const port = (s.address() as AddressInfo).port;
    await new Promise<void>((r) => s.close(() => r()));
    const iss = `http://127.0.0.1:${port}`;
    const t = await mint(k1, { issuer: iss, audience: AUD });
    const o = opts({
      issuers: [{ issuer: iss, audience: AUD, jwksUri: `${iss}/jwks.json`, algorithms: ['EdDSA'] }],
    });
    expect(await verifyJwt(t, o)).toMatchObject({ ok: false, code: 'ERR_JWKS_UNAVAILABLE' });
  });
});
