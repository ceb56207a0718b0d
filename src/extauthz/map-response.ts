/** Verdict -> CheckResponse. Envoy treats a response without a status as allow, so one is always set. */
import { DECISION_HEADER, TRACE_HEADER } from '../pipeline/headers.js';
import type { Verdict } from '../pipeline/verdict.js';
import { isAllowed } from '../pipeline/verdict.js';
import type { CheckResponse, HeaderValueOption, StructValue } from './envoy-types.js';
import { grpcCodeFor, httpStatusFor } from './status.js';

// ext_authz defaults `append` to false, but writ says so explicitly: the token must replace, never join.
// One shared, frozen BoolValue: responses are only ever encoded, never changed.
const NO_APPEND = Object.freeze({ value: false as const });
const header = (key: string, value: string): HeaderValueOption => ({
  header: { key, value },
  append: NO_APPEND,
});

const str = (s: string): StructValue => ({ stringValue: s });

/**
 * `{"rules":[...], ...trace}` as JSON, without building the merged object on every call: the trace
 * always has members and never a `rules` one, so its JSON after `{` continues the string as is.
 */
function traceJson(v: Verdict): string {
  return `{"rules":${JSON.stringify(v.rules)},${JSON.stringify(v.trace).slice(1)}`;
}

/**
 * The decision summary Envoy can log (`%DYNAMIC_METADATA(envoy.filters.http.ext_authz:writ_trace_id)%`).
 * Four plain fields plus the whole trace as one JSON string: a Struct of many nested Values costs more
 * to encode on every call than one string (measured on the check role's response path).
 */
function dynamicMetadata(v: Verdict): NonNullable<CheckResponse['dynamic_metadata']> {
  return {
    fields: {
      writ_decision: str(v.decision),
      writ_code: str(v.code),
      writ_trace_id: str(v.traceId),
      writ_policy_version: str(v.policyVersion),
      writ_trace: str(traceJson(v)),
    },
  };
}

/** The deny body an agent sees: decision, reason code and trace id; never a stack trace. */
export function denyBody(v: Verdict): string {
  // Details first: no detail field can override the decision, the reason code or the trace id.
  return JSON.stringify({
    ...(v.details === undefined ? {} : v.details),
    decision: v.decision,
    reason: v.code,
    message: v.message,
    trace_id: v.traceId,
    rules: v.rules,
    findings: v.trace.inspectors.map((f) => f.id),
  });
}

/** Maps a verdict to Envoy's CheckResponse. */
export function mapVerdict(v: Verdict): CheckResponse {
  const code = grpcCodeFor(v.decision);
  const metadata = dynamicMetadata(v);
  if (isAllowed(v.decision)) {
    return {
      status: { code },
      ok_response: {
        headers: Object.keys(v.upstreamHeaders).map((k) => header(k, v.upstreamHeaders[k]!)),
        headers_to_remove: v.removeHeaders,
      },
      dynamic_metadata: metadata,
    };
  }
  const headers = [
    header('content-type', 'application/json'),
    header(DECISION_HEADER, v.decision),
    header(TRACE_HEADER, v.traceId),
  ];
  // Approvals and rate caps say when a retry can succeed, so clients (MCP too) back off instead of hanging.
  const retryAfter = v.details?.['retry_after_s'];
  if (typeof retryAfter === 'number') headers.push(header('retry-after', String(retryAfter)));
  return {
    status: { code, message: v.code },
    denied_response: { status: { code: httpStatusFor(v.decision, v.code) }, headers, body: denyBody(v) },
    dynamic_metadata: metadata,
  };
}
