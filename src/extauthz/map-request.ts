/** CheckRequest -> RawRequest. Maps only; anything unusable is reported as a reason code, not decided here. */
import type { ReasonCode } from '../pipeline/errors.js';
import type { RawRequest, Role } from '../pipeline/model/raw-request.js';
import type { CheckRequest } from './envoy-types.js';

export type Mapped =
  | { readonly ok: true; readonly raw: RawRequest }
  | { readonly ok: false; readonly code: ReasonCode; readonly message: string };

/** Envoy marks a body it cut at max_request_bytes with this header. */
const PARTIAL_BODY_HEADER = 'x-envoy-auth-partial-body';

function headersOf(
  http: NonNullable<NonNullable<NonNullable<CheckRequest['attributes']>['request']>['http']>,
): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [k, v] of Object.entries(http.headers ?? {})) out[k.toLowerCase()] = v;
  // Envoy sends header_map instead of headers when encode_raw_headers is on.
  for (const h of http.header_map?.headers ?? []) {
    if (h.key === undefined) continue;
    const value =
      h.raw_value !== undefined && h.raw_value.length > 0 ? h.raw_value.toString('utf8') : (h.value ?? '');
    const k = h.key.toLowerCase();
    out[k] = out[k] === undefined ? value : `${out[k]},${value}`;
  }
  return out;
}

/** Maps Envoy's CheckRequest for a role to writ's RawRequest. */
export function mapCheckRequest(
  req: CheckRequest,
  role: Role,
  receivedAtMs: number,
  fallbackId: () => string,
): Mapped {
  const attrs = req.attributes;
  const http = attrs?.request?.http;
  // SECURITY: Istio also sends TCP-level checks; with no HTTP attributes there is nothing to govern.
  if (http === undefined || http.method === undefined || http.method === '') {
    return { ok: false, code: 'ERR_NO_HTTP_ATTRIBUTES', message: 'check request has no HTTP attributes' };
  }
  const headers = headersOf(http);
  const authority = (http.host ?? headers[':authority'] ?? '').toLowerCase();
  const path = http.path ?? headers[':path'] ?? '';
  if (authority === '' || path === '') {
    return { ok: false, code: 'ERR_BAD_REQUEST', message: 'check request lacks host or path' };
  }
  const body =
    http.raw_body !== undefined && http.raw_body.length > 0
      ? new Uint8Array(http.raw_body)
      : Buffer.from(http.body ?? '', 'utf8');
  return {
    ok: true,
    raw: {
      role,
      requestId: headers['x-request-id'] ?? http.id ?? fallbackId(),
      method: http.method.toUpperCase(),
      scheme: (http.scheme ?? headers[':scheme'] ?? 'https').toLowerCase(),
      authority,
      path,
      headers,
      body,
      bodyPartial: headers[PARTIAL_BODY_HEADER] === 'true',
      sourcePrincipal: attrs?.source?.principal ?? '',
      sourceAddress: attrs?.source?.address?.socket_address?.address ?? '',
      destinationPrincipal: attrs?.destination?.principal ?? '',
      receivedAtMs,
    },
  };
}
