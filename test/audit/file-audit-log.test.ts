/** The audit file: records chain across restarts; a torn last line is moved aside, reported and recorded. */
import {
  appendFileSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RecoveryReport } from '../../src/audit/file-audit-log.js';
import { openFileAuditLog } from '../../src/audit/file-audit-log.js';
import { verifyChainText } from '../../src/pipeline/audit-record/hash-chain.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempFile(): string {
  const d = mkdtempSync(join(tmpdir(), 'writ-audit-'));
  dirs.push(d);
  return join(d, 'audit.jsonl');
}
const started = (i: number) => ({ type: 'audit.started' as const, i });

describe('file audit log', () => {
  it('resumes the chain after a restart', () => {
    const path = tempFile();
    const a = openFileAuditLog({ path, fsyncIntervalMs: 0 });
    a.append(started(1), 1);
    const second = a.append(started(2), 2);
    a.close();
    const b = openFileAuditLog({ path });
    const third = b.append(started(3), 3);
    b.close();
    expect(third.seq).toBe(3);
    expect(third.prev).toBe(second.hash);
    expect(verifyChainText(readFileSync(path, 'utf8'))).toMatchObject({ ok: true, records: 3 });
  });

  it('moves a torn last line aside, reports it, and records the recovery in the chain', () => {
    const path = tempFile();
    const a = openFileAuditLog({ path, fsyncIntervalMs: 0 });
    a.append(started(1), 1);
    a.close();
    appendFileSync(path, '{"seq":2,"time":"19'); // a write cut short by a crash
    expect(verifyChainText(readFileSync(path, 'utf8')).firstBad?.problem).toBe('torn-last-line');
    let report: RecoveryReport | undefined;
    const b = openFileAuditLog({ path, onRecovery: (r) => (report = r) });
    b.append(started(3), 3);
    b.close();
    expect(report).toMatchObject({ tornBytes: 19, resumedAtSeq: 2 });
    const text = readFileSync(path, 'utf8');
    expect(verifyChainText(text)).toMatchObject({ ok: true, records: 3 });
    expect(JSON.parse(text.split('\n')[1]!).event).toMatchObject({
      type: 'audit.recovered-torn-tail',
      torn_bytes: 19,
    });
    expect(readdirSync(join(path, '..')).some((f) => f.startsWith('audit.jsonl.torn-'))).toBe(true);
  });

  it('refuses to extend a chain whose last record was altered', () => {
    const path = tempFile();
    const a = openFileAuditLog({ path, fsyncIntervalMs: 0 });
    a.append(started(1), 1);
    a.close();
    writeFileSync(path, readFileSync(path, 'utf8').replace('"i":1', '"i":9'));
    expect(() => openFileAuditLog({ path })).toThrow(/does not match its hash/);
  });

  it('an append after close throws, so the pipeline denies', () => {
    const path = tempFile();
    const a = openFileAuditLog({ path });
    a.close();
    expect(() => a.append(started(1), 1)).toThrow();
  });

  it('a failed write keeps the head and refuses later records when the file cannot be cut back (real ENOSPC, /dev/full)', () => {
    const log = openFileAuditLog({ path: '/dev/full', fsyncIntervalMs: 50 });
    expect(() => log.append(started(1), 1)).toThrow(/ENOSPC/);
    expect(log.head().seq).toBe(0);
    // A character device cannot be cut back either: the log refuses every later record (closed by default).
    expect(() => log.append(started(2), 2)).toThrow(/could not be cut back/);
    expect(log.head().seq).toBe(0);
    expect(() => log.close()).toThrow(/EINVAL/); // a character device cannot be fsynced: close says so
  });

  it('cuts a partial write back off the file, so the chain goes on from the last whole record', () => {
    // Fault injection: no real file here can be made to take half a write and then fail on demand.
    const path = tempFile();
    let failing = 0; // 2: the next write is short; 1: the one after fails
    const log = openFileAuditLog({
      path,
      fsyncIntervalMs: 0,
      writeSyncForTests: ((fd: number, buf: Uint8Array, off: number, len: number) => {
        if (failing === 0) return writeSync(fd, buf, off, len);
        if (failing-- === 2) return writeSync(fd, buf, off, Math.floor(len / 2)); // a short write...
        throw Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO' }); // ...then the device fails
      }) as typeof writeSync,
    });
    const first = log.append(started(1), 1);
    failing = 2;
    expect(() => log.append(started(2), 2)).toThrow(/EIO/);
    expect(log.head()).toEqual({ seq: 1, hash: first.hash });
    const after = log.append(started(4), 4);
    expect(after).toMatchObject({ seq: 2, prev: first.hash });
    log.close();
    expect(verifyChainText(readFileSync(path, 'utf8'))).toMatchObject({ ok: true, records: 2 });
  });
});
