/**
 * Batch signatures a verifier has checked, so the other tokens of a turn cost hashing, not another Ed25519
 * verification (docs/canonical-action.md, "One signature per turn"). Owned by one token codec.
 */
import type { KeyObject } from 'node:crypto';

/** Roots remembered at most; the oldest unused goes first. */
export const MAX_VERIFIED_BATCHES = 1024;

interface Entry {
  /** The key the signature verified under: a hit needs the very key the token resolves to now. */
  readonly key: KeyObject;
  /** Seconds: the end of the key's certified window (Infinity for a key of this replica's own set). */
  readonly notAfter: number;
}

export class VerifiedBatches {
  /**
   * Keyed by the exact signed text and the signature, `h.P.s`: the header names the key id (and carries its
   * certification), the payload the root and the batch size. A hit is an exact string match, so no token
   * can borrow another batch's verification; only signatures that verified are ever stored.
   */
  readonly #entries = new Map<string, Entry>();

  constructor(private readonly maxEntries = MAX_VERIFIED_BATCHES) {}

  /** Whether this signature was verified under `key`, and the key's certification still covers `nowS`. */
  has(signed: string, key: KeyObject, nowS: number): boolean {
    const hit = this.#entries.get(signed);
    if (hit === undefined) return false;
    if (hit.key !== key || nowS > hit.notAfter) {
      this.#entries.delete(signed);
      return false;
    }
    // Most recently used goes last (Map keeps insertion order).
    this.#entries.delete(signed);
    this.#entries.set(signed, hit);
    return true;
  }

  /** Records a signature that has just verified under `key` (never call it before the verification). */
  add(signed: string, key: KeyObject, notAfter: number): void {
    if (this.#entries.size >= this.maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
    this.#entries.set(signed, { key, notAfter });
  }

  /** Remembered signatures (tests, metrics). */
  get size(): number {
    return this.#entries.size;
  }
}
