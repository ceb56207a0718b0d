/**
 * Two writ processes sharing one real Redis: an approval granted through one replica lets the other
 * issue the token, a token is consumed once across replicas, and rate caps and quarantines are shared.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectCheckClient, responseHeader, type CheckClient } from '../../src/cli/check-client.js';
import { scenarioCheckRequest } from '../../src/cli/scenario.js';
import { APPROVER_KEY, enforcementPolicy, mcp, outcomeOf } from '../enforce/support.js';
import {
  cleanPrefix,
  freePort,
  REDIS_URL,
  redisSkipReason,
  runRedisTests,
  testPrefix,
} from '../support/redis.js';

const repo = join(import.meta.dirname, '..', '..');

interface Replica {
  readonly child: ChildProcess;
  readonly check: CheckClient;
  readonly verify: CheckClient;
  readonly admin: string;
}

async function startReplica(dir: string, name: string, prefix: string): Promise<Replica> {
  const home = join(dir, name);
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/cli/main.ts',
      'serve',
      '--home',
      home,
      '--policy-dir',
      join(dir, 'policies'),
      '--signing-key',
      join(dir, 'signing-key.pem'),
      '--approver-keys-file',
      join(dir, 'approvers.txt'),
      '--redis-url',
      REDIS_URL,
      // The Redis of this machine keeps no data across restarts: accepted here, as the test is about replicas.
      '--allow-volatile-state',
      'true',
      '--redis-prefix',
      prefix,
      '--check-port',
      '0',
      '--verify-port',
      '0',
      // --admin-port 0 disables the admin server, so pick a free one.
      '--admin-port',
      String(await freePort()),
      '--extproc-port',
      '0',
      '--inbound-port',
      '0',
    ],
    { cwd: repo, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, WRIT_LOG_LEVEL: 'info' } },
  );
  const ports = await new Promise<Record<string, number>>((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`${name} did not start: ${buf.slice(-2000)}`)), 30_000);
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      buf += d;
      for (const line of buf.split('\n')) {
        if (!line.includes('"writ serving"')) continue;
        clearTimeout(timer);
        resolve((JSON.parse(line) as { ports: Record<string, number> }).ports);
        return;
      }
    });
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}: ${buf.slice(-2000)}`)));
  });
  child.stderr.resume();
  return {
    child,
    check: connectCheckClient(`127.0.0.1:${ports['check']}`),
    verify: connectCheckClient(`127.0.0.1:${ports['verify']}`),
    admin: `http://127.0.0.1:${ports['admin']}`,
  };
}

describe.skipIf(!runRedisTests)(`two replicas sharing Redis${redisSkipReason}`, () => {
  const prefix = testPrefix();
  let dir: string;
  let a: Replica;
  let b: Replica;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'writ-replicas-'));
    mkdirSync(join(dir, 'policies'));
    writeFileSync(join(dir, 'policies', 'policy.yaml'), enforcementPolicy());
    // One signing key for both, so either replica's verify role trusts the other's tokens.
    const key = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' });
    writeFileSync(join(dir, 'signing-key.pem'), key, { mode: 0o600 });
    writeFileSync(
      join(dir, 'approvers.txt'),
      `alice ${createHash('sha256').update(APPROVER_KEY).digest('hex')} security-oncall\n`,
    );
    [a, b] = await Promise.all([startReplica(dir, 'a', prefix), startReplica(dir, 'b', prefix)]);
  }, 60_000);

  afterAll(async () => {
    for (const r of [a, b]) {
      if (r === undefined) continue;
      r.check.close();
      r.verify.close();
      await new Promise<void>((resolve) => {
        r.child.once('exit', () => resolve());
        r.child.kill('SIGTERM');
      });
    }
    rmSync(dir, { recursive: true, force: true });
    await cleanPrefix(prefix);
  });

  const as = (sa: string, tool: string, args: unknown) => ({
    ...mcp(tool, args),
    principal: `spiffe://cluster.local/ns/agents/sa/${sa}`,
  });

  it('grants on one replica what was approved through the other, once; the token is single use across both', async () => {
    const req = as('replica-agent', 'send_email', { to: 'cfo@example.org', body: 'numbers' });
    const pending = outcomeOf(await a.check.check(scenarioCheckRequest(req)));
    expect(pending.decision).toBe('REQUIRE_APPROVAL');
    const id = pending.body.approval_id as string;
    // Replica B sees the same pending approval: no second one.
    expect(outcomeOf(await b.check.check(scenarioCheckRequest(req))).body.approval_id).toBe(id);
    const approve = await fetch(`${a.admin}/api/approvals/${id}/approve`, {
      method: 'POST',
      headers: { authorization: `Bearer ${APPROVER_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'approved on replica a' }),
    });
    expect(approve.status).toBe(200);
    // Both replicas race for the one approval: exactly one is granted.
    const [x, y] = await Promise.all([
      a.check.check(scenarioCheckRequest(req)),
      b.check.check(scenarioCheckRequest(req)),
    ]);
    const granted = [x, y].filter((r) => outcomeOf(r).code === 'APPROVAL_GRANTED');
    expect(granted).toHaveLength(1);
    const token = responseHeader(granted[0]!, 'x-writ-token')!;
    const withToken = scenarioCheckRequest(req, { 'x-writ-token': token });
    const [v1, v2] = await Promise.all([a.verify.check(withToken), b.verify.check(withToken)]);
    expect([outcomeOf(v1).code, outcomeOf(v2).code].sort()).toEqual(['ERR_TOKEN_REPLAYED', 'VERIFY_OK']);
  });

  it('shares rate caps and quarantines across replicas', async () => {
    const weather = (city: string) => scenarioCheckRequest(as('replica-rate', 'get_weather', { city }));
    const codes = [];
    for (const [i, r] of [a, b, a, b].entries())
      codes.push(outcomeOf(await r.check.check(weather(`c${i}`))).code);
    expect(codes).toEqual([
      'POLICY_ALLOW_WITH_OBLIGATIONS',
      'POLICY_ALLOW_WITH_OBLIGATIONS',
      'POLICY_ALLOW_WITH_OBLIGATIONS',
      'ERR_RATE_LIMITED',
    ]);
    await a.check.check(scenarioCheckRequest(as('replica-q', 'read_honeypot', { id: 1 })));
    expect(
      outcomeOf(await b.check.check(scenarioCheckRequest(as('replica-q', 'get_weather', { city: 'x' }))))
        .code,
    ).toBe('ERR_QUARANTINED');
  });
});
