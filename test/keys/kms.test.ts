/**
 * The KMS root signers through the official SDKs, against loopback servers speaking each cloud's wire
 * protocol: AWS JSON 1.1 over HTTP, and Cloud KMS gRPC from the protos `@google-cloud/kms` ships.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verify } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWrit } from '../../src/app.js';
import { responseHeader, structField, connectCheckClient } from '../../src/cli/check-client.js';
import { scenarioCheckRequest } from '../../src/cli/scenario.js';
import { resolveConfig } from '../../src/config.js';
import { createAwsKmsSigner } from '../../src/keys/aws-kms-signer.js';
import { createGcpKmsSigner } from '../../src/keys/gcp-kms-signer.js';
import { verifyCertification } from '../../src/keys/key-events.js';
import { KeyRing, type RootSigner } from '../../src/keys/key-ring.js';
import { ed25519Thumbprint } from '../../src/keys/local-key.js';
import { boundParts } from '../../src/pipeline/bind/canonical-action.js';
import { TokenCodec } from '../../src/pipeline/bind/execution-token.js';
import { startFakeAwsKms, type FakeAwsKms } from './support/fake-aws-kms.js';
import { startFakeGcpKms, type FakeGcpKms } from './support/fake-gcp-kms.js';
import { BARE_VERIFY_REQUEST } from '../support/raw-request.js';

/** Mints and verifies as a pipeline does (its own codec: token id pool, per-key header memos). */
const tokens = new TokenCodec();

/** Bound parts of a token these tests mint and verify (the envelope itself is not under test here). */
const BOUND = boundParts(BARE_VERIFY_REQUEST, { subject: '' });

let aws: FakeAwsKms;
let gcp: FakeGcpKms;
beforeAll(async () => {
  [aws, gcp] = await Promise.all([startFakeAwsKms(), startFakeGcpKms()]);
});
afterAll(async () => {
  await Promise.all([aws.close(), gcp.close()]);
});

const awsClient = (endpoint: string) => ({
  region: 'us-east-1',
  endpoint,
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
});
const gcpClient = (port: number) => ({
  apiEndpoint: '127.0.0.1',
  port,
  sslCreds: grpc.credentials.createInsecure(),
  // Explicit (unused) credentials: otherwise google-auth-library probes the GCE metadata server,
  // which is network beyond loopback.
  credentials: { client_email: 'writ-test@writ-test.iam.gserviceaccount.com', private_key: 'unused' },
  projectId: 'writ-test',
});

/** A ring over a KMS root mints many tokens with one certification round trip per key. */
async function ringMintsOffThePath(root: RootSigner, kmsSignCalls: () => number): Promise<void> {
  const before = kmsSignCalls();
  const now = Date.UTC(2026, 0, 5);
  const ring = await KeyRing.create({
    root,
    now: () => now,
    tokenTtlSeconds: 60,
    skewSeconds: 5,
    rotateEveryMs: 300_000,
  });
  expect(kmsSignCalls() - before).toBe(2); // current and next, certified once each
  const jwks = ring.jwks().keys;
  const roots = new Map([[root.kid, root.publicKey]]);
  for (const k of jwks.filter((x) => x['x-writ-cert'] !== undefined))
    expect(verifyCertification(k['x-writ-cert'] as string, roots)).toMatchObject({ ok: true, kid: k['kid'] });
  for (let i = 0; i < 200; i++) {
    const { token } = await tokens.mint(ring.signer, {
      subject: 's',
      audience: 'a',
      actionHash: 'h',
      bound: BOUND,
      traceId: 't',
      policyVersion: 'v',
      nowMs: now,
    });
    expect(tokens.verify(token, ring, { actionHash: 'h', bound: BOUND, audience: 'a', nowMs: now }).ok).toBe(
      true,
    );
  }
  expect(kmsSignCalls() - before).toBe(2); // 200 tokens, no KMS call
  await ring.rotate();
  expect(kmsSignCalls() - before).toBe(3); // a rotation certifies one new next key
}

describe('AWS KMS signer (@aws-sdk/client-kms over AWS JSON 1.1)', () => {
  it('reads the public key, signs RAW ED25519_SHA_512, and the signature verifies', async () => {
    const root = await createAwsKmsSigner({ keyId: aws.keyId, client: awsClient(aws.endpoint) });
    expect(root.kid).toBe(ed25519Thumbprint(aws.publicKey));
    const data = Buffer.from('certify me');
    expect(verify(null, data, aws.publicKey, await root.sign(data))).toBe(true);
    expect(aws.calls['GetPublicKey']).toBeGreaterThanOrEqual(1);
    root.close();
  });

  it('retries throttling like the SDK does, and refuses a signature from another key', async () => {
    const root = await createAwsKmsSigner({ keyId: aws.keyId, client: awsClient(aws.endpoint) });
    aws.failSigns = 2;
    const signs = aws.calls['Sign'] ?? 0;
    await expect(root.sign(Buffer.from('x'))).resolves.toBeInstanceOf(Uint8Array);
    expect((aws.calls['Sign'] ?? 0) - signs).toBe(3);
    aws.wrongKey = true;
    try {
      await expect(root.sign(Buffer.from('x'))).rejects.toThrow(/does not verify/);
    } finally {
      aws.wrongKey = false;
    }
    await expect(
      createAwsKmsSigner({ keyId: 'alias/nope', client: awsClient(aws.endpoint) }),
    ).rejects.toThrow(/does not exist/);
    root.close();
  });

  it('refuses a key that is not ECC_NIST_EDWARDS25519', async () => {
    const rsa = await startFakeAwsKms({ keySpec: 'RSA_2048' });
    try {
      await expect(createAwsKmsSigner({ keyId: rsa.keyId, client: awsClient(rsa.endpoint) })).rejects.toThrow(
        /not ECC_NIST_EDWARDS25519/,
      );
    } finally {
      await rsa.close();
    }
  });

  it('certifies short-lived keys; tokens never wait for KMS', async () => {
    const root = await createAwsKmsSigner({ keyId: aws.keyId, client: awsClient(aws.endpoint) });
    await ringMintsOffThePath(root, () => aws.calls['Sign'] ?? 0);
    root.close();
  });

  it('runs writ end to end with --signer aws-kms configured from the environment', async () => {
    const home = mkdtempSync(join(tmpdir(), 'writ-aws-'));
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_KMS: aws.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
    });
    const config = resolveConfig(
      { home, signer: 'aws-kms', 'aws-kms-key-id': aws.keyId, 'admin-port': '0' },
      {},
    );
    const writ = await startWrit({
      config,
      logger: pino({ level: 'silent' }),
      listeners: [
        { role: 'check', host: '127.0.0.1', port: 0 },
        { role: 'verify', host: '127.0.0.1', port: 0 },
      ],
      admin: false,
    });
    const check = connectCheckClient(`127.0.0.1:${writ.ports.check}`);
    const verifyClient = connectCheckClient(`127.0.0.1:${writ.ports.verify}`);
    try {
      const request = {
        mcp: { tool: 'query_db', arguments: { database: 'analytics-replica', query: 'SELECT 1' } },
      };
      const res = await check.check(scenarioCheckRequest(request));
      const token = responseHeader(res, 'x-writ-token')!;
      const v = await verifyClient.check(scenarioCheckRequest(request, { 'x-writ-token': token }));
      expect(structField(v, 'writ_code')).toBe('VERIFY_OK');
      const root = writ.keyRing.jwks().keys.find((k) => k['x-writ-status'] === 'root');
      expect(root).toMatchObject({ kid: ed25519Thumbprint(aws.publicKey), 'x-writ-root-kind': 'aws-kms' });
    } finally {
      check.close();
      verifyClient.close();
      await writ.close();
      process.env = saved;
      rmSync(home, { recursive: true, force: true });
    }
  });
});

describe('Google Cloud KMS signer (@google-cloud/kms over gRPC)', () => {
  it('reads the PEM, signs data with CRC32C checks, and the signature verifies', async () => {
    const root = await createGcpKmsSigner({ keyVersion: gcp.keyVersion, client: gcpClient(gcp.port) });
    expect(root.kid).toBe(ed25519Thumbprint(gcp.publicKey));
    const data = Buffer.from('certify me');
    expect(verify(null, data, gcp.publicKey, await root.sign(data))).toBe(true);
    // A signature corrupted in transit fails the CRC32C check before anything else looks at it.
    gcp.corruptNext = true;
    await expect(root.sign(data)).rejects.toThrow(/CRC32C/);
    await root.close();
  });

  it('refuses a key version that is not EC_SIGN_ED25519 and an unknown one', async () => {
    const ec = await startFakeGcpKms({ algorithm: 'EC_SIGN_P256_SHA256' });
    try {
      await expect(
        createGcpKmsSigner({ keyVersion: ec.keyVersion, client: gcpClient(ec.port) }),
      ).rejects.toThrow(/not EC_SIGN_ED25519/);
      await expect(
        createGcpKmsSigner({ keyVersion: `${ec.keyVersion}0`, client: gcpClient(ec.port) }),
      ).rejects.toThrow(/not found/);
    } finally {
      await ec.close();
    }
  });

  it('certifies short-lived keys; tokens never wait for KMS', async () => {
    const root = await createGcpKmsSigner({ keyVersion: gcp.keyVersion, client: gcpClient(gcp.port) });
    await ringMintsOffThePath(root, () => gcp.calls['AsymmetricSign'] ?? 0);
    await root.close();
  });
});
