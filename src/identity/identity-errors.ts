/** Reason codes of the identity stage (workload identity, XFCC, JWT, API keys, delegation), one catalogue. */

/** Every reason code the identity stage can return, with its one-line meaning; ids are stable once shipped. */
export const IDENTITY_ERRORS = {
  ERR_IDENTITY_UNAUTHENTICATED: 'the peer principal is empty or not a valid SPIFFE ID',
  ERR_IDENTITY_UNTRUSTED_DOMAIN: 'the SPIFFE ID belongs to a trust domain that is not configured as trusted',
  ERR_XFCC_MALFORMED: 'the x-forwarded-client-cert header does not parse as Envoy XFCC',
  ERR_XFCC_NO_URI: 'the element appended by the adjacent proxy carries no URI',
  ERR_XFCC_AMBIGUOUS_URI: 'the element appended by the adjacent proxy carries more than one URI',
  ERR_XFCC_UNTRUSTED_PROXY: 'the element was not appended by the configured trusted proxy (By mismatch)',
  ERR_JWT_MALFORMED: 'the token is not a well-formed compact JWS JWT',
  ERR_JWT_EXPIRED: 'the token exp is in the past beyond the allowed clock skew',
  ERR_JWT_NOT_YET_VALID: 'the token nbf is in the future beyond the allowed clock skew',
  ERR_JWT_ISSUER:
    'the token iss claim is missing, not a string, or does not match the issuer it was verified for',
  ERR_JWT_UNTRUSTED_ISSUER: 'the token iss names no configured issuer',
  ERR_JWT_AUDIENCE: 'the token aud does not contain the audience configured for its issuer',
  ERR_JWT_UNKNOWN_KEY: 'no key in the issuer JWKS matches the token kid and alg, even after one refresh',
  ERR_JWT_ALG: 'the token alg is none, symmetric, or not in the issuer allowlist',
  ERR_JWT_UNTRUSTED_KEY:
    'the token header names its own key (jku, jwk, x5u, x5c); writ only uses the issuer JWKS',
  ERR_JWT_SIGNATURE: 'the token signature does not verify with the issuer key',
  ERR_JWT_CLAIMS: 'a required claim is missing or a claim has an invalid value',
  ERR_JWKS_UNAVAILABLE: 'the issuer JWKS could not be fetched or parsed',
  ERR_OIDC_DISCOVERY: 'the OIDC discovery document could not be fetched or is invalid',
  ERR_OIDC_ISSUER_MISMATCH: 'the OIDC discovery document names an issuer other than the configured one',
  ERR_API_KEY_MALFORMED: 'the presented API key is empty, too short or has invalid characters',
  ERR_API_KEY_UNKNOWN: 'the presented API key matches no stored key hash (unknown or revoked)',
  ERR_API_KEYS_UNAVAILABLE: 'the API key file could not be read or is invalid; all keys are refused',
  ERR_DELEGATION_EMPTY: 'the delegation chain header is present but holds no token',
  ERR_DELEGATION_TOO_DEEP: 'the delegation chain has more hops than the configured maximum',
  ERR_DELEGATION_ACTOR_MISMATCH: 'a hop has no act.sub, or the next hop sub is not this hop act.sub',
  ERR_DELEGATION_SCOPE_WIDENED: 'a hop holds a scope the previous hop did not hold',
  ERR_DELEGATION_EXPIRY_EXTENDED: 'a hop expires later than the previous hop',
  ERR_DELEGATION_MAY_ACT: 'a hop has may_act and its actor is not permitted by it',
  ERR_DELEGATION_SCOPE_INSUFFICIENT: 'the effective scopes do not allow the operation on the resource',
} as const;

/** A reason code of the identity stage. */
export type IdentityErrorCode = keyof typeof IDENTITY_ERRORS;

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
