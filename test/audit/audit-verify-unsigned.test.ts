/**
 * `writ audit verify --keys` refuses a log that is not under signed checkpoints: a chain anyone could have
 * written (no checkpoint at all) or a long unsigned tail after the last one; --allow-unsigned accepts it.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { jwksDocument } from '../../src/admin/admin-server.js';
import { DEFAULT_MAX_UNSIGNED, runAuditVerify } from '../../src/audit/verify-file.js';
import { signerFromPrivateKey } from '../../src/keys/local-key.js';
import { withCheckpoints } from '../../src/audit/checkpointer.js';
import { openFileAuditLog } from '../../src/audit/file-audit-log.js';

const dir = mkdtempSync(join(tmpdir(), 'writ-unsigned-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const signer = signerFromPrivateKey(generateKeyPairSync('ed25519').privateKey);
const keysFile = join(dir, 'jwks.json');
writeFileSync(keysFile, JSON.stringify(jwksDocument([signer.publicKey])));
const quietLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Writes a log with real writ code: `signed` records then a checkpoint (if any), then `tail` more records. */
async function writeLog(name: string, signed: number, tail: number, checkpoint = true): Promise<string> {
  const path = join(dir, name);
  // fsync once a second: durability is not what these tests are about, and 3,000 fsyncs are slow.
  const file = openFileAuditLog({ path, fsyncIntervalMs: 1000 });
  const signing = checkpoint
    ? withCheckpoints(file, {
        signer: () => signer,
        origin: 'writ-audit/test',
        everyRecords: 0,
        everyMs: 0,
        now: Date.now,
        log: quietLog,
      })
    : null;
  const log = signing ?? file;
  for (let i = 0; i < signed; i++) log.append({ type: 'audit.started', i }, Date.now());
  // The checkpointer signs nothing over zero new records: a log with no record has no checkpoint.
  if (signing) {
    signing.checkpoint();
    await signing.drained();
  }
  // The tail goes to the file under the checkpointer, as records appended by someone without the key
  // would (the checkpointer signs a final head on close over what passed through it).
  for (let i = 0; i < tail; i++) file.append({ type: 'audit.started', i }, Date.now());
  log.close();
  return path;
}

async function verify(path: string, flags: Parameters<typeof runAuditVerify>[3]) {
  let out = '';
  let err = '';
  const sink = (f: (s: string) => void) =>
    ({ write: (s: string) => (f(s), true) }) as unknown as NodeJS.WritableStream;
  const code = await runAuditVerify(
    path,
    sink((s) => (out += s)),
    sink((s) => (err += s)),
    flags,
  );
  return { code, out, err };
}

describe('writ audit verify --keys', () => {
  it('refuses 3,000 records chained without any checkpoint (issue 18: was "ok ... checkpoints: 0")', async () => {
    const path = await writeLog('none.jsonl', 3000, 0, false);
    const r = await verify(path, { keys: keysFile });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^FAILED \(unsigned\): no signed checkpoint in 3000 records/);
    expect(r.out).toContain('--allow-unsigned');
    expect(r.out.split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('accepts the same log with --allow-unsigned, and says so on stderr', async () => {
    const path = join(dir, 'none.jsonl');
    const r = await verify(path, { keys: keysFile, allowUnsigned: true });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^ok: 3000 records/);
    expect(r.err).toContain('accepted with --allow-unsigned: no signed checkpoint');
  });

  it('without --keys nothing is claimed about signatures, so nothing changes', async () => {
    const r = await verify(join(dir, 'none.jsonl'), {});
    expect(r.code).toBe(0);
    expect(r.out).toContain('NOT checked: no --keys');
  });

  it('refuses an unsigned tail longer than the limit, at the bound and one past it', async () => {
    const at = await writeLog('at.jsonl', 5, DEFAULT_MAX_UNSIGNED);
    expect((await verify(at, { keys: keysFile })).code).toBe(0);
    const past = await writeLog('past.jsonl', 5, DEFAULT_MAX_UNSIGNED + 1);
    const r = await verify(past, { keys: keysFile });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /^FAILED \(unsigned\): 1001 records after the last signed checkpoint \(more than 1000\)/,
    );
    expect((await verify(past, { keys: keysFile, maxUnsigned: 2000 })).code).toBe(0);
    expect((await verify(past, { keys: keysFile, allowUnsigned: true })).code).toBe(0);
  });

  it('for any head and tail length, accepts exactly when signed and the tail is within --max-unsigned', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 0, max: 20 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 20 }),
        async (signed, tail, checkpoint, max) => {
          const path = await writeLog(`p${n++}.jsonl`, signed, tail, checkpoint);
          const r = await verify(path, { keys: keysFile, maxUnsigned: max });
          expect(r.code).toBe(checkpoint && signed > 0 && tail <= max ? 0 : 1);
        },
      ),
      { numRuns: 60 },
    );
  });
});
