/**
 * Builds the identity stage's injected dependencies from configuration: trust domains, the XFCC proxy,
 * the JWT issuers (one shared JWKS cache) and the API key store. Files are validated here, at startup.
 */
import { readFileSync } from 'node:fs';
import type { IdentityDeps } from '../pipeline/identity/stage.js';
import { createApiKeyStore, parseApiKeyFile } from './api-keys.js';
import { verifyDelegationChain } from './delegation-chain.js';
import { loadIssuersFile } from './issuers-file.js';
import { createJwksCache, verifyJwt, type JwksCache, type JwtVerifyOptions } from './jwt-verifier.js';
import { prefetchIssuerKeys } from './prefetch-keys.js';

/** The identity settings of the server configuration (`src/config.ts`). */
export interface IdentitySettings {
  readonly trustDomains: readonly string[];
  /** SPIFFE ID of the trusted adjacent proxy; empty: XFCC is ignored. */
  readonly xfccTrustedProxy: string;
  /** Path of the YAML issuers file; empty: no issuer. */
  readonly jwtIssuersFile: string;
  /** Path of the JSON API key file; empty: no API key. */
  readonly apiKeysFile: string;
  /** Least time between two refetches an unknown kid triggers (ms). */
  readonly jwksCooldownMs: number;
  /** Age after which a key set is refetched before use (ms). */
  readonly jwksMaxAgeMs: number;
}

/** Hooks for tests and embedding: a JWKS cache with a short cooldown, say. */
export interface IdentityDepsOptions {
  readonly jwksCache?: JwksCache;
}

/** The identity stage's dependencies, and the start-up step that fetches the issuers' keys ahead of use. */
export interface IdentityParts extends IdentityDeps {
  /** Fetches each issuer's key set and imports its keys (src/identity/prefetch-keys.ts); one line per failure. */
  readonly prefetchKeys: () => Promise<string[]>;
}

/** Creates the identity dependencies; throws with the file and line on an unusable issuers or key file. */
export function createIdentityDeps(
  settings: IdentitySettings,
  options: IdentityDepsOptions = {},
): IdentityParts {
  const issuers = settings.jwtIssuersFile === '' ? [] : loadIssuersFile(settings.jwtIssuersFile);
  if (settings.apiKeysFile !== '') {
    // The store re-reads the file and fails closed at run time; a bad file at startup stops the process.
    try {
      parseApiKeyFile(readFileSync(settings.apiKeysFile, 'utf8'));
    } catch (err) {
      throw new Error(`${settings.apiKeysFile}: unusable api key file: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }
  const keyCache =
    options.jwksCache ??
    createJwksCache({ cooldownMs: settings.jwksCooldownMs, cacheMaxAgeMs: settings.jwksMaxAgeMs });
  // The pipeline's injected clock decides expiry, so tests and replays see the time they set.
  const verifyOptions = (nowMs: number): JwtVerifyOptions => ({ issuers, keyCache, now: new Date(nowMs) });
  const apiKeys = settings.apiKeysFile === '' ? null : createApiKeyStore({ path: settings.apiKeysFile });
  return {
    prefetchKeys: () => prefetchIssuerKeys(issuers, keyCache),
    workload: {
      trustedTrustDomains: settings.trustDomains,
      ...(settings.xfccTrustedProxy === '' ? {} : { xfcc: { trustedProxy: settings.xfccTrustedProxy } }),
    },
    issuers: issuers.map((i) => i.issuer),
    ...(issuers.length === 0
      ? {}
      : {
          verifyJwt: (token: string, nowMs: number) => verifyJwt(token, verifyOptions(nowMs)),
          verifyChain: (header: string, nowMs: number) =>
            verifyDelegationChain(header, { verify: verifyOptions(nowMs) }),
        }),
    ...(apiKeys === null ? {} : { authenticateApiKey: (key: string) => apiKeys.authenticate(key) }),
  };
}
