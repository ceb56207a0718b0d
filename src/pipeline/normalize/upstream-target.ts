/**
 * The method (and path) the upstream will run. Many frameworks let a request name another method than its own:
 * the `X-HTTP-Method-Override` family of headers (Google APIs, Express's method-override, ASP.NET) and a
 * `_method` query parameter, form field or JSON member (Rails, Laravel, Symfony). writ cannot know which of
 * these readings the upstream honours, so every one is part of the action: the most dangerous decides, and an
 * override that would make a dangerous wire method look safe (a DELETE "overridden" to GET) is refused.
 */
import { WritError } from '../errors.js';
import { isJsonObject, type JsonValue } from '../model/json.js';
import type { RawRequest } from '../model/raw-request.js';

/** Header names an override is read from, lower-case with `_` read as `-` (CGI and PHP fold the two). */
const OVERRIDE_HEADERS: ReadonlySet<string> = new Set([
  'x-http-method-override',
  'x-http-method',
  'x-method-override',
]);
/** Query, form and JSON names an override is read from, in the same folded form (`_method` is `-method`). */
const OVERRIDE_FIELDS: ReadonlySet<string> = new Set(['-method', ...OVERRIDE_HEADERS]);
/** An HTTP method token as frameworks accept it (RFC 9110 allows more; none of them does). */
const METHOD = /^[A-Za-z]{1,16}$/;
const UNDERSCORE = /_/g;

/** A name as frameworks compare it: case-insensitive, `_` and `-` alike. */
const folded = (name: string): string => name.toLowerCase().replace(UNDERSCORE, '-');

/**
 * How much a method can change: 0 safe (RFC 9110 §9.2.1), 2 DELETE, 1 anything else (an unknown method
 * is not assumed safe).
 */
function danger(method: string): number {
  switch (method) {
    case 'GET':
    case 'HEAD':
    case 'OPTIONS':
    case 'TRACE':
      return 0;
    case 'DELETE':
      return 2;
    default:
      return 1;
  }
}

function overrideOf(value: JsonValue, where: string): string {
  const text = typeof value === 'string' ? value.trim() : JSON.stringify(value);
  // Envoy joins repeated headers with `,`: two overrides are ambiguous, so neither is guessed at.
  if (!METHOD.test(text)) {
    throw new WritError(
      'ERR_BAD_REQUEST',
      `method override in ${where} is not one method: "${text.slice(0, 32)}"`,
    );
  }
  return text.toUpperCase();
}

function addValues(value: JsonValue, where: string, found: string[]): void {
  if (Array.isArray(value)) for (const v of value) found.push(overrideOf(v, where));
  else found.push(overrideOf(value, where));
}

/** Every override the request carries, in the order headers, query, body. Throws on one that is not a method. */
function overridesOf(raw: RawRequest, body: JsonValue): string[] {
  const found: string[] = [];
  for (const name of Object.keys(raw.headers)) {
    if (!OVERRIDE_HEADERS.has(folded(name))) continue;
    const v = raw.headers[name] ?? '';
    // An empty header names no method; every framework ignores it.
    if (v.trim() !== '') found.push(overrideOf(v, `the ${name} header`));
  }
  const q = raw.path.indexOf('?');
  if (q !== -1) {
    // URLSearchParams decodes names as a server does: `%5Fmethod` and `_method` are one field.
    for (const [k, v] of new URLSearchParams(raw.path.slice(q + 1)))
      if (OVERRIDE_FIELDS.has(folded(k))) found.push(overrideOf(v, `the ${k} query parameter`));
  }
  // The parsed body: form fields, multipart fields or a JSON object's top-level members.
  if (isJsonObject(body))
    for (const k of Object.keys(body))
      if (OVERRIDE_FIELDS.has(folded(k))) addValues(body[k] ?? null, `the ${k} body field`, found);
  return found;
}

/** What the request says about its method: the wire method, every override, and the one writ decides. */
export interface MethodReadings {
  /** The request's own method, upper-case. */
  readonly wire: string;
  /** Every override the request carries, upper-case, in the order found (headers, query, body). */
  readonly overrides: readonly string[];
  /** The method writ decides and binds: the override when there is one, else the wire method. */
  readonly decided: string;
}

/**
 * Reads the method from the wire and from every override (`body` is the parsed body: form, multipart or
 * JSON). Throws ERR_METHOD_OVERRIDE_DOWNGRADE when an override is safer than the wire method, and
 * ERR_BAD_REQUEST when an override is not one method or two overrides disagree.
 */
export function methodReadings(raw: RawRequest, body: JsonValue): MethodReadings {
  const wire = raw.method.toUpperCase();
  const overrides = overridesOf(raw, body);
  if (overrides.length === 0) return { wire, overrides, decided: wire };
  const distinct = new Set(overrides);
  if (distinct.size > 1)
    throw new WritError('ERR_BAD_REQUEST', `conflicting method overrides: ${[...distinct].join(', ')}`);
  const override = overrides[0]!;
  // SECURITY: an upstream that ignores the override runs the wire method. Deciding the safer override
  // would let github-read's GET allow a DELETE; the most dangerous reading must decide, so refuse.
  if (danger(override) < danger(wire))
    throw new WritError(
      'ERR_METHOD_OVERRIDE_DOWNGRADE',
      `a ${wire} request may not ask to be run as "${override}" (a method override may not make it safer)`,
    );
  return { wire, overrides, decided: override };
}

/**
 * Headers with which IIS's URL Rewrite and older Symfony route a request to another path than its own
 * (`X-Original-URL: /admin`). writ decides and binds `:path`, so a request carrying one is refused.
 */
const PATH_OVERRIDE_HEADERS: ReadonlySet<string> = new Set(['x-original-url', 'x-rewrite-url']);

/** Throws when the request names a path for the upstream other than its own. */
export function refusePathOverride(raw: RawRequest): void {
  for (const name of Object.keys(raw.headers)) {
    if (PATH_OVERRIDE_HEADERS.has(folded(name)))
      throw new WritError(
        'ERR_BAD_REQUEST',
        `the ${name} header would route the call to a path writ did not decide`,
      );
  }
}
