/** URL reading for egress checks: scheme and host of a URL-ish string, tolerant of the tricks browsers accept. */

/** The scheme (lower-case, no colon; `''` when scheme-relative) and host (no brackets, port or userinfo). */
export interface UrlParts {
  readonly scheme: string;
  readonly host: string;
  readonly hasUserinfo: boolean;
}

const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]{0,30}):/;

// PERF: regexes are module constants: a literal inside a function allocates a new RegExp each time it runs.
const TAB_OR_NEWLINE = /[\t\n\r]/g;
const BACKSLASHES = /\\/g;
const LEADING_SLASHES = /^\/+/;
const SCHEME_CHAR = /[A-Za-z0-9+.-]/;
const URL_END = /[\s"'<>`]/;

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
  if (!rest.startsWith('//')) {
    // `https:evil.com` is read as `https://evil.com` by WHATWG parsers for special schemes.
    if (scheme === 'http' || scheme === 'https' || scheme === 'ftp' || scheme === 'ws' || scheme === 'wss')
      rest = `//${rest.replace(LEADING_SLASHES, '')}`;
    else return { scheme, host: '', hasUserinfo: false };
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
  if (
    scheme === '' ||
    scheme === 'http' ||
    scheme === 'https' ||
    scheme === 'ws' ||
    scheme === 'wss' ||
    scheme === 'ftp'
  ) {
    try {
      // WHATWG normalizes IDNA, case and the numeric IPv4 forms for special schemes.
      host = new URL(`http://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}/`).hostname;
    } catch {
      // Not a valid special-scheme host; classify the raw text.
    }
  }
  return { scheme, host: host.toLowerCase(), hasUserinfo };
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
