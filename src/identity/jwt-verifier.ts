/**
 * JWT verification against configured issuers only: keys come from each issuer's JWKS (direct or via OIDC
 * discovery), algorithms are pinned per issuer and asymmetric, and every rejection has its own code.
 */
import {
  createRemoteJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  errors,
  jwtVerify,
  type JWTPayload,
  type RemoteJWKSet,
} from 'jose';
import type { JwtResult } from '../pipeline/identity/credentials.js';
import {
  fail,
  quote,
  type IdentityFailure,
  type JwtErrorCode,
} from '../pipeline/identity/identity-errors.js';
import { discoverOidc, isAllowedKeyUrl, type OidcMetadata } from './oidc-discovery.js';

/** The algorithms an issuer may be pinned to: asymmetric only, so a public key can never be an HMAC secret. */
export const ASYMMETRIC_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
] as const;

/** An asymmetric JWS algorithm name. */
export type AsymmetricAlgorithm = (typeof ASYMMETRIC_ALGORITHMS)[number];

/** Where an issuer's keys come from: a JWKS URL, or OIDC discovery from the issuer URL. */
export type KeySource = { readonly jwksUri: string } | { readonly discovery: true };

/** One trusted issuer. */
export type IssuerConfig = KeySource & {
  /** Compared to `iss` exactly (no normalization: `https://a/` is not `https://a`). */
  readonly issuer: string;
  /** The token's `aud` must contain one of these. */
  readonly audience: string | readonly string[];
  /** The algorithms accepted for this issuer, non-empty and asymmetric. */
  readonly algorithms: readonly AsymmetricAlgorithm[];
};

/** Options of one verification. */
export interface JwtVerifyOptions {
  readonly issuers: readonly IssuerConfig[];
  /** Allowed clock skew for exp and nbf; default 30 seconds. */
  readonly clockSkewSeconds?: number;
  /** Claims that must be present besides `exp` and `iss`, which are always required. */
  readonly requiredClaims?: readonly string[];
  /** The verification time; default the wall clock. */
  readonly now?: Date;
  /** Key and discovery cache; default one shared per process. */
  readonly keyCache?: JwksCache;
}

/** Caching of remote key sets and discovery documents. */
export interface JwksCacheOptions {
  /** Minimum time between two refreshes triggered by an unknown kid (jose's cooldownDuration); default 30 s. */
  readonly cooldownMs?: number;
  /** Age after which a key set is refetched before use (jose's cacheMaxAge); default 10 min. */
  readonly cacheMaxAgeMs?: number;
  /** Timeout of one JWKS or discovery fetch; default 5 s. */
  readonly timeoutMs?: number;
  /** How long a discovery document is kept; default 1 h. */
  readonly discoveryMaxAgeMs?: number;
}

/** Holds one jose remote key set per JWKS URL, and discovery results per issuer. */
export interface JwksCache {
  keySet(url: URL): RemoteJWKSet;
  discover(issuer: string): Promise<OidcMetadata | IdentityFailure<JwtErrorCode>>;
}

/** Creates a cache; one per process in production, one per test for hermetic request counts. */
export function createJwksCache(options: JwksCacheOptions = {}): JwksCache {
  const sets = new Map<string, RemoteJWKSet>();
  const docs = new Map<
    string,
    { at: number; result: Promise<OidcMetadata | IdentityFailure<JwtErrorCode>> }
  >();
  const cooldownMs = options.cooldownMs ?? 30_000;
  const discoveryMaxAgeMs = options.discoveryMaxAgeMs ?? 3_600_000;
  return {
    keySet(url) {
      let set = sets.get(url.href);
      if (set === undefined) {
        // jose refetches at most once per cooldown on an unknown kid, so a flood of random kids
        // cannot turn writ into a load generator against the IdP.
        set = createRemoteJWKSet(url, {
          cooldownDuration: cooldownMs,
          cacheMaxAge: options.cacheMaxAgeMs ?? 600_000,
          timeoutDuration: options.timeoutMs ?? 5000,
        });
        sets.set(url.href, set);
      }
      return set;
    },
    async discover(issuer) {
      const now = Date.now();
      const hit = docs.get(issuer);
      if (hit !== undefined) {
        const result = await hit.result;
        // A failure is kept only for the cooldown, so an IdP outage does not pin writ shut for an hour.
        const ttl = result.ok ? discoveryMaxAgeMs : cooldownMs;
        if (now - hit.at < ttl) return result;
      }
      const entry = { at: now, result: discoverOidc(issuer, { timeoutMs: options.timeoutMs ?? 5000 }) };
      docs.set(issuer, entry);
      return entry.result;
    },
  };
}

let defaultCache: JwksCache | undefined;

const MAX_TOKEN_LENGTH = 16 * 1024;
// Header parameters that point at a key chosen by the token's author; writ never dereferences them.
const KEY_HEADERS = ['jku', 'jwk', 'x5u', 'x5c'] as const;

/** Verifies a compact JWT against the configured issuers; never throws, every failure is a code. */
export async function verifyJwt(token: string, options: JwtVerifyOptions): Promise<JwtResult> {
  if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) {
    return fail('ERR_JWT_MALFORMED', 'token is empty or too long');
  }
  if (token.split('.').length !== 3) return fail('ERR_JWT_MALFORMED', 'token is not a compact jws');
  let header: Record<string, unknown>;
  let payload: JWTPayload;
  try {
    header = decodeProtectedHeader(token);
    payload = decodeJwt(token);
  } catch (err) {
    return fail('ERR_JWT_MALFORMED', `token does not decode: ${(err as Error).message}`);
  }
  const alg = header['alg'];
  if (typeof alg !== 'string' || alg.length === 0)
    return fail('ERR_JWT_MALFORMED', 'token header has no alg');
  // SECURITY: checked before any key lookup; "none" and HMAC are never accepted whatever the config says.
  if (alg.toLowerCase() === 'none') return fail('ERR_JWT_ALG', 'alg "none" is never accepted');
  if (!(ASYMMETRIC_ALGORITHMS as readonly string[]).includes(alg)) {
    return fail('ERR_JWT_ALG', `alg ${quote(alg)} is not an accepted asymmetric algorithm`);
  }
  for (const name of KEY_HEADERS) {
    if (name in header) {
      return fail('ERR_JWT_UNTRUSTED_KEY', `header parameter ${quote(name)} names a key writ does not trust`);
    }
  }
  // The unverified iss only selects which issuer's keys to try; the signature then proves it.
  const iss = payload.iss;
  if (typeof iss !== 'string') return fail('ERR_JWT_ISSUER', 'token has no iss claim');
  const issuer = options.issuers.find((c) => c.issuer === iss);
  if (issuer === undefined) return fail('ERR_JWT_UNTRUSTED_ISSUER', `issuer ${quote(iss)} is not configured`);
  assertIssuerConfig(issuer);
  if (!(issuer.algorithms as readonly string[]).includes(alg)) {
    return fail('ERR_JWT_ALG', `alg ${quote(alg)} is not allowed for issuer ${quote(iss)}`);
  }
  const cache = options.keyCache ?? (defaultCache ??= createJwksCache());
  let jwksUrl: URL;
  if ('jwksUri' in issuer) {
    jwksUrl = new URL(issuer.jwksUri);
  } else {
    const meta = await cache.discover(issuer.issuer);
    if (!meta.ok) return meta;
    jwksUrl = meta.jwksUri;
  }
  try {
    const { payload: claims } = await jwtVerify(token, cache.keySet(jwksUrl), {
      issuer: issuer.issuer,
      audience: typeof issuer.audience === 'string' ? issuer.audience : [...issuer.audience],
      algorithms: [...issuer.algorithms],
      clockTolerance: options.clockSkewSeconds ?? 30,
      requiredClaims: ['exp', 'iss', ...(options.requiredClaims ?? [])],
      ...(options.now === undefined ? {} : { currentDate: options.now }),
    });
    return { ok: true, claims, issuer: issuer.issuer };
  } catch (err) {
    return mapJoseError(err);
  }
}

/** Rejects configurations that would weaken verification; a config error, not a token error. */
function assertIssuerConfig(issuer: IssuerConfig): void {
  if (issuer.algorithms.length === 0) throw new TypeError(`issuer ${quote(issuer.issuer)} has no algorithms`);
  for (const a of issuer.algorithms) {
    if (!(ASYMMETRIC_ALGORITHMS as readonly string[]).includes(a)) {
      throw new TypeError(`issuer ${quote(issuer.issuer)} allows non-asymmetric alg ${quote(a)}`);
    }
  }
  if ('jwksUri' in issuer && !isAllowedKeyUrl(new URL(issuer.jwksUri))) {
    throw new TypeError(`jwks uri ${quote(issuer.jwksUri)} of issuer ${quote(issuer.issuer)} is not https`);
  }
}

/** Maps jose's error classes to writ's codes; an unknown failure is a deny, never a pass. */
export function mapJoseError(err: unknown): IdentityFailure<JwtErrorCode> {
  if (err instanceof errors.JWTExpired) return fail('ERR_JWT_EXPIRED', 'token is expired');
  if (err instanceof errors.JWTClaimValidationFailed) {
    // iss and aud keep their own codes even when absent: the operator's fix is the same.
    if (err.claim === 'iss') return fail('ERR_JWT_ISSUER', `token issuer does not match: ${err.reason}`);
    if (err.claim === 'aud') return fail('ERR_JWT_AUDIENCE', `token audience does not match: ${err.reason}`);
    if (err.reason === 'missing')
      return fail('ERR_JWT_CLAIMS', `required claim ${quote(err.claim)} is missing`);
    if (err.claim === 'nbf') return fail('ERR_JWT_NOT_YET_VALID', 'token is not yet valid');
    return fail('ERR_JWT_CLAIMS', `claim ${quote(err.claim)} is invalid: ${err.message}`);
  }
  if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) {
    return fail('ERR_JWT_UNKNOWN_KEY', 'no key in the issuer jwks matches the token kid and alg');
  }
  if (err instanceof errors.JOSEAlgNotAllowed || err instanceof errors.JOSENotSupported) {
    return fail('ERR_JWT_ALG', err.message);
  }
  if (err instanceof errors.JWSSignatureVerificationFailed)
    return fail('ERR_JWT_SIGNATURE', 'signature is invalid');
  if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid)
    return fail('ERR_JWT_MALFORMED', err.message);
  if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid) {
    return fail('ERR_JWKS_UNAVAILABLE', err.message);
  }
  // Anything else arose while fetching keys (fetch TypeError, non-200, bad JSON): fail closed.
  return fail(
    'ERR_JWKS_UNAVAILABLE',
    `jwks unavailable: ${err instanceof Error ? err.message : String(err)}`,
  );
}
