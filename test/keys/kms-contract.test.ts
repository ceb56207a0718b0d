/**
 * Opt-in contract tests against real cloud KMS keys. They are skipped, with the reason in their name,
 * unless the key is given: WRIT_TEST_AWS_KMS_KEY_ID (an ECC_NIST_EDWARDS25519 key; credentials and region
 * from the usual AWS environment) and WRIT_TEST_GCP_KMS_KEY (an EC_SIGN_ED25519 key version; Application
 * Default Credentials).
 */
import { verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createAwsKmsSigner } from '../../src/keys/aws-kms-signer.js';
import { createGcpKmsSigner } from '../../src/keys/gcp-kms-signer.js';
import { verifyCertification } from '../../src/keys/key-events.js';
import { KeyRing, type RootSigner } from '../../src/keys/key-ring.js';

const awsKey = process.env['WRIT_TEST_AWS_KMS_KEY_ID'];
const gcpKey = process.env['WRIT_TEST_GCP_KMS_KEY'];

async function contract(root: RootSigner): Promise<void> {
  const data = Buffer.from(`writ contract ${Date.now()}`);
  expect(verify(null, data, root.publicKey, await root.sign(data))).toBe(true);
  const ring = await KeyRing.create({
    root,
    now: Date.now,
    tokenTtlSeconds: 60,
    skewSeconds: 5,
    rotateEveryMs: 60_000,
  });
  const current = ring.jwks().keys.find((k) => k['x-writ-status'] === 'current')!;
  expect(
    verifyCertification(current['x-writ-cert'] as string, new Map([[root.kid, root.publicKey]])).ok,
  ).toBe(true);
}

describe('real AWS KMS', () => {
  it.skipIf(awsKey === undefined)(
    `signs and certifies with a real key${awsKey === undefined ? ' (skipped: set WRIT_TEST_AWS_KMS_KEY_ID)' : ''}`,
    async () => {
      const root = await createAwsKmsSigner({ keyId: awsKey! });
      try {
        await contract(root);
      } finally {
        root.close();
      }
    },
    30_000,
  );
});

describe('real Google Cloud KMS', () => {
  it.skipIf(gcpKey === undefined)(
    `signs and certifies with a real key${gcpKey === undefined ? ' (skipped: set WRIT_TEST_GCP_KMS_KEY)' : ''}`,
    async () => {
      const root = await createGcpKmsSigner({ keyVersion: gcpKey! });
      try {
        await contract(root);
      } finally {
        await root.close();
      }
    },
    30_000,
  );
});
