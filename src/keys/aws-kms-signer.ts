/**
 * AWS KMS as writ's root key: an `ECC_NIST_EDWARDS25519` key signing with `ED25519_SHA_512` over the
 * message itself (`MessageType: RAW`, i.e. PureEdDSA), through the official SDK. It only certifies
 * short-lived keys (key-ring.ts), so its latency never reaches a decision.
 */
import { createPublicKey, verify as edVerify } from 'node:crypto';
import { GetPublicKeyCommand, KMSClient, SignCommand, type KMSClientConfig } from '@aws-sdk/client-kms';
import { ed25519Thumbprint } from './local-key.js';
import type { RootSigner } from './key-ring.js';

export interface AwsKmsSignerOptions {
  /** Key id, alias or ARN. */
  readonly keyId: string;
  /** SDK client settings (region, credentials, endpoint); defaults come from the environment. */
  readonly client?: KMSClientConfig;
}

/** Connects to the key, checks it is an Ed25519 signing key, and returns a RootSigner over it. */
export async function createAwsKmsSigner(opts: AwsKmsSignerOptions): Promise<RootSigner & { close(): void }> {
  const client = new KMSClient(opts.client ?? {});
  const pub = await client.send(new GetPublicKeyCommand({ KeyId: opts.keyId }));
  if (pub.KeySpec !== 'ECC_NIST_EDWARDS25519' || pub.KeyUsage !== 'SIGN_VERIFY')
    throw new Error(
      `AWS KMS key "${opts.keyId}" is ${pub.KeySpec ?? '?'}/${pub.KeyUsage ?? '?'}, not ECC_NIST_EDWARDS25519/SIGN_VERIFY`,
    );
  if (!(pub.SigningAlgorithms ?? []).includes('ED25519_SHA_512'))
    throw new Error(`AWS KMS key "${opts.keyId}" does not offer ED25519_SHA_512`);
  if (pub.PublicKey === undefined) throw new Error('AWS KMS returned no public key');
  const publicKey = createPublicKey({ key: Buffer.from(pub.PublicKey), format: 'der', type: 'spki' });
  if (publicKey.asymmetricKeyType !== 'ed25519') throw new Error('AWS KMS public key is not Ed25519');
  return {
    kind: 'aws-kms',
    kid: ed25519Thumbprint(publicKey),
    publicKey,
    async sign(data) {
      const out = await client.send(
        new SignCommand({
          KeyId: opts.keyId,
          Message: data,
          MessageType: 'RAW',
          SigningAlgorithm: 'ED25519_SHA_512',
        }),
      );
      const sig = out.Signature;
      // SECURITY: check the signature before using it, so a wrong key or a corrupted reply is an error
      // here and not a certification no verifier accepts.
      if (sig === undefined || !edVerify(null, data, publicKey, sig))
        throw new Error("AWS KMS signature does not verify under the key's public key");
      return sig;
    },
    close: () => client.destroy(),
  };
}
