/** `writ audit note`: a log's checkpoint exported as a signed note, which then catches truncation. */
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { jwksDocument } from '../../src/admin/admin-server.js';
import { runAuditNote } from '../../src/audit/note.js';
import { runAuditVerify } from '../../src/audit/verify-file.js';
import { signerFromPrivateKey } from '../../src/keys/local-key.js';
import { parseCheckpointNote } from '../../src/pipeline/audit-record/checkpoint.js';
import { withCheckpoints } from '../../src/audit/checkpointer.js';
import { openFileAuditLog } from '../../src/audit/file-audit-log.js';

const dir = mkdtempSync(join(tmpdir(), 'writ-note-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const signer = signerFromPrivateKey(generateKeyPairSync('ed25519').privateKey);
const keysFile = join(dir, 'jwks.json');
writeFileSync(keysFile, JSON.stringify(jwksDocument([signer.publicKey])));
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** A log of 6 decisions with a checkpoint after every 3: records 1-3, checkpoint 4, 5-7, checkpoint 8. */
function writeLog(name: string): string {
  const path = join(dir, name);
  const log = withCheckpoints(openFileAuditLog({ path, fsyncIntervalMs: 0 }), {
    signer: () => signer,
    origin: 'writ-audit/test-0',
    everyRecords: 0,
    everyMs: 0,
    now: () => 1_767_600_000_000,
    log: silent,
  });
  for (let i = 1; i <= 6; i++) {
    log.append({ type: 'audit.started', i }, 1_767_600_000_000 + i);
    if (i % 3 === 0) log.checkpoint();
  }
  log.close(); // no records since the last checkpoint: close adds none
  return path;
}

function capture() {
  const chunks: string[] = [];
  return {
    text: () => chunks.join(''),
    sink: { write: (s: string) => chunks.push(s) } as unknown as NodeJS.WritableStream,
  };
}

describe('writ audit note', () => {
  it('prints the last checkpoint as a note that verifies, and that catches a truncated log', async () => {
    const path = writeLog('a.jsonl');
    const out = capture();
    const err = capture();
    expect(await runAuditNote(path, out.sink, err.sink, { keys: keysFile })).toBe(0);
    const note = parseCheckpointNote(out.text(), (kid) =>
      kid === signer.kid ? signer.publicKey : undefined,
    );
    expect(note).toMatchObject({ origin: 'writ-audit/test-0', size: 7, kid: signer.kid });
    const noteFile = join(dir, 'a.note');
    writeFileSync(noteFile, out.text());
    const quiet = capture();
    expect(
      await runAuditVerify(path, quiet.sink, quiet.sink, { keys: keysFile, checkpoint: [noteFile] }),
    ).toBe(0);
    // Cut the log back to its first checkpoint: still a valid chain, caught only by the note held outside.
    const lines = readFileSync(path, 'utf8').split('\n');
    writeFileSync(path, lines.slice(0, 4).join('\n') + '\n');
    const cut = capture();
    expect(await runAuditVerify(path, cut.sink, cut.sink, { keys: keysFile, checkpoint: [noteFile] })).toBe(
      1,
    );
  });

  it('exports the checkpoint at --seq, and says when there is none there', async () => {
    const path = writeLog('b.jsonl');
    const out = capture();
    expect(await runAuditNote(path, out.sink, capture().sink, { keys: keysFile, seq: 4 })).toBe(0);
    expect(out.text().split('\n').slice(0, 2)).toEqual(['writ-audit/test-0', '3']);
    const err = capture();
    expect(await runAuditNote(path, capture().sink, err.sink, { keys: keysFile, seq: 5 })).toBe(1);
    expect(err.text()).toContain('no checkpoint at seq 5');
  });

  it('refuses a tampered log or foreign keys, and prints nothing', async () => {
    const path = writeLog('c.jsonl');
    writeFileSync(path, readFileSync(path, 'utf8').replace('"i":2', '"i":9'));
    const out = capture();
    const err = capture();
    expect(await runAuditNote(path, out.sink, err.sink, { keys: keysFile })).toBe(1);
    expect(out.text()).toBe('');
    expect(err.text()).toMatch(/does not verify \(line 2, bad-hash/);
    const other = join(dir, 'other.json');
    const stranger = signerFromPrivateKey(generateKeyPairSync('ed25519').privateKey);
    writeFileSync(other, JSON.stringify(jwksDocument([stranger.publicKey])));
    const foreign = capture();
    expect(await runAuditNote(writeLog('d.jsonl'), foreign.sink, capture().sink, { keys: other })).toBe(1);
    expect(foreign.text()).toBe('');
  });

  it('is wired into the writ command', () => {
    const path = writeLog('e.jsonl');
    const main = join(import.meta.dirname, '..', '..', 'src', 'cli', 'main.ts');
    const run = (...args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', main, 'audit', 'note', ...args], {
        encoding: 'utf8',
        timeout: 60_000,
      });
    const ok = run(path, '--keys', keysFile);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/^writ-audit\/test-0\n7\n/);
    expect(run(path).status).toBe(2); // --keys is required: usage
  });
});
