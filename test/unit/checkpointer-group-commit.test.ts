/** The checkpointing wrapper over group commit: the SIEM tap sees only written records; checkpoints cover staged ones. */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { signerFromPrivateKey } from '../../src/keys/local-key.js';
import { withCheckpoints } from '../../src/pipeline/trace/checkpointer.js';
import { openFileAuditLog } from '../../src/pipeline/trace/file-audit-log.js';
import { verifyChainText } from '../../src/pipeline/trace/hash-chain.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const signer = signerFromPrivateKey(generateKeyPairSync('ed25519').privateKey);
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
const started = (i: number) => ({ type: 'audit.started' as const, i });

function checkpointed(path: string, tapped: number[]) {
  return withCheckpoints(openFileAuditLog({ path, fsyncIntervalMs: 0 }), {
    signer: () => signer,
    origin: 'writ-audit/test',
    everyRecords: 0,
    everyMs: 0,
    now: () => 1_767_600_000_000,
    log: silent,
    tap: (rec) => tapped.push(rec.seq),
  });
}

describe('checkpointing over group commit', () => {
  it('taps a staged record once it is written, and a checkpoint covers what was staged', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'writ-gc-'));
    dirs.push(dir);
    const path = join(dir, 'a.jsonl');
    const tapped: number[] = [];
    const log = checkpointed(path, tapped);
    const a = log.stage!(started(1), 1);
    const b = log.stage!(started(2), 2);
    expect(tapped).toEqual([]);
    await Promise.all([a.written, b.written]);
    await Promise.resolve();
    expect(tapped).toEqual([1, 2]);
    const c = log.stage!(started(3), 3);
    const cp = log.checkpoint(); // synchronous: writes the staged record first, then the checkpoint
    expect(cp?.seq).toBe(4);
    log.close();
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    const checkpoint = JSON.parse(lines[3]!) as { event: { type: string; size: number; head: string } };
    expect(checkpoint.event).toMatchObject({ type: 'audit.checkpoint', size: 3, head: c.record.hash });
    expect(verifyChainText(readFileSync(path, 'utf8'))).toMatchObject({ ok: true });
  });

  it('never taps a record whose batch failed (a real ENOSPC from /dev/full)', async () => {
    const tapped: number[] = [];
    const log = withCheckpoints(openFileAuditLog({ path: '/dev/full', fsyncIntervalMs: 50 }), {
      signer: () => signer,
      origin: 'writ-audit/test',
      everyRecords: 0,
      everyMs: 0,
      now: () => 1,
      log: silent,
      tap: (rec) => tapped.push(rec.seq),
    });
    const s = log.stage!(started(1), 1);
    await expect(s.written).rejects.toThrow(/ENOSPC/);
    await Promise.resolve();
    expect(tapped).toEqual([]);
  });
});
