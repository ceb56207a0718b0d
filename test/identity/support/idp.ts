/** A real identity provider over loopback for the identity tests: JWKS, OIDC discovery, token minting. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';

export type Alg = 'EdDSA' | 'ES256' | 'RS256';

export interface SigningKey {
  readonly kid: string;
  readonly alg: Alg;
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  readonly publicJwk: JWK;
}

export interface Idp {
  readonly issuer: string;
  readonly jwksUri: string;
  /** Requests served, per path, so tests can count refreshes. */
  readonly hits: { jwks: number; discovery: number };
  /** Keys the JWKS currently publishes. */
  published: SigningKey[];
  /** Overrides the discovery document's issuer (mix-up tests). */
  discoveryIssuer: string | undefined;
  close(): Promise<void>;
}

export async function makeKey(alg: Alg, kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { kid, alg, privateKey, publicKey, publicJwk };
}

export async function startIdp(keys: SigningKey[]): Promise<Idp> {
  const state = {
    hits: { jwks: 0, discovery: 0 },
    published: keys,
    discoveryIssuer: undefined as string | undefined,
  };
  let issuer = '';
  const server: Server = createServer((req, res) => {
    if (req.url === '/jwks.json') {
      state.hits.jwks++;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: state.published.map((k) => k.publicJwk) }));
    } else if (req.url === '/.well-known/openid-configuration') {
      state.hits.discovery++;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ issuer: state.discoveryIssuer ?? issuer, jwks_uri: `${issuer}/jwks.json` }));
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    jwksUri: `${issuer}/jwks.json`,
    get hits() {
      return state.hits;
    },
    get published() {
      return state.published;
    },
    set published(v) {
      state.published = v;
    },
    get discoveryIssuer() {
      return state.discoveryIssuer;
    },
    set discoveryIssuer(v) {
      state.discoveryIssuer = v;
    },
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}

/** Fixed test clock: 2026-01-01T00:00:00Z. */
export const NOW = new Date('2026-01-01T00:00:00Z');
export const NOW_S = Math.floor(NOW.getTime() / 1000);

export interface MintOptions {
  issuer: string;
  audience?: string;
  sub?: string;
  exp?: number;
  nbf?: number;
  header?: Record<string, unknown>;
  claims?: JWTPayload;
}

export async function mint(key: SigningKey, o: MintOptions): Promise<string> {
  const jwt = new SignJWT({ ...o.claims })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, ...o.header })
    .setIssuer(o.issuer)
    .setSubject(o.sub ?? 'user:alice')
    .setIssuedAt(NOW_S)
    .setExpirationTime(o.exp ?? NOW_S + 600);
  if (o.audience !== undefined) jwt.setAudience(o.audience);
  if (o.nbf !== undefined) jwt.setNotBefore(o.nbf);
  return jwt.sign(key.privateKey);
}
