/**
 * Envoy `x-forwarded-client-cert` parsing. Only the LAST element is trusted: with Istio's default
 * APPEND_FORWARD every earlier element arrived from the client and is attacker controlled.
 */
import { fail, quote, type IdentityFailure } from './identity-errors.js';
import { parseSpiffeId } from './spiffe-id.js';
import { sameSpiffeId } from './spiffe-match.js';

/** One `key=value` pair of an XFCC element, value unquoted and unescaped. */
export interface XfccPair {
  readonly key: string;
  readonly value: string;
}

/** The keys Envoy emits; the trusted element may carry no other. */
const KNOWN_KEYS: ReadonlySet<string> = new Set(['By', 'Hash', 'Cert', 'Chain', 'Subject', 'URI', 'DNS']);
const KEY = /^[A-Za-z]+$/;
// Certificates can be forwarded (Cert, Chain), so allow a generous but bounded header.
const MAX_LENGTH = 64 * 1024;

/** Splits an XFCC header into elements of pairs; quote-aware, so a comma or `;` inside quotes is data. */
export function parseXfcc(header: string): { ok: true; elements: XfccPair[][] } | IdentityFailure {
  if (header.length > MAX_LENGTH) return fail('ERR_XFCC_MALFORMED', `header longer than ${MAX_LENGTH} bytes`);
  const elements: XfccPair[][] = [];
  let pairs: XfccPair[] = [];
  let i = 0;
  const n = header.length;
  const skipSpace = (): void => {
    while (i < n && (header[i] === ' ' || header[i] === '\t')) i++;
  };
  for (;;) {
    skipSpace();
    const eq = header.indexOf('=', i);
    if (eq === -1) return fail('ERR_XFCC_MALFORMED', `missing "=" at offset ${i}`);
    const key = header.slice(i, eq);
    if (!KEY.test(key)) return fail('ERR_XFCC_MALFORMED', `invalid key ${quote(key)} at offset ${i}`);
    i = eq + 1;
    let value = '';
    if (header[i] === '"') {
      i++;
      let closed = false;
      while (i < n) {
        const c = header[i];
        if (c === '\\') {
          // Envoy escapes a quote inside a value as \"; take the next character literally.
          if (i + 1 >= n) break;
          value += header[i + 1];
          i += 2;
        } else if (c === '"') {
          closed = true;
          i++;
          break;
        } else {
          value += c;
          i++;
        }
      }
      // SECURITY: an unterminated quote would swallow the proxy's own element; reject the whole header.
      if (!closed) return fail('ERR_XFCC_MALFORMED', `unterminated quoted value for key ${quote(key)}`);
    } else {
      const start = i;
      while (i < n && header[i] !== ';' && header[i] !== ',') {
        const c = header.charCodeAt(i);
        if (c === 0x22 || c === 0x5c || c < 0x20 || c === 0x7f) {
          return fail('ERR_XFCC_MALFORMED', `invalid character in value of key ${quote(key)}`);
        }
        i++;
      }
      value = header.slice(start, i).trimEnd();
    }
    pairs.push({ key, value });
    skipSpace();
    if (i >= n) {
      elements.push(pairs);
      return { ok: true, elements };
    }
    const sep = header[i];
    i++;
    if (sep === ',') {
      elements.push(pairs);
      pairs = [];
    } else if (sep !== ';') {
      return fail('ERR_XFCC_MALFORMED', `expected ";" or "," at offset ${i - 1}`);
    }
  }
}

/** The client URI from the element the adjacent proxy appended (the last one), optionally checking its `By`. */
export function lastXfccUri(
  header: string,
  trustedProxy?: string,
): { ok: true; uri: string; by: string | null } | IdentityFailure {
  if (header.length === 0) return fail('ERR_XFCC_MALFORMED', 'empty x-forwarded-client-cert header');
  const parsed = parseXfcc(header);
  if (!parsed.ok) return parsed;
  const last = parsed.elements[parsed.elements.length - 1] ?? [];
  const uris: string[] = [];
  const bys: string[] = [];
  for (const { key, value } of last) {
    if (!KNOWN_KEYS.has(key))
      return fail('ERR_XFCC_MALFORMED', `unknown key ${quote(key)} in the trusted element`);
    if (key === 'URI') uris.push(value);
    if (key === 'By') bys.push(value);
  }
  // A SPIFFE SVID has exactly one URI SAN; several are ambiguous and an injection signal.
  if (uris.length === 0) return fail('ERR_XFCC_NO_URI', 'the trusted element has no URI');
  if (uris.length > 1) return fail('ERR_XFCC_AMBIGUOUS_URI', `the trusted element has ${uris.length} URIs`);
  if (bys.length > 1) return fail('ERR_XFCC_MALFORMED', 'the trusted element has more than one By');
  const by = bys[0] ?? null;
  if (trustedProxy !== undefined) {
    const want = parseSpiffeId(trustedProxy);
    const got = by === null ? null : parseSpiffeId(by);
    if (want === null) throw new TypeError(`trustedProxy ${quote(trustedProxy)} is not a spiffe id`);
    if (got === null || !sameSpiffeId(got, want)) {
      return fail(
        'ERR_XFCC_UNTRUSTED_PROXY',
        `element appended by ${quote(by ?? '')}, not the trusted proxy`,
      );
    }
  }
  return { ok: true, uri: uris[0] ?? '', by };
}
