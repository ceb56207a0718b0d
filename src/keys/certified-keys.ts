/**
 * Keys of other replicas, trusted the way an X.509 chain in `x5c` is: a token carries its signing key's
 * certification by the root (`wcrt`), and a verifier that trusts the root checks the certification and
 * then the token with the certified key. Verified certifications are cached (bounded LRU), so in steady
 * state a token from another replica costs one Ed25519 verification, as one from this replica does.
 */
import type { KeyObject } from 'node:crypto';
import { verifyCertification } from './key-events.js';
import type { CertifiedKey, CertifiedKeyCheck } from './signer.js';

/** Enough for every replica's current, next and retired keys with room for churn (rolling upgrades). */
export const DEFAULT_CERT_CACHE_SIZE = 256;

export class CertifiedKeys {
  /**
   * Verified certifications, least recently used first. Keyed by the certification itself: Map hashes
   * the string, and a hit is an exact match, so no collision can lend one certification another's key.
   * Only certifications that verified under a root are stored, so an attacker cannot fill it.
   */
  private readonly cache = new Map<string, { readonly ok: true; readonly key: CertifiedKey }>();

  constructor(
    /** Trusted root public keys by kid (the local root's, or the KMS key's from GetPublicKey). */
    private readonly roots: ReadonlyMap<string, KeyObject>,
    private readonly maxEntries = DEFAULT_CERT_CACHE_SIZE,
  ) {}

  /** The key `certification` vouches for, if a trusted root signed it; failures are not cached. */
  check(certification: string): CertifiedKeyCheck {
    const hit = this.cache.get(certification);
    if (hit !== undefined) {
      // Most recently used goes last (Map keeps insertion order).
      this.cache.delete(certification);
      this.cache.set(certification, hit);
      return hit;
    }
    const c = verifyCertification(certification, this.roots);
    if (!c.ok) return { ok: false, failure: c.failure, reason: c.reason };
    const entry = {
      ok: true,
      key: { kid: c.kid, key: c.key, nbf: c.claims.nbf, exp: c.claims.exp },
    } as const;
    if (this.cache.size >= this.maxEntries) {
      const oldest = this.cache.keys().next();
      if (oldest.done !== true) this.cache.delete(oldest.value);
    }
    this.cache.set(certification, entry);
    return entry;
  }

  /** Cached certifications (tests, metrics). */
  get size(): number {
    return this.cache.size;
  }
}
