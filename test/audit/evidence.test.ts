/**
 * `npm run evidence` and `writ audit verify --evidence`: a real run of an evidence suite, sealed with an
 * Ed25519 audit key and time-stamped by a real RFC 3161 TSA (openssl ts, test/support/tsa.ts), verified
 * offline; a changed byte, another key, a missing or a foreign time-stamp each fail with their reason.
 */
import { spawn, spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEvidenceVerify } from '../../src/audit/evidence.js';
import type { EvidenceSeal } from '../../src/audit/evidence-seal.js';
import { loadPolicyFolder } from '../../src/policy-files.js';
import { startTestTsa, type TestTsa } from '../support/tsa.js';

const ROOT = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'writ-evidence-test-'));
// Any suite serves; a small one keeps the nested run short. The default set is test/evidence (scripts/evidence.ts).
const SUITE = 'test/docs/reason-codes.test.ts';
let tsa: TestTsa;
const tsaCa = join(dir, 'tsa-ca.pem');

/** A fresh Ed25519 key: the private PEM file (the signer) and the public PEM file (what verifiers get). */
function keyFiles(name: string): { key: string; pub: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const key = join(dir, `${name}.pem`);
  const pub = join(dir, `${name}.pub.pem`);
  writeFileSync(key, privateKey.export({ format: 'pem', type: 'pkcs8' }));
  writeFileSync(pub, publicKey.export({ format: 'pem', type: 'spki' }));
  return { key, pub };
}
const audit = keyFiles('audit');
const other = keyFiles('other');

/** The environment without vitest's own variables, so the nested run is an ordinary one. */
const childEnv = () =>
  Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && k !== 'CI'));

/**
 * Runs scripts/evidence.ts into `out`; returns its exit code and output. Asynchronous: the TSA answers from
 * this process's event loop, which a synchronous spawn would block.
 */
function runEvidence(out: string, extra: string[] = []): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'scripts/evidence.ts',
        '--out',
        out,
        '--signing-key',
        audit.key,
        '--suites',
        SUITE,
        ...extra,
      ],
      { cwd: ROOT, env: childEnv(), timeout: 180_000 },
    );
    let text = '';
    child.stdout.on('data', (d: Buffer) => (text += d.toString()));
    child.stderr.on('data', (d: Buffer) => (text += d.toString()));
    child.on('close', (code) => resolve({ code, out: text }));
  });
}

async function verify(seal: string, over: { keys?: string; tsaCa?: string | undefined } = {}) {
  const chunks: string[] = [];
  const sink = { write: (s: string) => chunks.push(s) } as unknown as NodeJS.WritableStream;
  const flags = {
    keys: over.keys ?? audit.pub,
    ...('tsaCa' in over ? (over.tsaCa === undefined ? {} : { tsaCa: over.tsaCa }) : { tsaCa }),
  };
  const code = await runEvidenceVerify(seal, sink, sink, flags);
  return { code, text: chunks.join('') };
}

/** A copy of the report folder to tamper with. */
function copyOf(src: string, name: string): string {
  const to = join(dir, name);
  cpSync(src, to, { recursive: true });
  return to;
}
const sealOf = (folder: string) =>
  JSON.parse(readFileSync(join(folder, 'evidence.seal.json'), 'utf8')) as EvidenceSeal;
const writeSeal = (folder: string, seal: object) =>
  writeFileSync(join(folder, 'evidence.seal.json'), JSON.stringify(seal, null, 2));

const stamped = join(dir, 'stamped');
const second = join(dir, 'second');
let run: { code: number | null; out: string };

beforeAll(async () => {
  tsa = await startTestTsa();
  writeFileSync(tsaCa, tsa.caPem);
  run = await runEvidence(stamped, ['--tsa-url', tsa.url, '--tsa-ca', tsaCa]);
  const again = await runEvidence(second, ['--tsa-url', tsa.url, '--tsa-ca', tsaCa]);
  expect(again.out).toContain('time-stamped');
}, 240_000);
afterAll(async () => {
  await tsa.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('npm run evidence', () => {
  it('runs the suite and writes the commit, policy version and each claim with its result', () => {
    const report = JSON.parse(readFileSync(join(stamped, 'evidence.json'), 'utf8')) as {
      commit: { id: string; dirty: boolean };
      policy: { version: string };
      suites: string[];
      summary: { claims: number; passed: number; failed: number; notRun: number };
      claims: { id: string; file: string; claim: string; result: string; failure?: string }[];
    };
    const head = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim();
    expect(report.commit.id).toBe(head);
    expect(report.policy.version).toBe(loadPolicyFolder(join(ROOT, 'policies')).version);
    expect(report.suites).toEqual([SUITE]);
    // The suite's own tests, each a claim with the result vitest gave it; the exit code says whether all held.
    expect(report.summary.claims).toBe(3);
    for (const c of report.claims) {
      expect(c.file).toBe(SUITE);
      expect(c.id).toBe(`${SUITE} > ${c.claim}`);
      expect(['passed', 'failed']).toContain(c.result);
      if (c.result === 'failed') expect(c.failure).toBeTruthy();
    }
    expect(report.claims.map((c) => c.claim)).toContain(
      'reason code catalogue documents every code exactly once and no stale one',
    );
    const failed = report.claims.filter((c) => c.result === 'failed').length;
    expect(report.summary).toEqual({ claims: 3, passed: 3 - failed, failed, notRun: 0 });
    expect(run.code, run.out).toBe(failed === 0 ? 0 : 1);
    const html = readFileSync(join(stamped, 'evidence.html'), 'utf8');
    expect(html).toContain(head);
    expect(html).toContain(report.policy.version);
    expect(html).not.toContain('<script');
    expect(sealOf(stamped).tst).toBeDefined();
  });

  it('verifies offline with the audit key and the TSA root', async () => {
    const v = await verify(join(stamped, 'evidence.seal.json'));
    expect(v.code, v.text).toBe(0);
    expect(v.text).toMatch(
      /^ok: writ-evidence\/[0-9a-f]{40}, evidence\.json, evidence\.html as sealed; time-stamped \d{4}-/,
    );
  });

  it('verifies through the writ command line', () => {
    const r = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/main.ts',
        'audit',
        'verify',
        '--evidence',
        join(stamped, 'evidence.seal.json'),
        '--keys',
        audit.pub,
        '--tsa-ca',
        tsaCa,
      ],
      { cwd: ROOT, encoding: 'utf8', env: childEnv() },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('time-stamped');
  });

  it('fails on one flipped byte in the report, in either file', async () => {
    for (const file of ['evidence.json', 'evidence.html']) {
      const copy = copyOf(stamped, `flipped-${file}`);
      const bytes = readFileSync(join(copy, file));
      bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
      writeFileSync(join(copy, file), bytes);
      const v = await verify(join(copy, 'evidence.seal.json'));
      expect(v.code).toBe(1);
      expect(v.text).toMatch(
        new RegExp(
          `^FAILED \\(digest-mismatch\\): ${file.replace('.', '\\.')}: sha256 [0-9a-f]{64} is not the sealed`,
        ),
      );
    }
  });

  it('fails when a sealed file is missing', async () => {
    const copy = copyOf(stamped, 'missing');
    rmSync(join(copy, 'evidence.html'));
    expect((await verify(join(copy, 'evidence.seal.json'))).text).toBe(
      'FAILED (missing-file): evidence.html: missing\n',
    );
  });

  it('fails under another key, and when the signed digests are edited to match an edited report', async () => {
    const v = await verify(join(stamped, 'evidence.seal.json'), { keys: other.pub });
    expect(v.code).toBe(1);
    expect(v.text).toMatch(
      /^FAILED \(unknown-key\): the seal is signed by key "[\w-]+", not one of the keys given/,
    );
    const copy = copyOf(stamped, 'forged');
    writeFileSync(join(copy, 'evidence.json'), '{"forged":true}\n');
    const seal = sealOf(copy);
    const { createHash } = await import('node:crypto');
    const files = seal.files.map((f) =>
      f.name === 'evidence.json'
        ? { ...f, sha256: createHash('sha256').update('{"forged":true}\n').digest('hex') }
        : f,
    );
    writeSeal(copy, { ...seal, files });
    const forged = await verify(join(copy, 'evidence.seal.json'));
    expect(forged.code).toBe(1);
    expect(forged.text).toBe('FAILED (bad-manifest): the listed file digests are not the signed head\n');
  });

  it('fails when the time-stamp is missing and a TSA root is given; says so when none is given', async () => {
    const copy = copyOf(stamped, 'unstamped');
    const { tst: _t, genTime: _g, ...bare } = sealOf(copy);
    writeSeal(copy, bare);
    const v = await verify(join(copy, 'evidence.seal.json'));
    expect(v.code).toBe(1);
    expect(v.text).toBe('FAILED (no-timestamp): the seal carries no time-stamp\n');
    const lenient = await verify(join(stamped, 'evidence.seal.json'), { tsaCa: undefined });
    expect(lenient.code).toBe(0);
    expect(lenient.text).toContain('time-stamp NOT checked: no --tsa-ca');
  });

  it("fails with another report's time-stamp, and with a token from an untrusted TSA root", async () => {
    const copy = copyOf(stamped, 'foreign-stamp');
    const other = sealOf(second);
    writeSeal(copy, { ...sealOf(copy), tst: other.tst, genTime: other.genTime });
    const v = await verify(join(copy, 'evidence.seal.json'));
    expect(v.code).toBe(1);
    expect(v.text).toMatch(/^FAILED \(bad-timestamp\): imprint: /);
    const strangers = await startTestTsa();
    try {
      const wrongCa = join(dir, 'stranger-ca.pem');
      writeFileSync(wrongCa, strangers.caPem);
      const w = await verify(join(stamped, 'evidence.seal.json'), { tsaCa: wrongCa });
      expect(w.code).toBe(1);
      expect(w.text).toMatch(/^FAILED \(bad-timestamp\): chain: /);
    } finally {
      await strangers.dispose();
    }
  });

  it('refuses a seal that names a file outside its folder', async () => {
    const copy = copyOf(stamped, 'escape');
    const seal = sealOf(copy);
    writeSeal(copy, {
      ...seal,
      files: [{ name: '../evidence.json', sha256: seal.files[0]!.sha256 }, seal.files[1]],
    });
    const v = await verify(join(copy, 'evidence.seal.json'));
    expect(v.code).toBe(2);
    expect(v.text).toContain('"files" is not a list of {name, sha256} with plain file names');
  });
});
