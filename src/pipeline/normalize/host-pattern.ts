/** Host patterns as written in policy lists: an exact name, or `*.suffix` for strict subdomains. */

/** True when `host` (lower-case, no port) matches one of the patterns. */
export function hostMatchesAny(host: string, patterns: readonly string[]): boolean {
  const lower = host.toLowerCase();
  const h = lower.endsWith('.') ? lower.slice(0, -1) : lower;
  for (const p of patterns) {
    const pattern = p.toLowerCase();
    if (pattern.startsWith('*.')) {
      // "*.example.com" covers a.example.com, not example.com nor badexample.com.
      if (h.endsWith(pattern.slice(1)) && h.length > pattern.length - 1) return true;
    } else if (h === pattern) {
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
