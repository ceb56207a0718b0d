/** Structural SPIFFE ID comparisons: trust domain and path segments one by one, never string prefixes. */
import type { SpiffeId } from './spiffe-id.js';

/** Renders a parsed SPIFFE ID back to its canonical text. */
export function formatSpiffeId(id: SpiffeId): string {
  return id.segments.length === 0
    ? `spiffe://${id.trustDomain}`
    : `spiffe://${id.trustDomain}/${id.segments.join('/')}`;
}

/** Whether two SPIFFE IDs are the same: same trust domain and the same path segments, one by one. */
export function sameSpiffeId(a: SpiffeId, b: SpiffeId): boolean {
  return (
    a.trustDomain === b.trustDomain &&
    a.segments.length === b.segments.length &&
    a.segments.every((s, i) => s === b.segments[i])
  );
}

/** Whether `id` is `base` or lies under it, segment by segment (never a string prefix: `/ns/a` is not under `/ns/ab`). */
export function isUnderSpiffeId(id: SpiffeId, base: SpiffeId): boolean {
  return (
    id.trustDomain === base.trustDomain &&
    id.segments.length >= base.segments.length &&
    base.segments.every((s, i) => s === id.segments[i])
  );
}

/** Whether the ID's trust domain is one of the trusted ones, compared as parsed names, exactly. */
export function isTrustedDomain(id: SpiffeId, trusted: readonly string[]): boolean {
  // INVARIANT: parseSpiffeId only admits lowercase trust domains, so exact equality is the spec's comparison.
  return trusted.some((td) => td === id.trustDomain);
}
