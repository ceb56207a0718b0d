/** Local Ed25519 signing key: loaded from a PEM file, or generated on first run (mode 0600). */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  type KeyObject,
} from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { KeySet, Signer } from './signer.js';

/** The RFC 7638 JWK thumbprint of an Ed25519 public key, used as its kid. */
export function ed25519Thumbprint(publicKey: KeyObject): string {
  const jwk = publicKey.export({ format: 'jwk' });
  // RFC 7638: the required members in lexicographic order, no whitespace.
  const json = `{"crv":"Ed25519","kty":"OKP","x":"${jwk.x ?? ''}"}`;
  return createHash('sha256').update(json).digest('base64url');
}

/** A Signer over an in-memory Ed25519 private key (node:crypto: about 9x faster than pure JS here). */
export function signerFromPrivateKey(privateKey: KeyObject): Signer {
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new TypeError('signing key must be Ed25519');
  const publicKey = createPublicKey(privateKey);
  return {
    kid: ed25519Thumbprint(publicKey),
    publicKey,
    sign: (data) => sign(null, data, privateKey),
  };
}

/** Loads the PEM key at `file`, or creates one there (directory 0700, file 0600) if none exists. */
export function loadOrCreateLocalKey(file: string): Signer {
  if (existsSync(file)) {
    return signerFromPrivateKey(createPrivateKey(readFileSync(file)));
  }
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const { privateKey } = generateKeyPairSync('ed25519');
  // 'wx': never overwrite a key another process created a moment ago.
  writeFileSync(file, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return signerFromPrivateKey(privateKey);
}

/** A key set over fixed public keys (the local signer's, plus any configured extra ones). */
export function staticKeySet(keys: readonly KeyObject[]): KeySet {
  const byKid = new Map(keys.map((k) => [ed25519Thumbprint(k), k] as const));
  return { get: (kid) => byKid.get(kid) };
}
