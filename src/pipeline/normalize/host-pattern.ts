/**
 * The one host matcher: whether a host is one of a policy list's entries (`internal_domains`,
 * `egress_allowlist`, per-host header rules), an exact name or `*.suffix` for strict subdomains. Normalize
 * (`resource.external`), the inspectors (exfiltration, cross-trust-boundary, ssrf-egress) and the token's
 * header binding all ask it, so no two parts of writ read one list differently.
 */

/**
 * A host or pattern as compared: lower-case, one trailing root dot dropped (`api.corp.example.` is the
 * fully qualified `api.corp.example`). Nothing else is forgiven: brackets, spaces and further dots stay.
 */
export function canonicalHost(host: string): string {
  const lower = host.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

/** A host with an empty label (`a..b`, `.a`, a second trailing dot) or blank characters names no entry. */
const MALFORMED = /(?:^|\.)(?:\.|$)|\s/;

/**
 * True when `host` equals an entry or lies strictly under a `*.suffix` entry (`*.a.com` matches `x.a.com`,
 * not `a.com` nor `xa.com`). SECURITY: the stricter reading wherever two could differ, since a match means
 * "inside the boundary" or "allowed": `api.corp.example..` matches no entry (it is no valid name), and an
 * IPv6 literal matches only as written (`[::1]` is not the entry `::1`).
 */
export function hostMatches(host: string, patterns: readonly string[]): boolean {
  const h = canonicalHost(host);
  if (h === '' || MALFORMED.test(h)) return false;
  for (const raw of patterns) {
    const p = canonicalHost(raw);
    if (p.startsWith('*.')) {
      const suffix = p.slice(1);
      if (suffix.length > 1 && h.length > suffix.length && h.endsWith(suffix)) return true;
    } else if (p !== '' && h === p) {
      return true;
    }
  }
  return false;
}

/** The domain part of an e-mail address, lower-case, or null when it has none. */
export function emailDomain(address: string): string | null {
  const at = address.lastIndexOf('@');
  return at === -1 ? null : address.slice(at + 1).toLowerCase();
}
