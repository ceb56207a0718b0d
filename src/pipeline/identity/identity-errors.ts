/**
 * Reason codes of the identity stage (workload identity, XFCC, JWT, API keys, delegation): a named subset of
 * the one catalogue in `src/pipeline/errors.ts`, so a code and its meaning are written down once.
 */

import { REASON_CODES } from '../errors.js';

/** The codes the identity core can return; their meanings live in the one catalogue, `REASON_CODES`. */
const IDENTITY_CODES = [
  'ERR_IDENTITY_UNAUTHENTICATED',
  'ERR_IDENTITY_UNTRUSTED_DOMAIN',
  'ERR_XFCC_MALFORMED',
  'ERR_XFCC_NO_URI',
  'ERR_XFCC_AMBIGUOUS_URI',
  'ERR_XFCC_UNTRUSTED_PROXY',
  'ERR_JWT_MALFORMED',
  'ERR_JWT_EXPIRED',
  'ERR_JWT_NOT_YET_VALID',
  'ERR_JWT_ISSUER',
  'ERR_JWT_UNTRUSTED_ISSUER',
  'ERR_JWT_AUDIENCE',
  'ERR_JWT_UNKNOWN_KEY',
  'ERR_JWT_ALG',
  'ERR_JWT_UNTRUSTED_KEY',
  'ERR_JWT_SIGNATURE',
  'ERR_JWT_CLAIMS',
  'ERR_JWKS_UNAVAILABLE',
  'ERR_OIDC_DISCOVERY',
  'ERR_OIDC_ISSUER_MISMATCH',
  'ERR_API_KEY_MALFORMED',
  'ERR_API_KEY_UNKNOWN',
  'ERR_API_KEYS_UNAVAILABLE',
  'ERR_DELEGATION_EMPTY',
  'ERR_DELEGATION_TOO_DEEP',
  'ERR_DELEGATION_ACTOR_MISMATCH',
  'ERR_DELEGATION_SCOPE_WIDENED',
  'ERR_DELEGATION_EXPIRY_EXTENDED',
  'ERR_DELEGATION_MAY_ACT',
  'ERR_DELEGATION_CYCLE',
  'ERR_DELEGATION_SCOPE_INSUFFICIENT',
] as const satisfies readonly (keyof typeof REASON_CODES)[];

/** A reason code of the identity stage (a subset of writ's `ReasonCode`). */
export type IdentityErrorCode = (typeof IDENTITY_CODES)[number];

/** Every reason code the identity stage can return, with its one-line meaning, taken from `REASON_CODES`. */
export const IDENTITY_ERRORS: { readonly [C in IdentityErrorCode]: (typeof REASON_CODES)[C] } = Object.freeze(
  Object.fromEntries(IDENTITY_CODES.map((c) => [c, REASON_CODES[c]])) as {
    [C in IdentityErrorCode]: (typeof REASON_CODES)[C];
  },
);

/** JWT verification codes, the subset `verifyJwt` can return. */
export type JwtErrorCode = Extract<
  IdentityErrorCode,
  `ERR_JWT_${string}` | `ERR_JWKS_${string}` | `ERR_OIDC_${string}`
>;

/** The failure half of every identity result: a stable code and a message for logs and the deny body. */
export interface IdentityFailure<C extends IdentityErrorCode = IdentityErrorCode> {
  readonly ok: false;
  readonly code: C;
  readonly message: string;
}

/** Builds a failure result; keeps messages in Cedar's style (lowercase, quoted input). */
export function fail<C extends IdentityErrorCode>(code: C, message: string): IdentityFailure<C> {
  return { ok: false, code, message };
}

/** Quotes untrusted input for a message, bounded so a hostile value cannot flood logs. */
export function quote(value: string, max = 120): string {
  const cut = value.length > max ? `${value.slice(0, max)}...` : value;
  return JSON.stringify(cut);
}
