/** CheckRequest -> RawRequest. Maps only; anything unusable is reported as a reason code, not decided here. */
import type { ReasonCode } from '../pipeline/errors.js';
import type { RawRequest, Role } from '../pipeline/model/raw-request.js';
import type { CheckRequest, HttpRequestAttrs } from './envoy-types.js';

export type Mapped =
  | { readonly ok: true; readonly raw: RawRequest }
  | { readonly ok: false; readonly code: ReasonCode; readonly message: string };

/** Envoy marks a body it cut at max_request_bytes with this header. */
const PARTIAL_BODY_HEADER = 'x-envoy-auth-partial-body';

/**
 * A string field only where the message itself holds it. A decoded protobufjs message (what the check
 * role receives) inherits `''` for a field absent on the wire, where proto-loader's plain object had
 * nothing; `host ?? ':authority'` must tell the two apart, as it did.
 */
function own<K extends string>(o: Partial<Record<K, string>>, k: K): string | undefined {
  return Object.hasOwn(o, k) ? o[k] : undefined;
}

function headersOf(http: HttpRequestAttrs): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  const map = http.headers;
  if (map != null) for (const k of Object.keys(map)) out[k.toLowerCase()] = map[k]!;
  // Envoy sends header_map instead of headers when encode_raw_headers is on.
  const list = http.header_map?.headers;
  if (list != null) {
    for (const h of list) {
      const key = own(h, 'key');
      if (key === undefined) continue;
      const value =
        h.raw_value !== undefined && h.raw_value.length > 0 ? h.raw_value.toString('utf8') : (h.value ?? '');
      const k = key.toLowerCase();
      const prior = out[k];
      out[k] = prior === undefined ? value : `${prior},${value}`;
    }
  }
  return out;
}

/** Maps Envoy's CheckRequest (a plain object or a decoded protobufjs message) for a role to writ's RawRequest. */
export function mapCheckRequest(
  req: CheckRequest,
  role: Role,
  receivedAtMs: number,
  fallbackId: () => string,
): Mapped {
  const attrs = req.attributes;
  const http = attrs?.request?.http;
  // SECURITY: Istio also sends TCP-level checks; with no HTTP attributes there is nothing to govern.
  if (http == null || http.method === undefined || http.method === '') {
    return { ok: false, code: 'ERR_NO_HTTP_ATTRIBUTES', message: 'check request has no HTTP attributes' };
  }
  const headers = headersOf(http);
  const authority = (own(http, 'host') ?? headers[':authority'] ?? '').toLowerCase();
  const path = own(http, 'path') ?? headers[':path'] ?? '';
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
      requestId: headers['x-request-id'] ?? own(http, 'id') ?? fallbackId(),
      method: http.method.toUpperCase(),
      scheme: (own(http, 'scheme') ?? headers[':scheme'] ?? 'https').toLowerCase(),
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
