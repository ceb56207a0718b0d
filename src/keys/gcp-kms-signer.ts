/**
 * Google Cloud KMS as writ's root key: an `EC_SIGN_ED25519` key version signing the data itself
 * (`asymmetricSign` with `data`, PureEdDSA) through the official client, with the CRC32C integrity
 * checks Google documents. It only certifies short-lived keys (key-ring.ts).
 */
import { createPublicKey, verify as edVerify } from 'node:crypto';
import { KeyManagementServiceClient } from '@google-cloud/kms';
import { ed25519Thumbprint } from './local-key.js';
import type { RootSigner } from './key-ring.js';

/** Client options as `@google-cloud/kms` takes them (apiEndpoint, port, sslCreds, credentials...). */
export type GcpKmsClientOptions = ConstructorParameters<typeof KeyManagementServiceClient>[0];

export interface GcpKmsSignerOptions {
  /** `projects/P/locations/L/keyRings/R/cryptoKeys/K/cryptoKeyVersions/V`. */
  readonly keyVersion: string;
  readonly client?: GcpKmsClientOptions;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1; // Castagnoli, reflected
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC32C (Castagnoli), as Cloud KMS uses for request and response integrity. */
export function crc32c(data: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of data) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const asNumber = (v: unknown): number | undefined => {
  const value = (v as { value?: unknown } | null | undefined)?.value;
  return value === undefined || value === null ? undefined : Number(value);
};

/** Connects to the key version, checks it is EC_SIGN_ED25519, and returns a RootSigner over it. */
export async function createGcpKmsSigner(
  opts: GcpKmsSignerOptions,
): Promise<RootSigner & { close(): Promise<void> }> {
  const client = new KeyManagementServiceClient(opts.client);
  const [pub] = await client.getPublicKey({ name: opts.keyVersion });
  if (pub.algorithm !== 'EC_SIGN_ED25519')
    throw new Error(`Cloud KMS key "${opts.keyVersion}" is ${String(pub.algorithm)}, not EC_SIGN_ED25519`);
  if (typeof pub.pem !== 'string') throw new Error('Cloud KMS returned no PEM public key');
  const pemCrc = asNumber(pub.pemCrc32c);
  if (pemCrc !== undefined && pemCrc !== crc32c(Buffer.from(pub.pem, 'utf8')))
    throw new Error('Cloud KMS public key failed its CRC32C check');
  const publicKey = createPublicKey(pub.pem);
  if (publicKey.asymmetricKeyType !== 'ed25519') throw new Error('Cloud KMS public key is not Ed25519');
  return {
    kind: 'gcp-kms',
    kid: ed25519Thumbprint(publicKey),
    publicKey,
    async sign(data) {
      const [res] = await client.asymmetricSign({
        name: opts.keyVersion,
        data,
        dataCrc32c: { value: crc32c(data) },
      });
      // Google's integrity protocol: the server saw our bytes, answered for this key, and the
      // signature arrived intact.
      if (res.verifiedDataCrc32c !== true) throw new Error('Cloud KMS did not verify the request CRC32C');
      if (res.name !== opts.keyVersion) throw new Error('Cloud KMS answered for another key version');
      const sig = res.signature;
      if (!(sig instanceof Uint8Array)) throw new Error('Cloud KMS returned no signature');
      if (asNumber(res.signatureCrc32c) !== crc32c(sig))
        throw new Error('Cloud KMS signature failed its CRC32C check');
      if (!edVerify(null, data, publicKey, sig))
        throw new Error("Cloud KMS signature does not verify under the key's public key");
      return new Uint8Array(sig);
    },
    close: () => client.close(),
  };
}
