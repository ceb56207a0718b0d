/**
 * The shape of a CheckRequest real Envoy sends (envoy.service.auth.v3.AttributeContext.HttpRequest): header
 * keys lower-cased, `headers` or `header_map` (never both), `host` equal to `:authority`, one
 * `x-envoy-auth-partial-body` of exactly `true` or `false`, a `content-length` that is the body's. A request
 * of another shape came from a misconfigured or hostile proxy, and writ would read it differently from the
 * upstream: it is refused with its own code before anything is read from it.
 */
import type { ReasonCode } from '../pipeline/errors.js';
import type { HttpRequestAttrs } from './envoy-types.js';

/** Why a CheckRequest is not one Envoy sends. */
export interface ShapeProblem {
  readonly code: ReasonCode;
  readonly message: string;
}

/** One header as the CheckRequest carries it, its value decoded losslessly. */
export interface HeaderEntry {
  readonly key: string;
  readonly value: string;
}

/** Envoy marks a body it cut at max_request_bytes with this header, valued `true` or `false`. */
export const PARTIAL_BODY_HEADER = 'x-envoy-auth-partial-body';

/** An RFC 9110 token in lower case, or an HTTP/2 pseudo-header (`:authority`). */
const HEADER_NAME = /^:?[a-z0-9!#$%&'*+.^_`|~-]+$/;
/** Visible ASCII, space and tab: the field values every reader decodes alike (RFC 9110 §5.5 without obs-text). */
const SAFE_VALUE = /^[\t\x20-\x7e]*$/;
/** A content-length as one decimal number, no sign, no leading zero, no whitespace. */
const CONTENT_LENGTH = /^(?:0|[1-9][0-9]{0,15})$/;
/** Pseudo-headers that restate an HttpRequest field, and the field. */
const PSEUDO_FIELDS = [
  [':method', 'method'],
  [':path', 'path'],
  [':scheme', 'scheme'],
] as const;

const UNDERSCORE = /_/g;
const quoted = (s: string): string => JSON.stringify(s.slice(0, 64));
const problem = (code: ReasonCode, message: string): ShapeProblem => ({ code, message });

/** Whether a header_map byte value is printable ASCII (tab allowed). */
function safeBytes(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b !== 0x09 && (b < 0x20 || b > 0x7e)) return false;
  return true;
}

/** A string field only where the message itself holds it (a decoded message inherits `''`). */
function own<K extends string>(o: Partial<Record<K, string>>, k: K): string | undefined {
  return Object.hasOwn(o, k) ? o[k] : undefined;
}

/**
 * Every header of the request as sent, in order, or the problem that makes them unreadable: both header
 * fields set, an entry with both `value` and `raw_value`, a name Envoy never sends, a value that is not
 * printable ASCII (it could decode differently in writ and the upstream).
 */
export function headerEntries(http: HttpRequestAttrs): HeaderEntry[] | ShapeProblem {
  const map = http.headers;
  const list = http.header_map?.headers;
  const mapKeys = map == null ? [] : Object.keys(map);
  if (mapKeys.length > 0 && list != null && list.length > 0)
    return problem('ERR_HEADERS_AMBIGUOUS', 'the check request carries both headers and header_map');
  const out: HeaderEntry[] = [];
  for (const key of mapKeys) out.push({ key, value: map![key]! });
  for (const h of list ?? []) {
    const key = own(h, 'key');
    // An entry without a key names no header (proto-loader and protobufjs both drop it).
    if (key === undefined) continue;
    const raw = h.raw_value;
    const text = h.value ?? '';
    if (raw !== undefined && raw.length > 0) {
      if (text.length > 0)
        return problem('ERR_HEADERS_AMBIGUOUS', `header ${quoted(key)} carries both value and raw_value`);
      if (!safeBytes(raw))
        return problem('ERR_HEADER_VALUE_LOSSY', `header ${quoted(key)} has bytes outside printable ASCII`);
      out.push({ key, value: Buffer.from(raw).toString('latin1') });
    } else out.push({ key, value: text });
  }
  for (const { key, value } of out) {
    if (!HEADER_NAME.test(key))
      return problem('ERR_HEADER_NAME', `header name ${quoted(key)} is not one envoy sends`);
    // A string value with a replacement character, obs-text, NUL, CR or LF: lossy or smuggled.
    if (!SAFE_VALUE.test(value))
      return problem('ERR_HEADER_VALUE_LOSSY', `header ${quoted(key)} has a value outside printable ASCII`);
  }
  return out;
}

/** The values of every entry whose name is `name`. */
function valuesOf(entries: readonly HeaderEntry[], name: string): string[] {
  const out: string[] = [];
  for (const e of entries) if (e.key === name) out.push(e.value);
  return out;
}

/**
 * Checks the CheckRequest against what Envoy sends, given its decoded entries and body. Null when it is
 * Envoy's shape; otherwise the first problem found.
 */
export function shapeProblem(
  http: HttpRequestAttrs,
  entries: readonly HeaderEntry[],
  bodyLength: number,
): ShapeProblem | null {
  // The partial-body header: Envoy's own name, once, exactly true or false. Another spelling (`_` for `-`)
  // would be read by no one here and perhaps by the upstream's framework.
  for (const e of entries)
    if (e.key !== PARTIAL_BODY_HEADER && e.key.replace(UNDERSCORE, '-') === PARTIAL_BODY_HEADER)
      return problem('ERR_PARTIAL_BODY_HEADER', `header ${quoted(e.key)} imitates ${PARTIAL_BODY_HEADER}`);
  const partial = valuesOf(entries, PARTIAL_BODY_HEADER);
  if (partial.length > 1 || (partial.length === 1 && partial[0] !== 'true' && partial[0] !== 'false'))
    return problem(
      'ERR_PARTIAL_BODY_HEADER',
      `${PARTIAL_BODY_HEADER} must be one "true" or "false", got ${quoted(partial.join(','))}`,
    );
  // Envoy answers a cut body with the partial header; ERR_PARTIAL_BODY decides it, not the length.
  if (partial[0] !== 'true') {
    const lengths = valuesOf(entries, 'content-length');
    if (lengths.length > 1 || (lengths.length === 1 && !CONTENT_LENGTH.test(lengths[0]!)))
      return problem(
        'ERR_CONTENT_LENGTH_MISMATCH',
        `content-length must be one decimal number, got ${quoted(lengths.join(','))}`,
      );
    if (lengths.length === 1 && Number(lengths[0]) !== bodyLength)
      return problem(
        'ERR_CONTENT_LENGTH_MISMATCH',
        `content-length ${lengths[0]!} is not the ${bodyLength}-byte body writ was sent (is with_request_body on?)`,
      );
    if (lengths.length === 1 && valuesOf(entries, 'transfer-encoding').length > 0)
      return problem('ERR_CONTENT_LENGTH_MISMATCH', 'content-length and transfer-encoding together');
  }
  // The host: http.host is :authority as Envoy reads it; a host header, where present, must agree.
  const host = own(http, 'host');
  const authorities = valuesOf(entries, ':authority');
  const hostHeaders = valuesOf(entries, 'host');
  const names = [...(host === undefined ? [] : [host]), ...authorities, ...hostHeaders];
  if (authorities.length > 1 || hostHeaders.length > 1 || names.some((n) => n !== names[0]))
    return problem(
      'ERR_AUTHORITY_MISMATCH',
      `the request names more than one host: ${names.map(quoted).join(', ')}`,
    );
  for (const [pseudo, field] of PSEUDO_FIELDS) {
    const stated = own(http, field);
    const headers = valuesOf(entries, pseudo);
    if (headers.length > 1 || (stated !== undefined && headers.length === 1 && headers[0] !== stated))
      return problem(
        'ERR_PSEUDO_HEADER_MISMATCH',
        `http.${field} ${quoted(stated ?? '')} and ${pseudo} ${quoted(headers.join(','))} differ`,
      );
  }
  return null;
}
