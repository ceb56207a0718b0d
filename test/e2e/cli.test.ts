/** The `writ` command as a user runs it: invalid policy stops startup; audit verify names the first bad record. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openFileAuditLog } from '../../src/audit/file-audit-log.js';

const root = join(import.meta.dirname, '..', '..');
const tmp = mkdtempSync(join(tmpdir(), 'writ-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function writ(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src', 'cli', 'main.ts'), ...args], {
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('writ CLI', () => {
  it('refuses to start on an invalid policy, naming file:line:column and the reason', () => {
    const dir = join(tmp, 'bad-policy');
    mkdirSync(dir);
    writeFileSync(join(dir, 'bad.yaml'), 'apiVersion: writ.dev/v1\nrules:\n  - id: r1\n    efect: deny\n');
    const r = writ(
      'serve',
      '--policy-dir',
      dir,
      '--home',
      join(tmp, 'home'),
      '--check-port',
      '0',
      '--verify-port',
      '0',
      '--admin-port',
      '0',
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('invalid policy, refusing to start');
    expect(r.stderr).toMatch(/bad\.yaml:4:5: unknown field "efect" in rule "r1"/);
  });

  it('audit verify accepts an intact log and names the first tampered record', () => {
    const path = join(tmp, 'audit.jsonl');
    const log = openFileAuditLog({ path, fsyncIntervalMs: 0 });
    for (let i = 0; i < 5; i++) log.append({ type: 'audit.started', i }, i);
    log.close();
    const ok = writ('audit', 'verify', path);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/^ok: 5 records/);
    const lines = readFileSync(path, 'utf8').split('\n');
    lines[2] = lines[2]!.replace('"i":2', '"i":7');
    writeFileSync(path, lines.join('\n'));
    const bad = writ('audit', 'verify', path);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain('FAILED at line 3 (bad-hash)');
  });

  it('prints usage and exits 2 on an unknown command', () => {
    const r = writ('frobnicate');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('usage:');
  });
});
