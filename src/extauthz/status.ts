/** One table: verdict decision and reason code -> gRPC status code and the HTTP status of a deny. */
import type { ReasonCode } from '../pipeline/errors.js';
import type { Decision } from '../pipeline/policy/types.js';

/** google.rpc.Code values ext_authz uses. */
export const GRPC_OK = 0;
export const GRPC_PERMISSION_DENIED = 7;

const BAD_INPUT: ReadonlySet<ReasonCode> = new Set<ReasonCode>([
  'ERR_NO_HTTP_ATTRIBUTES',
  'ERR_PARTIAL_BODY',
  'ERR_BODY_INVALID_UTF8',
  'ERR_BODY_INVALID_JSON',
  'ERR_JSON_DUPLICATE_KEY',
  'ERR_JSON_LONE_SURROGATE',
  'ERR_JSON_UNSAFE_INTEGER',
  'ERR_JSON_TOO_DEEP',
  'ERR_MCP_INVALID',
  'ERR_MCP_PROTOCOL_VERSION',
  'ERR_MCP_BATCH_TOO_LARGE',
  'ERR_SQL_TOO_LONG',
  'ERR_BAD_REQUEST',
  'ERR_METHOD_OVERRIDE_DOWNGRADE',
  'ERR_MCP_READING_CONFLICT',
  'ERR_A2A_INVALID',
  'ERR_A2A_READING_CONFLICT',
  'ERR_PARTIAL_BODY_HEADER',
  'ERR_CONTENT_LENGTH_MISMATCH',
  'ERR_AUTHORITY_MISMATCH',
  'ERR_PSEUDO_HEADER_MISMATCH',
  'ERR_HEADER_NAME',
  'ERR_HEADER_VALUE_LOSSY',
  'ERR_HEADERS_AMBIGUOUS',
]);

const UNAVAILABLE: ReadonlySet<ReasonCode> = new Set<ReasonCode>([
  'ERR_STATE_UNAVAILABLE',
  'ERR_SIGNING_FAILED',
  'ERR_AUDIT_WRITE',
  'ERR_RESPONSE_NOT_RECORDED',
  'ERR_TAINT_UNAVAILABLE',
  'ERR_TIMEOUT',
  'ERR_INTERNAL',
  // Internal failures around the inspection thread (issue 15 F7): another replica, or a retry, decides it.
  'ERR_INSPECTION_THREAD',
  'ERR_ARGUMENTS_ON_THREAD',
  // The identity provider or the key file is unreachable: a retry may succeed, unlike a bad credential.
  'ERR_JWKS_UNAVAILABLE',
  'ERR_OIDC_DISCOVERY',
  'ERR_API_KEYS_UNAVAILABLE',
]);

// A response writ withholds (ext_proc role): the upstream answered, but not with something the agent may see.
const BAD_UPSTREAM: ReadonlySet<ReasonCode> = new Set<ReasonCode>([
  'ERR_TOOL_DEFINITION_CHANGED',
  'ERR_TOOL_POISONED',
  'ERR_TOOL_LIST_INVALID',
  'RESPONSE_BLOCKED',
  'RESPONSE_DEFAULT_BLOCK',
  'ERR_RESPONSE_UNREADABLE',
  'ERR_RESPONSE_EVENT_TOO_LARGE',
]);

/** The gRPC status of a Check answer: OK lets Envoy forward the request, anything else denies it. */
export function grpcCodeFor(decision: Decision): number {
  return decision === 'ALLOW' || decision === 'ALLOW_WITH_OBLIGATIONS' ? GRPC_OK : GRPC_PERMISSION_DENIED;
}

/** The HTTP status Envoy returns to the agent on a deny. */
export function httpStatusFor(decision: Decision, code: ReasonCode): number {
  // 413: too large to govern, whether in bytes or in what inspection would have to read.
  if (code === 'ERR_BODY_TOO_LARGE' || code === 'ERR_INSPECTION_LIMIT') return 413;
  // 429 with retry-after: the caller may try again when the window resets.
  if (code === 'ERR_RATE_LIMITED') return 429;
  if (BAD_INPUT.has(code)) return 400;
  // 502: the upstream MCP server sent a tool list writ will not pass on.
  if (BAD_UPSTREAM.has(code)) return 502;
  // 503: writ could not decide; a retry may succeed, unlike a policy deny.
  if (UNAVAILABLE.has(code)) return 503;
  // DENY and REQUIRE_APPROVAL alike: the request may not run now; x-writ-decision tells them apart.
  void decision;
  return 403;
}
