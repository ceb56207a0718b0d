/**
 * Several replicas with short-lived keys: each token carries its key's certification by the root
 * (`wcrt`, declared in `crit`), so a verify role on any replica trusting the same root (one KMS key)
 * verifies it. Two writ instances in this process, each with its own home and its own keys, certified by
 * one AWS KMS key (the loopback fake, through the SDK), rotating every 2 s, cross-verify over real gRPC.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWrit, type WritInstance } from '../../src/app.js';
import { createMemoryStore } from '../../src/state/memory-store.js';
import {
  connectCheckClient,
  responseHeader,
  structField,
  type CheckClient,
} from '../../src/cli/check-client.js';
import { scenarioCheckRequest, type ScenarioRequest } from '../../src/cli/scenario.js';
import { resolveConfig } from '../../src/config.js';
import { createAwsKmsSigner } from '../../src/keys/aws-kms-signer.js';
import { CertifiedKeys } from '../../src/keys/certified-keys.js';
import { certificationInput, verifyCertification } from '../../src/keys/key-events.js';
import { KeyRing, localRoot, type RootSigner } from '../../src/keys/key-ring.js';
import { ed25519Thumbprint, signerFromPrivateKey } from '../../src/keys/local-key.js';
import { boundParts } from '../../src/pipeline/bind/canonical-action.js';
import { TokenCodec, TOKEN_TYPE } from '../../src/pipeline/bind/execution-token.js';
import { b64json, forgeToken, tokenClaims, tokenHeader } from '../support/exec-token.js';
import { startFakeAwsKms, type FakeAwsKms } from './support/fake-aws-kms.js';
import { BARE_VERIFY_REQUEST } from '../support/raw-request.js';

/** Mints and verifies as a pipeline does (its own codec: token id pool, per-key header memos). */
const tokens = new TokenCodec();

/** Bound parts of a token these tests mint and verify (the envelope itself is not under test here). */
const BOUND = boundParts(BARE_VERIFY_REQUEST, { subject: '' });

interface Replica {
  readonly writ: WritInstance;
  readonly home: string;
  readonly check: CheckClient;
  readonly verify: CheckClient;
}

const ROTATION_S = 2;
let aws: FakeAwsKms;
let kmsRoot: RootSigner & { close(): void };
let a: Replica;
let b: Replica;
const savedEnv = { ...process.env };

/**
 * The replicas' one replay memory (Redis in a deployment): a token is consumed once fleet-wide, and a
 * verifier accepts only tokens of its memory's epoch (issue 15 F6), so replicas must share it.
 */
const sharedState = createMemoryStore();

async function startReplica(name: string): Promise<Replica> {
  const home = mkdtempSync(join(tmpdir(), `writ-${name}-`));
  const config = resolveConfig(
    { home, signer: 'aws-kms', 'aws-kms-key-id': aws.keyId, 'admin-port': '0', 'replica-id': name },
    {},
  );
  // writ refuses less than 10 s with KMS; 2 s here to see several rotations in a few seconds.
  const writ = await startWrit({
    config: { ...config, keyRotationS: ROTATION_S },
    store: sharedState,
    logger: pino({ level: 'silent' }),
    listeners: [
      { role: 'check', host: '127.0.0.1', port: 0 },
      { role: 'verify', host: '127.0.0.1', port: 0 },
    ],
    admin: false,
  });
  return {
    writ,
    home,
    check: connectCheckClient(`127.0.0.1:${writ.ports.check}`),
    verify: connectCheckClient(`127.0.0.1:${writ.ports.verify}`),
  };
}

async function stopReplica(r: Replica | undefined): Promise<void> {
  if (r === undefined) return;
  r.check.close();
  r.verify.close();
  await r.writ.close();
  rmSync(r.home, { recursive: true, force: true });
}

beforeAll(async () => {
  aws = await startFakeAwsKms();
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_KMS: aws.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'secret',
  });
  kmsRoot = await createAwsKmsSigner({ keyId: aws.keyId });
  [a, b] = await Promise.all([startReplica('writ-a'), startReplica('writ-b')]);
});
afterAll(async () => {
  await Promise.all([stopReplica(a), stopReplica(b)]);
  kmsRoot.close();
  await aws.close();
  process.env = savedEnv;
});

const query: ScenarioRequest = {
  mcp: { tool: 'query_db', arguments: { database: 'analytics-replica', query: 'SELECT 1' } },
};
const b64 = b64json;
/** A token's header (0) or claims (1), read without verifying. */
const segment = (token: string, i: 0 | 1) => (i === 0 ? tokenHeader(token) : tokenClaims(token));

async function mintOn(r: Replica): Promise<string> {
  const res = await r.check.check(scenarioCheckRequest(query));
  expect(structField(res, 'writ_decision')).toBe('ALLOW');
  return responseHeader(res, 'x-writ-token')!;
}

async function verifyOn(r: Replica, token: string): Promise<string> {
  const v = await r.verify.check(scenarioCheckRequest(query, { 'x-writ-token': token }));
  return String(structField(v, 'writ_code'));
}

/** A token for the same action as `like`, with the header given, signed by `key`. */
function forge(like: string, header: Record<string, unknown>, key: KeyObject): string {
  const claims = { ...segment(like, 1), jti: `forged-${Math.random().toString(36).slice(2)}` };
  return forgeToken({ alg: 'EdDSA', typ: TOKEN_TYPE, ...header }, claims, key);
}

/** A short-lived key certified by `root` (any RootSigner) for [nbf, exp]. */
async function certifiedKey(root: RootSigner, nbf: number, exp: number) {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const input = certificationInput(root.kid, publicKey, nbf, exp);
  const cert = `${input}.${Buffer.from(await root.sign(Buffer.from(input, 'ascii'))).toString('base64url')}`;
  return { privateKey, kid: ed25519Thumbprint(publicKey), cert };
}

describe('tokens across replicas sharing a KMS root', () => {
  it('carries the certification in a crit header that verifies under the KMS public key', async () => {
    const token = await mintOn(a);
    const header = segment(token, 0);
    expect(Object.keys(header)).toEqual(['alg', 'typ', 'kid', 'crit', 'wcrt']);
    expect(header['crit']).toEqual(['wcrt']);
    const c = verifyCertification(header['wcrt'] as string, new Map([[kmsRoot.kid, kmsRoot.publicKey]]));
    expect(c).toMatchObject({ ok: true, kid: header['kid'], issuer: kmsRoot.kid });
    // The two replicas sign with keys of their own; neither ring knows the other's.
    expect(b.writ.keyRing.get(header['kid'] as string)).toBeUndefined();
    expect(a.writ.keyRing.kids().current).not.toBe(b.writ.keyRing.kids().current);
  });

  it('verifies A on B and B on A over gRPC through several rotations, with zero failures', async () => {
    const failures: string[] = [];
    const kids = { a: new Set<string>(), b: new Set<string>() };
    let verified = 0;
    let stop = false;
    // Minted before any rotation and kept unused, to be verified on the other replica at the end.
    const early = [
      { token: await mintOn(a), on: b },
      { token: await mintOn(b), on: a },
    ];
    const worker = async (from: Replica, to: Replica, seen: Set<string>) => {
      while (!stop) {
        const token = await mintOn(from);
        const kid = segment(token, 0)['kid'] as string;
        seen.add(kid);
        // Minted by the other replica: the verifier's own ring never holds this key.
        if (to.writ.keyRing.get(kid) !== undefined) failures.push('verifier ring knows a peer key');
        const code = await verifyOn(to, token);
        if (code === 'VERIFY_OK') verified++;
        else failures.push(code);
        await new Promise((r) => setTimeout(r, 5));
      }
    };
    const workers = [worker(a, b, kids.a), worker(a, b, kids.a), worker(b, a, kids.b), worker(b, a, kids.b)];
    // Both rings rotate on their own timers (every 2 s, not in step): wait for three rotations each.
    const deadline = Date.now() + 15_000;
    while ((kids.a.size < 4 || kids.b.size < 4) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    stop = true;
    await Promise.all(workers);
    expect(failures).toEqual([]);
    expect(kids.a.size).toBeGreaterThanOrEqual(4);
    expect(kids.b.size).toBeGreaterThanOrEqual(4);
    expect([...kids.a].filter((k) => kids.b.has(k))).toEqual([]);
    expect(verified).toBeGreaterThan(40);
    // Tokens from the first key, minted three rotations ago but unused and within their ttl, still verify.
    for (const { token, on } of early) {
      expect(on.writ.keyRing.get(segment(token, 0)['kid'] as string)).toBeUndefined();
      expect(await verifyOn(on, token)).toBe('VERIFY_OK');
    }
  }, 30_000);

  it('refuses a certification by another root: ERR_TOKEN_CERT_UNTRUSTED', async () => {
    const like = await mintOn(a);
    const otherRoot = localRoot(signerFromPrivateKey(generateKeyPairSync('ed25519').privateKey));
    const now = Math.floor(Date.now() / 1000);
    const k = await certifiedKey(otherRoot, now - 10, now + 600);
    const token = forge(like, { kid: k.kid, crit: ['wcrt'], wcrt: k.cert }, k.privateKey);
    expect(await verifyOn(b, token)).toBe('ERR_TOKEN_CERT_UNTRUSTED');
    // The same, claiming to come from the KMS root's kid but signed by the other key.
    const claims = k.cert.split('.')[1]!;
    const resigned = `${b64({ alg: 'EdDSA', typ: 'key-cert+jwt', kid: kmsRoot.kid })}.${claims}`;
    const sig = Buffer.from(otherRoot.signer.sign(Buffer.from(resigned, 'ascii'))).toString('base64url');
    const spoofed = forge(like, { kid: k.kid, crit: ['wcrt'], wcrt: `${resigned}.${sig}` }, k.privateKey);
    expect(await verifyOn(b, spoofed)).toBe('ERR_TOKEN_CERT_UNTRUSTED');
  });

  it('refuses a token issued outside its certified window: ERR_TOKEN_CERT_EXPIRED', async () => {
    const like = await mintOn(a);
    const now = Math.floor(Date.now() / 1000);
    const k = await certifiedKey(kmsRoot, now - 120, now - 60); // KMS-certified, but the window has passed
    const token = forge(like, { kid: k.kid, crit: ['wcrt'], wcrt: k.cert }, k.privateKey);
    expect(await verifyOn(b, token)).toBe('ERR_TOKEN_CERT_EXPIRED');
    const later = await certifiedKey(kmsRoot, now + 60, now + 120); // not valid yet
    const early = forge(like, { kid: later.kid, crit: ['wcrt'], wcrt: later.cert }, later.privateKey);
    expect(await verifyOn(b, early)).toBe('ERR_TOKEN_CERT_EXPIRED');
    // Within the window, the same construction verifies: the refusals above are the window's doing.
    const good = await certifiedKey(kmsRoot, now - 10, now + 600);
    const ok = forge(like, { kid: good.kid, crit: ['wcrt'], wcrt: good.cert }, good.privateKey);
    expect(await verifyOn(b, ok)).toBe('VERIFY_OK');
  });

  it('refuses a certification of another key than the kid: ERR_TOKEN_CERT_INVALID', async () => {
    const like = await mintOn(a);
    const realCert = segment(like, 0)['wcrt'] as string;
    const mine = generateKeyPairSync('ed25519');
    const kid = ed25519Thumbprint(mine.publicKey);
    // A genuine certification (of A's key) pasted onto a token signed by another key.
    const token = forge(like, { kid, crit: ['wcrt'], wcrt: realCert }, mine.privateKey);
    expect(await verifyOn(b, token)).toBe('ERR_TOKEN_CERT_INVALID');
    // The certified kid with another key's signature: the certified key does not verify it.
    const aKid = segment(like, 0)['kid'] as string;
    const wrongSig = forge(like, { kid: aKid, crit: ['wcrt'], wcrt: realCert }, mine.privateKey);
    expect(await verifyOn(b, wrongSig)).toBe('ERR_TOKEN_SIGNATURE');
    // Garbage in wcrt is invalid, never a crash.
    for (const wcrt of [
      'x',
      'a.b.c',
      `${b64(null)}.${b64(null)}.AA`,
      `${b64([])}.${b64(1)}.${'A'.repeat(86)}`,
    ])
      expect(await verifyOn(b, forge(like, { kid, crit: ['wcrt'], wcrt }, mine.privateKey))).toBe(
        'ERR_TOKEN_CERT_INVALID',
      );
  });

  it('refuses crit naming anything but exactly wcrt, and wcrt without crit', async () => {
    const like = await mintOn(a);
    const { kid, wcrt } = segment(like, 0) as { kid: string; wcrt: string };
    const key = generateKeyPairSync('ed25519').privateKey; // never reached: the header is refused first
    for (const header of [
      { kid, crit: ['wcrt', 'x-unknown'], wcrt, 'x-unknown': 1 },
      { kid, crit: ['x-unknown'], 'x-unknown': 1 },
      { kid, crit: [], wcrt },
      { kid, crit: 'wcrt', wcrt },
      { kid, crit: ['wcrt'] },
      { kid, wcrt },
      { kid, crit: ['wcrt'], wcrt: { nested: wcrt } },
    ])
      expect(await verifyOn(b, forge(like, header, key)), JSON.stringify(header)).toBe('ERR_TOKEN_MALFORMED');
  });
});

describe('certification cache and the single-key mode', () => {
  const nowMs = Date.UTC(2026, 0, 5);
  const mint = async (ring: KeyRing) =>
    (
      await tokens.mint(ring.signer, {
        subject: 's',
        audience: 'a',
        actionHash: 'h',
        bound: BOUND,
        traceId: 't',
        policyVersion: 'v',
        nowMs,
      })
    ).token;
  const expect_ = { actionHash: 'h', bound: BOUND, audience: 'a', nowMs };

  it('keeps the single-key mode as it was: no crit, no wcrt, and peer certifications are not needed', async () => {
    const root = localRoot(signerFromPrivateKey(generateKeyPairSync('ed25519').privateKey));
    const ring = await KeyRing.create({
      root,
      now: () => nowMs,
      tokenTtlSeconds: 60,
      skewSeconds: 5,
      rotateEveryMs: 0,
    });
    const token = await mint(ring);
    expect(Object.keys(segment(token, 0))).toEqual(['alg', 'typ', 'kid']);
    expect(segment(token, 0)['kid']).toBe(root.kid);
    expect(tokens.verify(token, ring, expect_)).toMatchObject({ ok: true });
  });

  it('two rings sharing a local root (a shared key file) verify each other', async () => {
    const root = localRoot(signerFromPrivateKey(generateKeyPairSync('ed25519').privateKey));
    const opts = { root, now: () => nowMs, tokenTtlSeconds: 60, skewSeconds: 5, rotateEveryMs: 60_000 };
    const [r1, r2] = await Promise.all([KeyRing.create(opts), KeyRing.create(opts)]);
    const other = await KeyRing.create({
      ...opts,
      root: localRoot(signerFromPrivateKey(generateKeyPairSync('ed25519').privateKey)),
    });
    for (let i = 0; i < 3; i++) {
      expect(tokens.verify(await mint(r1), r2, expect_)).toMatchObject({ ok: true });
      expect(tokens.verify(await mint(r2), r1, expect_)).toMatchObject({ ok: true });
      expect(tokens.verify(await mint(other), r1, expect_)).toMatchObject({
        ok: false,
        code: 'ERR_TOKEN_CERT_UNTRUSTED',
      });
      await Promise.all([r1.rotate(), r2.rotate(), other.rotate()]);
    }
    // A verifier without certification support (a plain key set) refuses peer tokens as unknown.
    expect(tokens.verify(await mint(r1), { get: (kid) => r2.get(kid) }, expect_)).toMatchObject({
      ok: false,
      code: 'ERR_TOKEN_UNKNOWN_KEY',
    });
  });

  it('caches verified certifications (bounded, least recently used out) and never failed ones', async () => {
    const root = localRoot(signerFromPrivateKey(generateKeyPairSync('ed25519').privateKey));
    let signs = 0;
    const counting: RootSigner = { ...root, sign: (d) => ((signs += 1), root.sign(d)) };
    const certs = await Promise.all([0, 1, 2].map(() => certifiedKey(counting, 0, 10)));
    expect(signs).toBe(3);
    const cache = new CertifiedKeys(new Map([[root.kid, root.publicKey]]), 2);
    const first = cache.check(certs[0]!.cert);
    expect(first).toMatchObject({ ok: true, key: { kid: certs[0]!.kid, nbf: 0, exp: 10 } });
    expect(cache.check(certs[0]!.cert)).toBe(first); // a hit: the same verified entry, no verification
    cache.check(certs[1]!.cert);
    cache.check(certs[0]!.cert); // 0 is now the most recently used
    cache.check(certs[2]!.cert); // evicts 1
    expect(cache.size).toBe(2);
    expect(cache.check(certs[0]!.cert)).toBe(first);
    const bad = cache.check(`${certs[0]!.cert.slice(0, -4)}AAAA`);
    expect(bad).toMatchObject({ ok: false, failure: 'untrusted' });
    expect(cache.size).toBe(2);
  });
});
