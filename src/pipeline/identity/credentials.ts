/**
 * What the identity stage receives from the verifiers outside the core: a verified JWT's claims or an
 * authenticated API key. The verifiers (src/identity) implement these shapes; the core only reads them.
 */
import type { IdentityFailure, JwtErrorCode } from './identity-errors.js';

/** The claims of a verified JWT: the registered ones the stage reads, and any others. */
export interface JwtClaims {
  readonly iss?: string;
  readonly sub?: string;
  readonly jti?: string;
  readonly exp?: number;
  readonly [claim: string]: unknown;
}

/** A verified token. */
export interface VerifiedJwt {
  readonly ok: true;
  readonly claims: JwtClaims;
  readonly issuer: string;
}

/** The result of verifying a JWT. */
export type JwtResult = VerifiedJwt | IdentityFailure<JwtErrorCode>;

/** An authenticated API key caller. */
export interface ApiKeyPrincipal {
  readonly ok: true;
  readonly id: string;
  readonly subject: string;
  readonly scopes: readonly string[];
}

/** The result of authenticating one presented key. */
export type ApiKeyResult =
  | ApiKeyPrincipal
  | IdentityFailure<'ERR_API_KEY_MALFORMED' | 'ERR_API_KEY_UNKNOWN' | 'ERR_API_KEYS_UNAVAILABLE'>;
