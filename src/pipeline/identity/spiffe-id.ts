/** SPIFFE ID parsing by the SPIFFE spec's rules: compared structurally, never by string prefix. */
import type { BoundedCache } from '../normalize/bounded-cache.js';

export interface SpiffeId {
  readonly trustDomain: string;
  readonly segments: readonly string[];
  /** The Kubernetes namespace and service account for Istio's `/ns/<ns>/sa/<sa>` form, else null. */
  readonly namespace: string | null;
  readonly serviceAccount: string | null;
}

const MAX_LENGTH = 2048;
const TRUST_DOMAIN = /^[a-z0-9._-]+$/;
const SEGMENT = /^[A-Za-z0-9._-]+$/;

function parse(text: string): SpiffeId | null {
  if (!text.startsWith('spiffe://') || text.length > MAX_LENGTH) return null;
  const rest = text.slice('spiffe://'.length);
  const slash = rest.indexOf('/');
  const trustDomain = slash === -1 ? rest : rest.slice(0, slash);
  if (trustDomain.length === 0 || !TRUST_DOMAIN.test(trustDomain)) return null;
  const segments = slash === -1 ? [] : rest.slice(slash + 1).split('/');
  for (const s of segments) {
    if (!SEGMENT.test(s) || s === '.' || s === '..') return null;
  }
  const istio = segments.length === 4 && segments[0] === 'ns' && segments[2] === 'sa';
  return Object.freeze({
    trustDomain,
    segments: Object.freeze(segments),
    namespace: istio ? (segments[1] ?? null) : null,
    serviceAccount: istio ? (segments[3] ?? null) : null,
  });
}

/**
 * Parses `spiffe://trust-domain/path`; returns null for anything the spec does not allow. Frozen, so a
 * caller's `memo` (a workload's few principals recur on every call) can share values safely.
 */
export function parseSpiffeId(text: string, memo?: BoundedCache<SpiffeId | null>): SpiffeId | null {
  return memo === undefined ? parse(text) : memo.get(text, parse);
}
