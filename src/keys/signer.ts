/** The signer interface: what signs execution tokens and checkpoints; local keys and KMS implement it. */
import type { KeyObject } from 'node:crypto';

/** A key that signs Ed25519 over the exact bytes given. Synchronous: it sits on the decision hot path. */
export interface Signer {
  /** The key id tokens carry in their `kid` header (RFC 7638 thumbprint of the public JWK). */
  readonly kid: string;
  readonly publicKey: KeyObject;
  sign(data: Uint8Array): Uint8Array;
}

/** Public keys that verifiers trust, by kid; rotation adds the next key before retiring the old one. */
export interface KeySet {
  get(kid: string): KeyObject | undefined;
}
