/** The memos normalization keeps for one pipeline: authorities and principals that recur on every call. */
import { BoundedCache } from './bounded-cache.js';
import type { SpiffeId } from '../identity/spiffe-id.js';

/** A parsed `:authority`: host (lower-cased) and port. */
export interface Authority {
  readonly host: string;
  readonly port: number | null;
}

/**
 * Owned by one pipeline (through its NormalizeConfig), never by a module. Bounded as before: a workload
 * talks to a handful of upstreams and has a few principals; churned input costs a recompute, not memory.
 */
export class NormalizeMemo {
  /** Parsed authorities; a malformed authority throws and is never stored. */
  readonly authorities = new BoundedCache<Authority>(256, 255);
  /** Parsed source principals (values frozen). */
  readonly spiffeIds = new BoundedCache<SpiffeId | null>(256, 2048);
}
