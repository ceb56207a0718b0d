/** The audit file: records chain across restarts; a torn last line is moved aside, reported and recorded. */
import { appendFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RecoveryReport } from '../../src/pipeline/trace/file-audit-log.js';
import { openFileAuditLog } from '../../src/pipeline/trace/file-audit-log.js';
import { verifyChainText } from '../../src/pipeline/trace/hash-chain.js';

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
});
