/** CheckRequest -> RawRequest. Maps only; anything unusable is reported as a reason code, not decided here. */
import type { ReasonCode } from '../pipeline/errors.js';
import type { RawRequest, Role } from '../pipeline/model/raw-request.js';
import { headerEntries, PARTIAL_BODY_HEADER, shapeProblem, type HeaderEntry } from './envoy-shape.js';
import type { CheckRequest } from './envoy-types.js';

export type Mapped =
  | { readonly ok: true; readonly raw: RawRequest }
  | { readonly ok: false; readonly code: ReasonCode; readonly message: string };

/**
 * A string field only where the message itself holds it. A decoded protobufjs message (what the check
 * role receives) inherits `''` for a field absent on the wire, where proto-loader's plain object had
 * nothing; `host ?? ':authority'` must tell the two apart, as it did.
 */
function own<K extends string>(o: Partial<Record<K, string>>, k: K): string | undefined {
  return Object.hasOwn(o, k) ? o[k] : undefined;
}

/** The headers as the pipeline reads them: one value per name, repeated raw headers joined by `,` as Envoy joins them. */
function headersOf(entries: readonly HeaderEntry[]): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const { key, value } of entries) {
    const prior = out[key];
    out[key] = prior === undefined ? value : `${prior},${value}`;
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
  const entries = headerEntries(http);
  if (!Array.isArray(entries)) return { ok: false, ...entries };
  const body =
    http.raw_body !== undefined && http.raw_body.length > 0
      ? new Uint8Array(http.raw_body)
      : Buffer.from(http.body ?? '', 'utf8');
  // SECURITY: a request Envoy would not send is refused before any of its readings is trusted.
  const wrongShape = shapeProblem(http, entries, body.length);
  if (wrongShape !== null) return { ok: false, ...wrongShape };
  const headers = headersOf(entries);
  const authority = (own(http, 'host') ?? headers[':authority'] ?? '').toLowerCase();
  const path = own(http, 'path') ?? headers[':path'] ?? '';
  if (authority === '' || path === '') {
    return { ok: false, code: 'ERR_BAD_REQUEST', message: 'check request lacks host or path' };
  }
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
