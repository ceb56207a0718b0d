/** Chooses writ's root key from configuration: a local Ed25519 file, AWS KMS or Google Cloud KMS. */
import { createAwsKmsSigner } from './aws-kms-signer.js';
import { createGcpKmsSigner } from './gcp-kms-signer.js';
import { localRoot, type RootSigner } from './key-ring.js';
import { loadOrCreateLocalKey } from './local-key.js';
import type { Signer } from './signer.js';

/** The settings `createRootSigner` reads (a subset of ServerConfig). */
export interface RootSignerSettings {
  readonly signer: 'local' | 'aws-kms' | 'gcp-kms';
  readonly signingKeyFile: string;
  readonly awsKmsKeyId: string;
  readonly gcpKmsKey: string;
}

/** Opens the configured root key; a KMS root is checked (algorithm, usage) before writ serves. */
export async function createRootSigner(
  settings: RootSignerSettings,
  injected?: Signer,
): Promise<RootSigner & { close?: () => unknown }> {
  switch (settings.signer) {
    case 'local':
      return localRoot(injected ?? loadOrCreateLocalKey(settings.signingKeyFile));
    case 'aws-kms':
      return createAwsKmsSigner({ keyId: settings.awsKmsKeyId });
    case 'gcp-kms':
      return createGcpKmsSigner({ keyVersion: settings.gcpKmsKey });
  }
}
