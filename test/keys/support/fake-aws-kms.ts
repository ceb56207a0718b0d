/**
 * An AWS KMS stand-in on loopback speaking the real wire protocol (AWS JSON 1.1 over HTTP:
 * `X-Amz-Target: TrentService.<Op>`), so the official SDK runs end to end. It signs with a real Ed25519
 * key; it checks that requests carry a SigV4 Authorization header but does not verify it.
 */
import { createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';

export interface FakeAwsKms {
  readonly endpoint: string;
  readonly keyId: string;
  readonly publicKey: KeyObject;
  /** Requests received, by operation. */
  readonly calls: Record<string, number>;
  /** Make the next Sign calls fail with a throttling error (the SDK retries those). */
  failSigns: number;
  /** Sign with a different key than the one GetPublicKey returns. */
  wrongKey: boolean;
  close(): Promise<void>;
}

const KEY_ARN = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

/** Starts the fake on 127.0.0.1:0 with one ECC_NIST_EDWARDS25519 key. */
export async function startFakeAwsKms(opts: { keySpec?: string } = {}): Promise<FakeAwsKms> {
  const { privateKey } = generateKeyPairSync('ed25519');
  const other = generateKeyPairSync('ed25519').privateKey;
  const publicKey = createPublicKey(privateKey);
  const fake: FakeAwsKms = {
    endpoint: '',
    keyId: KEY_ARN,
    publicKey,
    calls: {},
    failSigns: 0,
    wrongKey: false,
    close: () => Promise.resolve(),
  };
  const error = (res: ServerResponse, status: number, type: string, message: string) => {
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'fake' });
    res.end(JSON.stringify({ __type: type, message }));
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const op = target.startsWith('TrentService.') ? target.slice('TrentService.'.length) : '';
      fake.calls[op] = (fake.calls[op] ?? 0) + 1;
      if (req.method !== 'POST' || req.headers['content-type'] !== 'application/x-amz-json-1.1')
        return error(res, 400, 'SerializationException', 'expected application/x-amz-json-1.1');
      if (
        !/^AWS4-HMAC-SHA256 Credential=[^/]+\/\d{8}\/[a-z0-9-]+\/kms\/aws4_request/.test(
          String(req.headers.authorization),
        )
      )
        return error(res, 400, 'MissingAuthenticationTokenException', 'request is not SigV4-signed');
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        return error(res, 400, 'SerializationException', 'body is not JSON');
      }
      if (body['KeyId'] !== KEY_ARN && body['KeyId'] !== 'alias/writ')
        return error(res, 400, 'NotFoundException', `Key '${String(body['KeyId'])}' does not exist`);
      const ok = (payload: object) => {
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'fake' });
        res.end(JSON.stringify(payload));
      };
      switch (op) {
        case 'GetPublicKey':
          return ok({
            KeyId: KEY_ARN,
            KeySpec: opts.keySpec ?? 'ECC_NIST_EDWARDS25519',
            KeyUsage: 'SIGN_VERIFY',
            SigningAlgorithms: ['ED25519_SHA_512', 'ED25519_PH_SHA_512'],
            PublicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
          });
        case 'Sign': {
          if (fake.failSigns > 0) {
            fake.failSigns--;
            return error(res, 400, 'ThrottlingException', 'Rate exceeded');
          }
          if (body['SigningAlgorithm'] !== 'ED25519_SHA_512' || body['MessageType'] !== 'RAW')
            return error(res, 400, 'ValidationException', 'this key signs ED25519_SHA_512 over RAW messages');
          const message = Buffer.from(String(body['Message']), 'base64');
          if (message.length === 0 || message.length > 4096)
            return error(res, 400, 'ValidationException', 'Message must be 1 to 4096 bytes');
          const sig = sign(null, message, fake.wrongKey ? other : privateKey);
          return ok({
            KeyId: KEY_ARN,
            SigningAlgorithm: 'ED25519_SHA_512',
            Signature: sig.toString('base64'),
          });
        }
        default:
          return error(res, 400, 'UnknownOperationException', `unknown operation ${target}`);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const a = server.address();
  Object.assign(fake, { endpoint: `http://127.0.0.1:${typeof a === 'object' && a !== null ? a.port : 0}` });
  fake.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return fake;
}
