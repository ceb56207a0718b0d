/** Host allowlist matching: exact names or `*.suffix` globs, compared case-insensitively without a trailing dot. */

/** Lower-cases a host and drops a trailing dot and IPv6 brackets, so `API.github.com.` matches `api.github.com`. */
export function canonicalHost(host: string): string {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  while (h.endsWith('.')) h = h.slice(0, -1);
  return h;
}

/** True when `host` equals an entry or lies strictly under a `*.suffix` entry (`*.a.com` matches `x.a.com`, not `a.com`). */
export function hostMatches(host: string, patterns: readonly string[]): boolean {
  const h = canonicalHost(host);
  if (h === '') return false;
  for (const raw of patterns) {
    const p = canonicalHost(raw);
    if (p.startsWith('*.')) {
      const suffix = p.slice(1);
      if (h.length > suffix.length && h.endsWith(suffix)) return true;
    } else if (p !== '' && h === p) {
      return true;
    }
  }
  return false;
}
