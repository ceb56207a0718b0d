/** The signer interface: what signs execution tokens and checkpoints; local keys and KMS implement it. */
import type { KeyObject } from 'node:crypto';

/** A key that signs Ed25519 over the exact bytes given. Synchronous: it sits on the decision hot path. */
export interface Signer {
  /** The key id tokens carry in their `kid` header (RFC 7638 thumbprint of the public JWK). */
  readonly kid: string;
  readonly publicKey: KeyObject;
  /**
   * The root's certification of this key (compact `key-cert+jwt`), which tokens carry in their `wcrt`
   * header so any replica trusting the root verifies them; absent or null when the root signs itself.
   */
  readonly certification?: string | null;
  sign(data: Uint8Array): Uint8Array;
}

/** A short-lived key another replica signs with, as its certification by a trusted root states it. */
export interface CertifiedKey {
  /** RFC 7638 thumbprint of `key`, which the certification names as its `sub`. */
  readonly kid: string;
  readonly key: KeyObject;
  /** Seconds: the key may sign tokens issued (`iat`) from nbf to exp. */
  readonly nbf: number;
  readonly exp: number;
}

export type CertifiedKeyCheck =
  | { readonly ok: true; readonly key: CertifiedKey }
  | { readonly ok: false; readonly failure: 'invalid' | 'untrusted'; readonly reason: string };

/** Public keys that verifiers trust, by kid; rotation adds the next key before retiring the old one. */
export interface KeySet {
  get(kid: string): KeyObject | undefined;
  /**
   * Checks a token's `wcrt` certification against the trusted root keys, for a kid `get` does not know
   * (a token minted by another replica). Absent: only the set's own keys verify.
   */
  certified?(certification: string): CertifiedKeyCheck;
}
