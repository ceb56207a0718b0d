/** `writ policy test | validate | explain`, run in process with captured output. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { runPolicyCommand } from '../../src/cli/policy-command.js';
import { loadPolicyFolder } from '../../src/policy-files.js';
import type { DecisionEvent } from '../../src/pipeline/audit-record/audit-event.js';
import { openFileAuditLog } from '../../src/audit/file-audit-log.js';

const root = join(import.meta.dirname, '..', '..');
const tmp = mkdtempSync(join(tmpdir(), 'writ-policy-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function run(...args: string[]) {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (d) => (stdout += String(d)));
  err.on('data', (d) => (stderr += String(d)));
  const code = await runPolicyCommand(args, out, err);
  return { code, stdout, stderr };
}

describe('writ policy test', () => {
  it('passes the default pack with its shipped tests', async () => {
    const r = await run('test', join(root, 'policies'));
    expect(r.stdout).not.toContain('FAIL');
    expect(r.stdout).toMatch(/\n(\d+) passed, 0 failed/);
    expect(Number(/(\d+) passed/.exec(r.stdout)![1])).toBeGreaterThanOrEqual(25);
    expect(r.code).toBe(0);
  });

  it('exits non-zero and names the failing case and what differed', async () => {
    const dir = join(tmp, 'pack');
    mkdirSync(join(dir, 'tests'), { recursive: true });
    writeFileSync(
      join(dir, 'p.yaml'),
      'apiVersion: writ.dev/v1\nrules:\n  - {id: read-ok, effect: allow, when: {action.operation: read}}\n',
    );
    writeFileSync(
      join(dir, 'tests', 'cases.yaml'),
      'cases:\n' +
        '  - {name: reads pass, action: {action: {operation: read}}, expect: {decision: ALLOW, rules: [read-ok]}}\n' +
        '  - {name: wrong on purpose, action: {action: {operation: write}}, expect: {decision: ALLOW}}\n',
    );
    const r = await run('test', dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('PASS');
    expect(r.stdout).toMatch(/FAIL .*wrong on purpose\n\s+decision: want ALLOW, got DENY/);
    expect(r.stdout).toContain('1 passed, 1 failed');
  });
});

describe('writ policy validate', () => {
  it('accepts the default pack and rejects an invalid one with file:line:column', async () => {
    expect((await run('validate', join(root, 'policies'))).code).toBe(0);
    const dir = join(tmp, 'bad');
    mkdirSync(dir);
    writeFileSync(
      join(dir, 'bad.yaml'),
      'apiVersion: writ.dev/v1\nrules:\n  - {id: r1, effect: deny, when: {signals.nope: {exists: true}}}\n',
    );
    const r = await run('validate', dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /bad\.yaml:3:\d+: rule "r1": unknown inspector "nope" in dimension "signals\.nope"/,
    );
  });
});

describe('writ policy explain', () => {
  it('explains a request: every rule, each condition, and the decision', async () => {
    const r = await run(
      'explain',
      '--request',
      join(root, 'scenarios', 'seed', '01-destructive-prod.yaml'),
      '--policy',
      join(root, 'policies'),
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/✓ no-destructive-prod \(deny, priority 100\)/);
    expect(r.stdout).toMatch(
      /✓ resource\.database \{"in":"\$production_databases"\}\s+\(value: "production"\)/,
    );
    expect(r.stdout).toMatch(/✗ analytics-readonly/);
    expect(r.stdout).toMatch(/✓ destructive-sql-denied \(deny, priority 100\)/);
    expect(r.stdout).toMatch(/decision: DENY \(POLICY_DENY\) by destructive-sql-denied, no-destructive-prod/);
  });

  it('explains an audited decision by trace id from what the record keeps, marking the rest unknown', async () => {
    const set = loadPolicyFolder(join(root, 'policies'));
    const audit = join(tmp, 'audit.jsonl');
    const log = openFileAuditLog({ path: audit, fsyncIntervalMs: 0 });
    const event: DecisionEvent = {
      type: 'decision',
      trace_id: 'trace-42',
      role: 'check',
      decision: 'DENY',
      code: 'POLICY_DENY',
      rules: ['path-traversal-denied'],
      policy_version: set.version,
      subject: 'spiffe://cluster.local/ns/agents/sa/support-assistant',
      adapter: 'mcp',
      tool: 'write_file',
      operation: 'write',
      method: 'POST',
      host: 'mcp.tools.svc.cluster.local',
      path: '/mcp',
      query_sha256: null,
      body_sha256: 'ab',
      body_bytes: 120,
      action_hash: null,
      token_id: null,
      findings: [
        {
          id: 'path-traversal.dot-dot',
          severity: 'high',
          path: '$.action.arguments.path',
          evidence: '../../etc/…',
          occurrences: 1,
        },
      ],
    };
    log.append(event, Date.UTC(2026, 0, 5, 10, 0, 0));
    log.close();
    const r = await run(
      'explain',
      '--trace-id',
      'trace-42',
      '--audit',
      audit,
      '--policy',
      join(root, 'policies'),
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/✓ path-traversal-denied/);
    expect(r.stdout).toMatch(/\? resource\.database .*not recorded/);
    expect(r.stdout).toMatch(/decision: DENY \(POLICY_DENY\) by path-traversal-denied/);
    expect(r.stdout).toContain('recorded: DENY (POLICY_DENY) by [path-traversal-denied]');
    expect(r.stdout).not.toContain('warning');

    const missing = await run(
      'explain',
      '--trace-id',
      'nope',
      '--audit',
      audit,
      '--policy',
      join(root, 'policies'),
    );
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no decision with trace id "nope"');
  });
});
