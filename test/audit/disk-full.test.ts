/**
 * Issue 15, faults that held, kept as tests: the audit log's filesystem fills up under a real writ (gRPC on
 * loopback). Every decision is then ERR_AUDIT_WRITE with no token released; once space is freed, writ
 * recovers by itself (no restart) and the chain it wrote verifies. The full disk is a real one: a 512 KiB
 * tmpfs mounted for the test (this needs root; where mount is refused the suite is skipped and says so, and
 * the refusal itself stays covered by /dev/full in test/unit/pipeline-fail-closed.test.ts).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { responseHeader, structField } from '../../src/cli/check-client.js';
import { scenarioCheckRequest } from '../../src/cli/scenario.js';
import { verifyChainText } from '../../src/pipeline/audit-record/hash-chain.js';
import { startTestWrit, type TestWrit } from '../support/writ-server.js';

const mnt = mkdtempSync(join(tmpdir(), 'writ-full-'));
const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=512k', 'tmpfs', mnt]).status === 0;
const skipReason = mounted ? '' : ' (skipped: cannot mount a tmpfs here, root is needed)';

const ALLOWED = scenarioCheckRequest({
  mcp: { tool: 'query_db', arguments: { database: 'analytics-replica', query: 'SELECT id FROM orders' } },
});

describe.skipIf(!mounted)(`an audit disk that fills up${skipReason}`, () => {
  let t: TestWrit;
  const auditFile = join(mnt, 'audit.jsonl');
  const filler = join(mnt, 'filler');

  beforeAll(async () => {
    t = await startTestWrit({ 'audit-file': auditFile, 'audit-fsync-ms': '0' });
  });
  afterAll(async () => {
    await t?.stop();
    spawnSync('umount', [mnt]);
    rmSync(mnt, { recursive: true, force: true });
  });

  const call = async () => {
    const res = await t.check.check(ALLOWED);
    return { code: String(structField(res, 'writ_code')), token: responseHeader(res, 'x-writ-token') };
  };

  it('denies every decision with ERR_AUDIT_WRITE and no token while full, and recovers by itself', async () => {
    expect((await call()).code).toBe('POLICY_ALLOW');
    // Leave room for a few records only.
    const fs = statfsSync(mnt);
    writeFileSync(filler, Buffer.alloc(Number(fs.bavail * fs.bsize) - 6 * 1024));
    const full: Array<{ code: string; token: string | undefined }> = [];
    for (let i = 0; i < 60; i++) full.push(await call());
    const refused = full.filter((r) => r.code === 'ERR_AUDIT_WRITE');
    // The disk filled up: the last calls were all refused, and a refusal never carries a token.
    expect(full.slice(-30).every((r) => r.code === 'ERR_AUDIT_WRITE')).toBe(true);
    expect(refused.every((r) => r.token === undefined)).toBe(true);
    // Every call that did get a token is in the log (audited before answered).
    const allowed = full.filter((r) => r.token !== undefined).length;
    const before = readFileSync(auditFile, 'utf8');
    expect(verifyChainText(before).ok).toBe(true);

    rmSync(filler);
    const after = await call();
    expect(after.code).toBe('POLICY_ALLOW');
    expect(after.token).toBeDefined();
    const text = readFileSync(auditFile, 'utf8');
    const verdict = verifyChainText(text);
    expect(verdict.firstBad).toBeUndefined();
    expect(verdict.ok).toBe(true);
    // The records: the first call, the ones that fit, and the one after recovery; none of the refused ones.
    expect(verdict.records).toBeGreaterThanOrEqual(allowed + 2);
    expect(text.split('\n').filter((l) => l.includes('"decision":"ALLOW"')).length).toBe(allowed + 2);
  });
});
