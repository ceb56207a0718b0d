/** URL reading for egress checks: scheme and host of a URL-ish string, tolerant of the tricks browsers accept. */

/** The scheme (lower-case, no colon; `''` when scheme-relative) and host (no brackets, port or userinfo). */
export interface UrlParts {
  readonly scheme: string;
  readonly host: string;
  readonly hasUserinfo: boolean;
}

const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]{0,30}):/;
/** WHATWG's special schemes (those with a host), minus `file`, whose host is not a network destination. */
const SPECIAL_SCHEMES = new Set(['http', 'https', 'ws', 'wss', 'ftp']);

// PERF: regexes are module constants: a literal inside a function allocates a new RegExp each time it runs.
const TAB_OR_NEWLINE = /[\t\n\r]/g;
const BACKSLASHES = /\\/g;
const LEADING_SLASHES = /^\/+/;
const SCHEME_CHAR = /[A-Za-z0-9+.-]/;
const URL_END = /[\s"'<>`]/;
const HOST_DELIMITER = /[\\/?#@\s]/;
/** `scheme://authority` then `/`, `?`, `#` or the end, with no `\`, `@`, `%`, space or control in the authority. */
// WHATWG trims and drops C0 controls, so an authority holding one is not plain.
// eslint-disable-next-line no-control-regex
const PLAIN_URL = /^[a-zA-Z][a-zA-Z0-9+.-]{0,30}:\/\/[^/\\@%?#\x00-\x20\x7f]+(?:[/?#]|$)/;

/** Where the authority of `//authority...` ends: the first `/`, `?` or `#` after the `//`, else the end. */
function authorityEndOf(rest: string): number {
  for (let k = 2; k < rest.length; k++) {
    const c = rest.charCodeAt(k);
    if (c === 47 || c === 63 || c === 35) return k;
  }
  return rest.length;
}

/** Reads scheme and host from an absolute or scheme-relative URL; null when the text is not one. */
export function readUrl(raw: string): UrlParts | null {
  // Browsers and many HTTP clients treat `\` as `/`, drop tabs and newlines, and trim spaces.
  const text = raw.trim().replace(TAB_OR_NEWLINE, '').replace(BACKSLASHES, '/');
  const m = SCHEME.exec(text);
  let scheme = '';
  let rest = text;
  if (m !== null) {
    scheme = (m[1] ?? '').toLowerCase();
    rest = text.slice(m[0].length);
  } else if (!rest.startsWith('//')) {
    return null;
  }
  const special = SPECIAL_SCHEMES.has(scheme);
  if (!rest.startsWith('//')) {
    // `https:evil.com` is read as `https://evil.com` by WHATWG parsers for special schemes.
    if (special) rest = `//${rest.replace(LEADING_SLASHES, '')}`;
    else return { scheme, host: '', hasUserinfo: false };
  } else if (special || scheme === '') {
    // WHATWG skips every slash before a special URL's authority: `https:///evil.com` goes to evil.com.
    rest = `//${rest.replace(LEADING_SLASHES, '')}`;
  }
  const authorityEnd = authorityEndOf(rest);
  let authority = rest.slice(2, authorityEnd);
  const at = authority.lastIndexOf('@');
  const hasUserinfo = at !== -1;
  if (hasUserinfo) authority = authority.slice(at + 1);
  let host: string;
  if (authority.startsWith('[')) {
    const close = authority.indexOf(']');
    host = close === -1 ? authority : authority.slice(0, close + 1);
  } else {
    const colon = authority.lastIndexOf(':');
    host = colon === -1 ? authority : authority.slice(0, colon);
  }
  try {
    host = decodeURIComponent(host);
  } catch {
    // Keep the raw host: a broken escape is itself suspicious but not an address.
  }
  if (scheme === '' || special) {
    try {
      // WHATWG normalizes IDNA, case and the numeric IPv4 forms for special schemes.
      host = new URL(`http://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}/`).hostname;
    } catch {
      // Not a valid special-scheme host; classify the raw text.
    }
  }
  return { scheme, host: host.toLowerCase(), hasUserinfo };
}

/** Scheme-relative references are resolved against this; a result on its host named no host of its own. */
const RELATIVE_HOST = 'relative-base.invalid';
const RELATIVE_BASE = `https://${RELATIVE_HOST}/`;

/** The WHATWG URL parser's reading (Node's `fetch`, browsers), or null when it rejects the text. */
function whatwgReading(raw: string): UrlParts | null {
  const text = raw.trim().replace(TAB_OR_NEWLINE, '');
  const absolute = SCHEME.test(text);
  let url: URL;
  try {
    url = absolute ? new URL(text) : new URL(text, RELATIVE_BASE);
  } catch {
    return null;
  }
  if (!absolute && url.hostname === RELATIVE_HOST) return null;
  return {
    scheme: url.protocol.slice(0, -1),
    host: url.hostname.toLowerCase(),
    hasUserinfo: url.username !== '' || url.password !== '',
  };
}

/**
 * RFC 3986's reading, as Python's urllib, Go's net/url and curl apply it: no `\` is a slash, the authority
 * runs from `//` to the first `/`, `?` or `#`, and the host follows its last `@`.
 */
function rfc3986Reading(raw: string): UrlParts | null {
  const text = raw.trim();
  const m = SCHEME.exec(text);
  if (m === null) return null;
  const rest = text.slice(m[0].length);
  if (!rest.startsWith('//')) return null;
  let authority = rest.slice(2, authorityEndOf(rest));
  const at = authority.lastIndexOf('@');
  if (at !== -1) authority = authority.slice(at + 1);
  let host = authority;
  if (authority.startsWith('[')) {
    const close = authority.indexOf(']');
    host = close === -1 ? authority : authority.slice(0, close + 1);
  } else {
    const colon = authority.lastIndexOf(':');
    if (colon !== -1) host = authority.slice(0, colon);
  }
  return { scheme: (m[1] ?? '').toLowerCase(), host: canonicalNetworkHost(host), hasUserinfo: at !== -1 };
}

/** A host in WHATWG's form (case, IDNA, numeric IPv4 spellings), so equal hosts compare equal; else as is. */
function canonicalNetworkHost(host: string): string {
  // A delimiter WHATWG would split on is part of this reading's host; keep it rather than re-parse it away.
  if (HOST_DELIMITER.test(host)) return host.toLowerCase();
  try {
    return new URL(`http://${host}/`).hostname;
  } catch {
    return host.toLowerCase();
  }
}

/**
 * Every destination a URL can mean to the clients that may fetch it: writ's tolerant reading (above), the
 * WHATWG parser's and RFC 3986's. They differ only on crafted input (`https:///evil`, `\@`, extra `@`s),
 * and an egress check must hold for each client's reading, so all distinct hosts are returned.
 */
export function readUrlHosts(raw: string): UrlParts[] {
  // PERF: with exactly `//` before the host and no `\`, `@`, `%`, space or control in the authority, every
  // reading finds the same host (test/inspect/url-readings.prop.test.ts holds it to WHATWG's); one reading does.
  if (PLAIN_URL.test(raw)) {
    const parts = readUrl(raw);
    return parts === null ? [] : [parts];
  }
  const out: UrlParts[] = [];
  for (const parts of [readUrl(raw), whatwgReading(raw), rfc3986Reading(raw)]) {
    if (parts === null) continue;
    if (out.some((p) => p.host === parts.host)) continue;
    // A reading with no host adds nothing when another found one.
    if (parts.host === '' && out.length > 0) continue;
    out.push(parts);
  }
  // Drop an empty-host reading made before a later one found the host.
  return out.length > 1 ? out.filter((p) => p.host !== '') : out;
}

/** Every `scheme://...` URL inside free text, found with a linear scan for `://`. */
export function findUrlsInText(text: string, max = 64): string[] {
  const out: string[] = [];
  let i = text.indexOf('://');
  while (i !== -1 && out.length < max) {
    let s = i;
    while (s > 0 && s > i - 32 && SCHEME_CHAR.test(text[s - 1] ?? '')) s--;
    let e = i + 3;
    while (e < text.length && e < i + 2048 && !URL_END.test(text[e] ?? ' ')) e++;
    if (s < i) out.push(text.slice(s, e));
    i = text.indexOf('://', e);
  }
  return out;
}
