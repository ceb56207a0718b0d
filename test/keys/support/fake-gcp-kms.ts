/**
 * A Cloud KMS stand-in on loopback: a grpc-js server implementing
 * `google.cloud.kms.v1.KeyManagementService` from the protos `@google-cloud/kms` ships, so the official
 * client runs end to end. It signs with a real Ed25519 key and honours the CRC32C integrity fields.
 */
import { createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { crc32c } from '../../../src/keys/gcp-kms-signer.js';

export const KEY_VERSION =
  'projects/writ-test/locations/global/keyRings/writ/cryptoKeys/root/cryptoKeyVersions/1';

export interface FakeGcpKms {
  readonly port: number;
  readonly keyVersion: string;
  readonly publicKey: KeyObject;
  readonly calls: Record<string, number>;
  /** Corrupt the next signature in transit (the CRC32C check must catch it). */
  corruptNext: boolean;
  close(): Promise<void>;
}

const require = createRequire(import.meta.url);
const kmsRoot = join(dirname(require.resolve('@google-cloud/kms/package.json')), 'build', 'protos');
// google-gax ships google/api/*.proto (annotations, field_behavior...) that the KMS protos import.
const gaxRoot = join(dirname(require.resolve('google-gax')), '..', 'protos');

type Callback = grpc.sendUnaryData<unknown>;
type Call = grpc.ServerUnaryCall<Record<string, unknown>, unknown>;

/** Starts the fake on 127.0.0.1:0 with one EC_SIGN_ED25519 key version. */
export async function startFakeGcpKms(opts: { algorithm?: string } = {}): Promise<FakeGcpKms> {
  const def = protoLoader.loadSync('google/cloud/kms/v1/service.proto', {
    includeDirs: [kmsRoot, gaxRoot],
    keepCase: false,
    longs: String,
    enums: String,
    defaults: true,
  });
  const pkg = grpc.loadPackageDefinition(def) as unknown as {
    google: { cloud: { kms: { v1: { KeyManagementService: { service: grpc.ServiceDefinition } } } } };
  };
  const { service } = pkg.google.cloud.kms.v1.KeyManagementService;
  const { privateKey } = generateKeyPairSync('ed25519');
  const publicKey = createPublicKey(privateKey);
  const pem = publicKey.export({ format: 'pem', type: 'spki' }) as string;
  const fake: FakeGcpKms = {
    port: 0,
    keyVersion: KEY_VERSION,
    publicKey,
    calls: {},
    corruptNext: false,
    close: () => Promise.resolve(),
  };
  const notFound = (cb: Callback, name: unknown) =>
    cb({ code: grpc.status.NOT_FOUND, details: `CryptoKeyVersion ${String(name)} not found` }, null);
  const handlers: grpc.UntypedServiceImplementation = {};
  for (const method of Object.keys(service)) {
    handlers[method] = (_call: Call, cb: Callback) =>
      cb({ code: grpc.status.UNIMPLEMENTED, details: `${method} is not implemented by the fake` }, null);
  }
  handlers['GetPublicKey'] = (call: Call, cb: Callback) => {
    fake.calls['GetPublicKey'] = (fake.calls['GetPublicKey'] ?? 0) + 1;
    if (call.request['name'] !== KEY_VERSION) return notFound(cb, call.request['name']);
    cb(null, {
      pem,
      algorithm: opts.algorithm ?? 'EC_SIGN_ED25519',
      pemCrc32c: { value: String(crc32c(Buffer.from(pem, 'utf8'))) },
      name: KEY_VERSION,
      protectionLevel: 'HSM',
    });
  };
  handlers['AsymmetricSign'] = (call: Call, cb: Callback) => {
    fake.calls['AsymmetricSign'] = (fake.calls['AsymmetricSign'] ?? 0) + 1;
    const req = call.request;
    if (req['name'] !== KEY_VERSION) return notFound(cb, req['name']);
    const data = req['data'] as Buffer;
    if (data.length === 0 || req['digest'] !== null)
      return cb(
        { code: grpc.status.INVALID_ARGUMENT, details: 'EC_SIGN_ED25519 signs data, not a digest' },
        null,
      );
    const sent = (req['dataCrc32c'] as { value?: string } | null)?.value;
    if (sent !== undefined && Number(sent) !== crc32c(data))
      return cb({ code: grpc.status.INVALID_ARGUMENT, details: 'data_crc32c does not match' }, null);
    const signature = sign(null, data, privateKey);
    const signatureCrc32c = String(crc32c(signature));
    if (fake.corruptNext) {
      fake.corruptNext = false;
      signature[0] = (signature[0] ?? 0) ^ 1;
    }
    cb(null, {
      signature,
      signatureCrc32c: { value: signatureCrc32c },
      verifiedDataCrc32c: sent !== undefined,
      name: KEY_VERSION,
      protectionLevel: 'HSM',
    });
  };
  const server = new grpc.Server();
  server.addService(service, handlers);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  Object.assign(fake, { port });
  fake.close = () =>
    new Promise<void>((resolve) => {
      server.tryShutdown(() => resolve());
    });
  return fake;
}
