/**
 * Every `x-writ-*` header name writ reads or writes, in one place: the roles, the identity stage, the
 * transport and the webhook sender all take their names from here, so a rename cannot leave one behind.
 */

/** The execution token a check mints and the tool side presents to the verify role. */
export const TOKEN_HEADER = 'x-writ-token';
/** The obligations (JSON) a check attaches to an allow. */
export const OBLIGATIONS_HEADER = 'x-writ-obligations';
/** The sandbox profile a check asks the tool side to run in. */
export const SANDBOX_HEADER = 'x-writ-sandbox';
/** The decision a denied response names (`deny`, `require_approval`, ...). */
export const DECISION_HEADER = 'x-writ-decision';
/** The trace id of every response, also in the audit record and the deny body. */
export const TRACE_HEADER = 'x-writ-trace-id';

/** The inbound session token: a JWT from a configured issuer, or an API key. */
export const SESSION_HEADER = 'x-writ-session-token';
/** An API key presented to writ (never an upstream's credential, unlike `authorization`). */
export const API_KEY_HEADER = 'x-writ-api-key';
/** The RFC 8693 delegation chain: comma-separated compact JWTs, origin first. */
export const DELEGATION_HEADER = 'x-writ-delegation-chain';

/** The agent's name; read only when agent headers are configured trusted. */
export const AGENT_HEADER = 'x-writ-agent';
/** The tenant; read only when agent headers are configured trusted. */
export const TENANT_HEADER = 'x-writ-tenant';
/** Where the content came from (`context.origin`); read only from an origin hop (identity/trusted-hop.ts). */
export const ORIGIN_HEADER = 'x-writ-origin';
/** The agent's session id (`context.sessionId`); read only when agent headers are trusted. */
export const SESSION_ID_HEADER = 'x-writ-session';

/** The HMAC signature on an approval webhook writ sends: `t=<unix seconds>,v1=<hex hmac>`. */
export const WEBHOOK_SIGNATURE_HEADER = 'x-writ-signature';

/** Headers only writ may set on the upstream request; an upstream never receives a copy the agent sent. */
export const WRIT_UPSTREAM_HEADERS: readonly string[] = Object.freeze([
  TOKEN_HEADER,
  OBLIGATIONS_HEADER,
  SANDBOX_HEADER,
]);
/** Identity headers writ consumes; never forwarded to the agent on the inbound role. */
export const IDENTITY_SECRET_HEADERS: readonly string[] = Object.freeze([SESSION_HEADER, API_KEY_HEADER]);
