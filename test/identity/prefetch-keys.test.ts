/**
 * The issuers' keys are fetched before the listeners open (src/identity/prefetch-keys.ts): against a real
 * loopback IdP, a token verified after the prefetch makes no request of its own, discovery issuers are
 * prefetched through their discovery document, and an unreachable IdP is reported, never thrown.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJwksCache, verifyJwt, type IssuerConfig } from '../../src/identity/jwt-verifier.js';
import { prefetchIssuerKeys } from '../../src/identity/prefetch-keys.js';
import { makeKey, mint, NOW, startIdp, type Idp, type SigningKey } from './support/idp.js';

const AUDIENCE = 'writ';
let idp: Idp;
let es: SigningKey;
let ed: SigningKey;

beforeAll(async () => {
  es = await makeKey('ES256', 'es-1');
  ed = await makeKey('EdDSA', 'ed-1');
  idp = await startIdp([es, ed]);
});
afterAll(async () => idp.close());

const direct = (): IssuerConfig => ({
  issuer: idp.issuer,
  audience: AUDIENCE,
  jwksUri: idp.jwksUri,
  algorithms: ['ES256', 'EdDSA'],
});

describe('prefetching the issuers keys at start', () => {
  it('fetches each key set once, and the first token after it waits on no request', async () => {
    const cache = createJwksCache({ cooldownMs: 60_000 });
    const before = idp.hits.jwks;
    expect(await prefetchIssuerKeys([direct()], cache)).toEqual([]);
    expect(idp.hits.jwks).toBe(before + 1);
    for (const key of [es, ed]) {
      const token = await mint(key, { issuer: idp.issuer, audience: AUDIENCE });
      const r = await verifyJwt(token, { issuers: [direct()], keyCache: cache, now: NOW });
      expect(r.ok, key.kid).toBe(true);
    }
    expect(idp.hits.jwks).toBe(before + 1);
  });

  it('prefetches a discovery issuer through its discovery document', async () => {
    const cache = createJwksCache({ cooldownMs: 60_000 });
    const issuer: IssuerConfig = {
      issuer: idp.issuer,
      audience: AUDIENCE,
      discovery: true,
      algorithms: ['ES256'],
    };
    const hits = { ...idp.hits };
    expect(await prefetchIssuerKeys([issuer], cache)).toEqual([]);
    expect(idp.hits).toEqual({ jwks: hits.jwks + 1, discovery: hits.discovery + 1 });
    const token = await mint(es, { issuer: idp.issuer, audience: AUDIENCE });
    expect((await verifyJwt(token, { issuers: [issuer], keyCache: cache, now: NOW })).ok).toBe(true);
    expect(idp.hits).toEqual({ jwks: hits.jwks + 1, discovery: hits.discovery + 1 });
  });

  it('reports an unreachable IdP by issuer, without throwing, and the token is still refused with its code', async () => {
    const gone = await startIdp([es]);
    await gone.close();
    const issuer: IssuerConfig = { ...direct(), issuer: gone.issuer, jwksUri: gone.jwksUri };
    const cache = createJwksCache({ cooldownMs: 0, timeoutMs: 2000 });
    const failures = await prefetchIssuerKeys([issuer, direct()], cache);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toContain(gone.issuer);
    const token = await mint(es, { issuer: gone.issuer, audience: AUDIENCE });
    const r = await verifyJwt(token, { issuers: [issuer], keyCache: cache, now: NOW });
    expect(r.ok).toBe(false);
  });
});
