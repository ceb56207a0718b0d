/**
 * A real RFC 3161 time-stamp authority for tests: the OpenSSL CLI (`openssl ts -reply`) with its own CA
 * and a TSA certificate, behind `node:http` on 127.0.0.1 (ENVIRONMENT.md). It can be stopped and
 * restarted on the same port, and misbehave on request (replay the previous reply).
 */
import { execFileSync, execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TsaOptions {
  /** How the TSA certificate carries the timeStamping EKU (RFC 3161 requires `critical`). */
  readonly eku?: 'critical' | 'non-critical' | 'absent';
}

export interface TestTsa {
  readonly url: string;
  readonly port: number;
  /** The TSA root CA certificate (PEM): what verifiers trust. */
  readonly caPem: string;
  readonly tsaCertPem: string;
  readonly dir: string;
  /** Requests answered (with a time-stamp token) so far. */
  readonly answered: () => number;
  /** Answers the next requests with the previous reply (wrong nonce and imprint). */
  replayPrevious: boolean;
  stop(): Promise<void>;
  start(): Promise<void>;
  dispose(): Promise<void>;
}

function sh(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

function makeCa(dir: string, opts: TsaOptions): void {
  sh(dir, ['version']);
  execFileSync('mkdir', ['-p', 'private'], { cwd: dir });
  writeFileSync(join(dir, 'tsaserial'), '01\n');
  sh(dir, [
    'req',
    '-x509',
    '-new',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    'private/cakey.pem',
    '-out',
    'cacert.pem',
    '-days',
    '3650',
    '-subj',
    '/CN=Test TSA Root CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  sh(dir, [
    'req',
    '-new',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    'private/tsakey.pem',
    '-out',
    'tsa.csr',
    '-subj',
    '/CN=Test TSA',
  ]);
  const eku = opts.eku ?? 'critical';
  const ext = [
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature,nonRepudiation',
    ...(eku === 'absent' ? [] : [`extendedKeyUsage=${eku === 'critical' ? 'critical,' : ''}timeStamping`]),
    'subjectKeyIdentifier=hash',
    'authorityKeyIdentifier=keyid',
  ];
  writeFileSync(join(dir, 'tsa_ext.cnf'), `${ext.join('\n')}\n`);
  sh(dir, [
    'x509',
    '-req',
    '-in',
    'tsa.csr',
    '-CA',
    'cacert.pem',
    '-CAkey',
    'private/cakey.pem',
    '-CAcreateserial',
    '-out',
    'tsacert.pem',
    '-days',
    '825',
    '-extfile',
    'tsa_ext.cnf',
  ]);
  writeFileSync(
    join(dir, 'tsa.cnf'),
    [
      '[ tsa ]',
      'default_tsa = tsa_config1',
      '[ tsa_config1 ]',
      `dir = ${dir}`,
      'serial = $dir/tsaserial',
      'signer_cert = $dir/tsacert.pem',
      'certs = $dir/cacert.pem',
      'signer_key = $dir/private/tsakey.pem',
      'signer_digest = sha256',
      'default_policy = 1.3.6.1.4.1.55555.1.1',
      'digests = sha256, sha384, sha512',
      'accuracy = secs:1',
      'ess_cert_id_alg = sha256',
      '',
    ].join('\n'),
  );
}

/** Creates the CA and TSA certificates in a temp dir and starts the HTTP wrapper on 127.0.0.1:0. */
export async function startTestTsa(opts: TsaOptions = {}): Promise<TestTsa> {
  const dir = mkdtempSync(join(tmpdir(), 'writ-tsa-'));
  makeCa(dir, opts);
  let answered = 0;
  let counter = 0;
  let previous: Buffer | null = null;
  // The serial file is not locked: replies are produced one at a time.
  let queue: Promise<unknown> = Promise.resolve();
  const reply = (query: Buffer): Promise<Buffer> => {
    const run = async () => {
      const n = ++counter;
      const q = join(dir, `q${n}.tsq`);
      const r = join(dir, `r${n}.tsr`);
      writeFileSync(q, query);
      await new Promise<void>((resolve, reject) =>
        execFile(
          'openssl',
          ['ts', '-reply', '-config', join(dir, 'tsa.cnf'), '-queryfile', q, '-out', r],
          (err) => (err === null ? resolve() : reject(new Error(`openssl ts -reply: ${err.message}`))),
        ),
      );
      const out = readFileSync(r);
      rmSync(q);
      rmSync(r);
      return out;
    };
    const p = queue.then(run, run);
    queue = p.catch(() => undefined);
    return p;
  };

  const tsa: TestTsa = {
    url: '',
    port: 0,
    caPem: readFileSync(join(dir, 'cacert.pem'), 'utf8'),
    tsaCertPem: readFileSync(join(dir, 'tsacert.pem'), 'utf8'),
    dir,
    answered: () => answered,
    replayPrevious: false,
    stop: () => Promise.resolve(),
    start: () => Promise.resolve(),
    dispose: () => Promise.resolve(),
  };
  let server: Server | null = null;
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const s = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          if (req.method !== 'POST' || req.headers['content-type'] !== 'application/timestamp-query') {
            res.writeHead(415).end();
            return;
          }
          reply(Buffer.concat(chunks)).then(
            (body) => {
              const sent = tsa.replayPrevious && previous !== null ? previous : body;
              previous = body;
              answered++;
              res.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end(sent);
            },
            () => res.writeHead(500).end(),
          );
        });
      });
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        server = s;
        const a = s.address();
        resolve(typeof a === 'object' && a !== null ? a.port : port);
      });
    });
  const port = await listen(0);
  Object.assign(tsa, { port, url: `http://127.0.0.1:${port}/tsa` });
  tsa.stop = () =>
    new Promise<void>((resolve) => {
      const s = server;
      server = null;
      if (s === null) return resolve();
      s.closeAllConnections();
      s.close(() => resolve());
    });
  tsa.start = async () => {
    if (server === null) await listen(port);
  };
  tsa.dispose = async () => {
    await tsa.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  return tsa;
}
