/**
 * The method (and path) the upstream will run. Many frameworks let a request name another method than its own:
 * the `X-HTTP-Method-Override` family of headers (Google APIs, Express's method-override, ASP.NET) and,
 * for a POST, a `_method` query parameter or form field (Rails, Laravel, Symfony). A POST decided as a POST
 * but run as a DELETE would dodge every rule on the method, so writ decides, and binds, the overriding one.
 */
import { WritError } from '../errors.js';
import type { RawRequest } from '../model/raw-request.js';
import { contentCodings } from './content-encoding.js';

const OVERRIDE_HEADERS = ['x-http-method-override', 'x-http-method', 'x-method-override'];
/** An HTTP method token as frameworks accept it (RFC 9110 allows more; none of them does). */
const METHOD = /^[A-Za-z]{1,16}$/;
const FORM = /^application\/x-www-form-urlencoded\s*(?:;|$)/i;
/** Every `_method` field: a second one with another value is as ambiguous as two override headers. */
const METHOD_FIELDS = /(?:^|&)_method=([^&]*)/g;

function overrideOf(text: string, where: string): string {
  const value = text.trim();
  // Envoy joins repeated headers with `,`: two overrides are ambiguous, so neither is guessed at.
  if (!METHOD.test(value)) {
    throw new WritError(
      'ERR_BAD_REQUEST',
      `method override in ${where} is not one method: "${value.slice(0, 32)}"`,
    );
  }
  return value.toUpperCase();
}

const PLUS = /\+/g;

function decodeField(value: string): string {
  try {
    return decodeURIComponent(value.replace(PLUS, ' '));
  } catch {
    return value;
  }
}

function addFields(text: string, where: string, found: Set<string>): void {
  for (const m of text.matchAll(METHOD_FIELDS)) found.add(overrideOf(decodeField(m[1] ?? ''), where));
}

/** The upper-case method the upstream runs: the request's own, or the override it carries. Throws on ambiguity. */
export function effectiveMethod(raw: RawRequest): string {
  const own = raw.method.toUpperCase();
  const found = new Set<string>();
  for (const name of OVERRIDE_HEADERS) {
    const v = raw.headers[name];
    if (v !== undefined && v.trim() !== '') found.add(overrideOf(v, `the ${name} header`));
  }
  if (own === 'POST') {
    const q = raw.path.indexOf('?');
    if (q !== -1) addFields(raw.path.slice(q + 1), 'the _method query parameter', found);
    if (FORM.test(raw.headers['content-type'] ?? '') && raw.body.length > 0) {
      // Read compressed, a `_method` field would stay hidden from writ and not from the upstream.
      if (contentCodings(raw).length > 0)
        throw new WritError(
          'ERR_BAD_REQUEST',
          'an encoded form body could carry a _method override writ cannot see',
        );
      const text = Buffer.from(raw.body.buffer, raw.body.byteOffset, raw.body.length).toString('latin1');
      addFields(text, 'the _method form field', found);
    }
  }
  if (found.size === 0) return own;
  if (found.size > 1)
    throw new WritError('ERR_BAD_REQUEST', `conflicting method overrides: ${[...found].join(', ')}`);
  return [...found][0]!;
}

/**
 * Headers with which IIS's URL Rewrite and older Symfony route a request to another path than its own
 * (`X-Original-URL: /admin`). writ decides and binds `:path`, so a request carrying one is refused.
 */
const PATH_OVERRIDE_HEADERS = ['x-original-url', 'x-rewrite-url'];

/** Throws when the request names a path for the upstream other than its own. */
export function refusePathOverride(raw: RawRequest): void {
  for (const name of PATH_OVERRIDE_HEADERS) {
    if (raw.headers[name] !== undefined)
      throw new WritError(
        'ERR_BAD_REQUEST',
        `the ${name} header would route the call to a path writ did not decide`,
      );
  }
}
