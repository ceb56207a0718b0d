/** The one catalogue of writ's reason codes: every deny, error and failed check names one of these. */

/** Every code writ can put in a verdict, an audit record or a deny body. Stable once shipped. */
export const REASON_CODES = {
  // Decisions made by policy.
  POLICY_ALLOW: 'a rule allowed the action',
  POLICY_DENY: 'a rule denied the action',
  POLICY_DEFAULT_DENY: 'no rule matched the action, so it is denied by default',
  POLICY_REQUIRE_APPROVAL: 'a rule requires human approval before the action runs',
  POLICY_ALLOW_WITH_OBLIGATIONS: 'a rule allowed the action under obligations',
  VERIFY_OK: 'the execution token matches the request about to run',
  // Approvals (docs/approvals.md).
  APPROVAL_PENDING: 'the action awaits a human approval; retry the identical call once it is granted',
  APPROVAL_GRANTED: 'an approver granted this exact action; the approval is now used up',
  APPROVAL_DENIED: 'an approver denied this exact action',
  // Input that cannot be governed.
  ERR_NO_HTTP_ATTRIBUTES: 'the check request has no HTTP attributes (a TCP or malformed check)',
  ERR_PARTIAL_BODY: 'envoy sent a partial body, which cannot be bound to a token',
  ERR_BODY_TOO_LARGE: 'the request body is larger than the configured maximum',
  ERR_BODY_INVALID_UTF8: 'the body is not valid UTF-8 for a text content type',
  ERR_BODY_INVALID_JSON: 'the body is not valid JSON for a JSON content type',
  ERR_JSON_DUPLICATE_KEY: 'the JSON body repeats a key in one object',
  ERR_JSON_LONE_SURROGATE: 'the JSON body contains a lone UTF-16 surrogate',
  ERR_JSON_UNSAFE_INTEGER: 'the JSON body contains an integer beyond 2^53',
  ERR_JSON_TOO_DEEP: 'the JSON body nests deeper than the configured limit',
  ERR_MCP_INVALID: 'the MCP JSON-RPC message is malformed',
  ERR_MCP_PROTOCOL_VERSION: 'the MCP-Protocol-Version header names a version writ does not read',
  ERR_A2A_INVALID: 'the A2A JSON-RPC message is malformed, or names a method A2A does not define',
  ERR_MCP_BATCH_TOO_LARGE: 'the JSON-RPC batch holds more messages than writ decides (64)',
  ERR_MCP_BATCH_OBLIGATIONS:
    'an element of the JSON-RPC batch is allowed only under obligations (rate caps, masking, sandbox), which bind one call: send it on its own',
  ERR_MCP_UNSOLICITED_RESPONSE:
    'the JSON-RPC response answers no request the MCP server sent in this session (or answers one twice)',
  ERR_SQL_TOO_LONG: 'the SQL a tool call carries is longer than writ reads (64 KiB in all)',
  ERR_BAD_REQUEST: 'the request is malformed',
  // Requests that read two ways, or that real Envoy would not send (docs/lifecycle.md, request shape).
  ERR_METHOD_OVERRIDE_DOWNGRADE:
    "a method override names a safer method than the request's own (a DELETE asking to run as a GET)",
  ERR_MCP_READING_CONFLICT:
    'the request reads as an MCP message and as something else: a JSON-RPC body off a configured MCP endpoint or on a method other than POST, or a REST tool path whose body is a JSON-RPC message',
  ERR_MCP_TOKEN_AUDIENCE:
    "the MCP call's bearer token was issued for another server (its aud and resource claims name servers or hosts, none of them this MCP server): MCP forbids passing a token through",
  ERR_A2A_READING_CONFLICT:
    'the request reads as an A2A message and as something else: an A2A method off every configured A2A endpoint, or at a place that is also an MCP endpoint',
  ERR_PARTIAL_BODY_HEADER:
    'the x-envoy-auth-partial-body header is not as Envoy sends it (one header, lower-case, exactly true or false)',
  ERR_CONTENT_LENGTH_MISMATCH:
    'the content-length header is malformed, repeated, or not the length of the body writ was sent',
  ERR_AUTHORITY_MISMATCH:
    'the check request names two hosts: http.host, the :authority header and a host header differ',
  ERR_PSEUDO_HEADER_MISMATCH:
    'http.method, http.path or http.scheme differs from the :method, :path or :scheme header',
  ERR_HEADER_NAME:
    'a header name is not one Envoy sends (upper case, whitespace, a character outside the token set)',
  ERR_HEADER_VALUE_LOSSY:
    'a header value is not printable ASCII (obs-text, NUL, CR, LF, invalid UTF-8), so writ and the upstream could read it differently',
  ERR_HEADERS_AMBIGUOUS:
    'the check request carries both headers and header_map, or a header_map entry with both value and raw_value',
  // Shell command lines (docs/policy.md, "Shell command lines"): what writ cannot read completely is denied.
  ERR_SHELL_SYNTAX:
    'a shell command line in the arguments is not valid bash (an unterminated quote, substitution or here-doc, or an unexpected token)',
  ERR_SHELL_UNSUPPORTED:
    'a shell command line in the arguments uses a construct writ cannot read with certainty, so it cannot be governed',
  ERR_SHELL_LIMIT: 'a shell command line in the arguments nests deeper than writ reads',
  // The token on the verify side.
  ERR_TOKEN_MISSING: 'no execution token accompanies the request',
  ERR_TOKEN_MALFORMED: 'the execution token is not a batch JWS with its claims and inclusion proof',
  ERR_TOKEN_ALG: 'the execution token uses an algorithm other than EdDSA',
  ERR_TOKEN_TYPE: 'the execution token does not have type exec-batch+jwt (one signature per turn)',
  ERR_TOKEN_UNKNOWN_KEY: 'the execution token was signed by a key writ does not trust',
  ERR_TOKEN_CERT_INVALID:
    "the certification in the token header (wcrt) is malformed or does not certify the token's key",
  ERR_TOKEN_CERT_EXPIRED: "the token was issued outside its key's certified validity window",
  ERR_TOKEN_CERT_UNTRUSTED:
    'the certification in the token header (wcrt) is not signed by a trusted root key',
  ERR_TOKEN_SIGNATURE: 'the execution token signature does not verify',
  ERR_TOKEN_EXPIRED: 'the execution token has expired',
  ERR_TOKEN_NOT_YET_VALID: 'the execution token was issued in the future',
  ERR_TOKEN_AUDIENCE: 'the execution token was issued for another upstream',
  ERR_TOKEN_ACTION_MISMATCH: 'the request differs from the action the token was issued for',
  ERR_TOKEN_ENVELOPE_VERSION:
    'the token binds a canonical action version or header set this verifier does not use for the host',
  ERR_TOKEN_SCHEME: 'the execution token was issued for another scheme (https versus http)',
  ERR_TOKEN_SUBJECT: 'the execution token was issued to another workload identity than the one presenting it',
  ERR_TOKEN_HEADERS_MISMATCH: 'a bound request header was added, removed or changed after the check',
  ERR_TOKEN_REPLAYED: 'the execution token was already used',
  ERR_TOKEN_EPOCH:
    "the token was minted before the verifier's replay memory started (a state store restart or data loss), so it may have been used",
  ERR_TOKEN_CLAIMS: 'the execution token lacks a required claim',
  ERR_OBLIGATIONS_TAMPERED: 'obligation headers on the request differ from the signed obligations',
  // Enforcement of approvals and obligations.
  ERR_APPROVAL_EXPIRED: 'the approval for this action expired before it was used',
  ERR_RATE_LIMITED: 'the rate cap of this subject, tool and rule is used up for the current window',
  ERR_QUARANTINED: 'this session or subject is quarantined until an approver releases it',
  // MCP tool lists in responses (ext_proc role; docs/approvals.md).
  ERR_TOOL_DEFINITION_CHANGED:
    'an MCP server changed the definition of a pinned tool (rug pull); an approver must reset its pins',
  ERR_TOOL_POISONED: 'an MCP tool definition in the response hides instructions for the model',
  ERR_TOOL_LIST_INVALID: 'an MCP tools/list response could not be parsed strictly, so it is withheld',
  // The response role (ext_proc): what response rules decided about an upstream's answer.
  RESPONSE_PASS: 'a response rule let the upstream answer pass unchanged',
  RESPONSE_ANNOTATED: 'a response rule let the answer pass with a note of what was found in it',
  RESPONSE_MASKED: 'a response rule masked secrets and personal data in the answer',
  RESPONSE_TAINTED: "a response rule let the answer pass and marked the agent's session as having read it",
  RESPONSE_BLOCKED: 'a response rule withheld the answer from the agent',
  RESPONSE_DEFAULT_BLOCK: 'no response rule matched the answer, so it is withheld by default',
  ERR_RESPONSE_UNREADABLE:
    'the answer could not be read to its end (not UTF-8, not strict JSON, an event stream cut inside an event), so it is withheld',
  ERR_RESPONSE_EVENT_TOO_LARGE:
    'an event of the answer stream is larger than writ holds to inspect whole, so the stream is withheld from there on',
  ERR_RESPONSE_NOT_RECORDED:
    'the decision on an answer could not be written to the audit log, so the answer is withheld',
  ERR_TAINT_UNAVAILABLE:
    "the agent's session could not be marked as having read the answer (no taint store, no session, store down), so the answer is withheld",
  // Identity (docs/identity.md): workload identity, XFCC, JWT, API keys, delegation, inbound session.
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
  ERR_DELEGATION_ACTOR_MISMATCH:
    'a hop has no act.sub, the next hop sub is not this hop act.sub, or the last actor is not the caller',
  ERR_DELEGATION_SCOPE_WIDENED: 'a hop holds a scope the previous hop did not hold',
  ERR_DELEGATION_EXPIRY_EXTENDED: 'a hop expires later than the previous hop',
  ERR_DELEGATION_MAY_ACT: 'a hop has may_act and its actor is not permitted by it',
  ERR_DELEGATION_CYCLE: 'the same subject appears twice in one delegation chain',
  ERR_DELEGATION_SCOPE_INSUFFICIENT: 'the effective scopes do not allow the operation on the resource',
  ERR_INBOUND_NO_SESSION: 'an inbound call carries no valid session token (x-writ-session-token)',
  // Failures inside writ: always a deny.
  ERR_INSPECTOR_FAILED: 'an inspector failed on this input',
  ERR_INSPECTION_LIMIT:
    'the request holds more than writ inspects (JSON nodes or depth, decoded text or layers), so it is denied rather than passed uninspected',
  ERR_STATE_UNAVAILABLE: 'the shared state store is unavailable',
  ERR_SIGNING_FAILED: 'the execution token could not be signed',
  ERR_AUDIT_WRITE: 'the decision could not be written to the audit log',
  ERR_TIMEOUT: 'the decision took longer than the configured deadline',
  ERR_INSPECTION_THREAD:
    'the inspection thread that holds a costly request failed, was closed, or no longer holds it',
  ERR_ARGUMENTS_ON_THREAD:
    'a stage read the arguments of a costly request, which stay on the inspection thread, other than through the facts the thread answered',
  ERR_INTERNAL: 'an internal error prevented a decision',
} as const;

/** A stable reason code. */
export type ReasonCode = keyof typeof REASON_CODES;

/** An error on hostile or malformed input: it carries the code the deny will name. */
export class WritError extends Error {
  override readonly name = 'WritError';
  constructor(
    readonly code: ReasonCode,
    message: string,
  ) {
    super(message);
  }
}
