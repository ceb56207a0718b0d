/** Checkpoints and anchoring with a real TSA: signed heads, anchors written later, a TSA outage never blocks appends. */
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jwksDocument } from '../../src/admin/admin-server.js';
import { createTsaClient } from '../../src/audit/anchoring/tsa-client.js';
import { runAuditVerify, verifyAuditFile } from '../../src/audit/verify-file.js';
import { signerFromPrivateKey } from '../../src/keys/local-key.js';
import { checkpointNote, type CheckpointEvent } from '../../src/pipeline/audit-record/checkpoint.js';
import { withCheckpoints } from '../../src/audit/checkpointer.js';
import { openFileAuditLog } from '../../src/audit/file-audit-log.js';
import { startTestTsa, type TestTsa } from '../support/tsa.js';

let tsa: TestTsa;
const dir = mkdtempSync(join(tmpdir(), 'writ-ckpt-'));
beforeAll(async () => {
  tsa = await startTestTsa();
  writeFileSync(join(dir, 'tsa-ca.pem'), tsa.caPem);
}, 60_000);
afterAll(async () => {
  await tsa.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const signer = signerFromPrivateKey(generateKeyPairSync('ed25519').privateKey);
const keysFile = join(dir, 'jwks.json');
writeFileSync(keysFile, JSON.stringify(jwksDocument([signer.publicKey])));

interface Logged {
  level: string;
  obj: Record<string, unknown>;
}
function recorder() {
  const logs: Logged[] = [];
  return {
    logs,
    log: {
      info: (obj: object) => logs.push({ level: 'info', obj: obj as Record<string, unknown> }),
      warn: (obj: object) => logs.push({ level: 'warn', obj: obj as Record<string, unknown> }),
      error: (obj: object) => logs.push({ level: 'error', obj: obj as Record<string, unknown> }),
    },
  };
}

const events = (path: string) =>
  readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { seq: number; event: Record<string, unknown> });

const waitFor = async (cond: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('checkpoints and anchors', () => {
  it('checkpoints every N records off the append path, anchors each, and verifies offline', async () => {
    const path = join(dir, 'a.jsonl');
    const r = recorder();
    const log = withCheckpoints(openFileAuditLog({ path, fsyncIntervalMs: 0 }), {
      signer: () => signer,
      origin: 'writ-audit/test-0',
      everyRecords: 5,
      everyMs: 0,
      tsa: createTsaClient({ url: tsa.url, trustedCaPem: tsa.caPem }),
      now: Date.now,
      log: r.log,
    });
    for (let i = 0; i < 12; i++) {
      const rec = log.append({ type: 'audit.started', i }, Date.now());
      // The append returns the record itself: no checkpoint is written inside it.
      expect(events(path).at(-1)!.seq).toBe(rec.seq);
      if (i % 5 === 4) await new Promise((res) => setImmediate(res));
    }
    await waitFor(() => log.stats().anchored === 2);
    await log.drained();
    log.close(); // writes a final checkpoint over the last records
    const evs = events(path).map((e) => e.event['type']);
    expect(evs.filter((t) => t === 'audit.checkpoint')).toHaveLength(3);
    expect(evs.filter((t) => t === 'audit.anchor')).toHaveLength(2);
    const v = await verifyAuditFile(path, {
      keys: new Map([[signer.kid, signer.publicKey]]),
      tsaCaPem: tsa.caPem,
    });
    expect(v).toMatchObject({ ok: true, checkpoints: 3, anchors: 2, unanchored: 1, uncovered: 0 });
    // Without trust material it still checks links, and says what it did not check.
    const out: string[] = [];
    const sink = { write: (s: string) => out.push(s) } as unknown as NodeJS.WritableStream;
    expect(await runAuditVerify(path, sink, sink)).toBe(0);
    expect(out.join('')).toContain('signatures NOT checked');
  });

  it('keeps appending while the TSA is down, alerts, retries, and anchors the backlog when it returns', async () => {
    const path = join(dir, 'b.jsonl');
    const r = recorder();
    await tsa.stop();
    const log = withCheckpoints(openFileAuditLog({ path, fsyncIntervalMs: 0 }), {
      signer: () => signer,
      origin: 'writ-audit/test-1',
      everyRecords: 0,
      everyMs: 0,
      tsa: createTsaClient({ url: tsa.url, trustedCaPem: tsa.caPem, timeoutMs: 1000 }),
      now: Date.now,
      log: r.log,
      retryInitialMs: 50,
      retryMaxMs: 200,
    });
    for (let round = 0; round < 3; round++) {
      const t0 = performance.now();
      for (let i = 0; i < 50; i++) log.append({ type: 'audit.started', round, i }, Date.now());
      expect(performance.now() - t0).toBeLessThan(500); // appends never wait for the TSA
      expect(log.checkpoint()).not.toBeNull();
    }
    await waitFor(() => log.stats().consecutiveFailures >= 2);
    expect(log.stats()).toMatchObject({ checkpoints: 3, anchored: 0, backlog: 3 });
    expect(r.logs.some((l) => l.level === 'error' && l.obj['alert'] === 'tsa-unavailable')).toBe(true);
    await tsa.start();
    await log.drained();
    expect(log.stats()).toMatchObject({ anchored: 3, backlog: 0, consecutiveFailures: 0 });
    log.close();
    const v = await verifyAuditFile(path, {
      keys: new Map([[signer.kid, signer.publicKey]]),
      tsaCaPem: tsa.caPem,
    });
    expect(v).toMatchObject({ ok: true, checkpoints: 3, anchors: 3, unanchored: 0 });
  });

  it('`writ audit verify` with --keys, --tsa-ca and an external --checkpoint catches a truncation', async () => {
    const path = join(dir, 'c.jsonl');
    const log = withCheckpoints(openFileAuditLog({ path, fsyncIntervalMs: 0 }), {
      signer: () => signer,
      origin: 'writ-audit/test-2',
      everyRecords: 0,
      everyMs: 0,
      tsa: createTsaClient({ url: tsa.url, trustedCaPem: tsa.caPem }),
      now: Date.now,
      log: recorder().log,
    });
    for (let i = 0; i < 4; i++) log.append({ type: 'audit.started', i }, Date.now());
    log.checkpoint();
    await log.drained();
    for (let i = 0; i < 3; i++) log.append({ type: 'audit.started', i }, Date.now());
    log.checkpoint();
    await log.drained();
    log.close();
    const all = events(path);
    const lastCkpt = all.filter((e) => e.event['type'] === 'audit.checkpoint').at(-1)!;
    const noteFile = join(dir, 'c.note');
    writeFileSync(noteFile, checkpointNote(lastCkpt.event as unknown as CheckpointEvent, signer.publicKey));
    const cli = (...args: string[]) =>
      spawnSync(
        process.execPath,
        [
          '--import',
          'tsx',
          join(import.meta.dirname, '..', '..', 'src', 'cli', 'main.ts'),
          'audit',
          'verify',
          ...args,
        ],
        { encoding: 'utf8', timeout: 60_000 },
      );
    const flags = ['--keys', keysFile, '--tsa-ca', join(dir, 'tsa-ca.pem'), '--checkpoint', noteFile];
    const ok = cli(path, ...flags);
    expect(ok.stdout).toMatch(/^ok: 11 records/);
    expect(ok.stdout).toContain('signatures verified');
    expect(ok.stdout).toContain('anchors: 2 (time-stamps verified)');
    expect(ok.status).toBe(0);
    // Cut the log back to before the last checkpoint: a valid prefix, caught only by the external note.
    const lines = readFileSync(path, 'utf8').split('\n');
    const cut = join(dir, 'c-cut.jsonl');
    writeFileSync(cut, lines.slice(0, 6).join('\n') + '\n');
    const bad = cli(cut, ...flags);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain('(missing-checkpoint)');
    // Wrong TSA CA: the anchor is the first bad record.
    const wrong = cli(path, '--keys', keysFile, '--tsa-ca', keysFile);
    expect(wrong.status).toBe(2); // not a certificate: refused as bad flags, not silently skipped
  });
});
