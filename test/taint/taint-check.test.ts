/**
 * Session taint through the check role over real gRPC, with the default policy pack: a session marked
 * tainted (through the store, as the response side marks it) has its next privileged call held for an
 * approver, naming the read that tainted it, while a read still passes; an approver's clear (admin API,
 * audited, never by the agent itself) or the TTL lifts the hold.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWrit, type WritInstance } from '../../src/app.js';
import { connectCheckClient, type CheckClient } from '../../src/cli/check-client.js';
import { DEFAULT_PRINCIPAL, scenarioCheckRequest, type ScenarioRequest } from '../../src/cli/scenario.js';
import { resolveConfig } from '../../src/config.js';
import { markSessionTaint } from '../../src/pipeline/taint/mark-taint.js';
import { APPROVER_KEY, AGENT_KEY, outcomeOf } from '../enforce/support.js';
import { ANALYTICS_READ } from '../support/writ-server.js';

const repo = join(import.meta.dirname, '..', '..');
const T0 = Date.UTC(2026, 0, 5, 10, 0, 0); // a Monday, 11:00 in Berlin: business hours
const TTL_S = 600;

/** External mail in business hours: the default pack allows it (rate-capped) in an untainted session. */
const SEND: ScenarioRequest = {
  mcp: { tool: 'send_email', arguments: { to: 'someone@partner.example', subject: 'hi', body: 'hello' } },
};
/** A read-only analytics query: allowed, tainted or not. */
const READ: ScenarioRequest = ANALYTICS_READ;

interface Running {
  readonly writ: WritInstance;
  readonly check: CheckClient;
  readonly clock: { now: number };
  readonly home: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers, read loosely by tests
  api(method: string, path: string, body?: unknown, key?: string): Promise<{ status: number; body: any }>;
  stop(): Promise<void>;
}

async function start(flags: Record<string, string> = {}): Promise<Running> {
  const home = mkdtempSync(join(tmpdir(), 'writ-taint-'));
  const sha = (s: string) => createHash('sha256').update(s).digest('hex');
  const keys = join(home, 'approvers.txt');
  writeFileSync(
    keys,
    `alice ${sha(APPROVER_KEY)} security-oncall\nsupport-assistant ${sha(AGENT_KEY)} security-oncall\n`,
  );
  const clock = { now: T0 };
  const config = resolveConfig(
    {
      home,
      'policy-dir': join(repo, 'policies'),
      'admin-port': '0',
      'approver-keys-file': keys,
      'taint-ttl': String(TTL_S),
      ...flags,
    },
    {},
  );
  const writ = await startWrit({
    config,
    now: () => clock.now,
    logger: pino({ level: 'silent' }),
    listeners: [{ role: 'check', host: '127.0.0.1', port: 0 }],
    admin: true,
  });
  const check = connectCheckClient(`127.0.0.1:${writ.ports.check}`);
  const adminUrl = `http://127.0.0.1:${writ.ports.admin}`;
  return {
    writ,
    check,
    clock,
    home,
    async api(method, path, body, key = APPROVER_KEY) {
      const res = await fetch(`${adminUrl}${path}`, {
        method,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: res.status, body: await res.json() };
    },
    async stop() {
      check.close();
      await writ.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

const decide = async (t: Running, r: ScenarioRequest, headers: Record<string, string> = {}) =>
  outcomeOf(await t.check.check(scenarioCheckRequest(r, headers)));

/** Marks the agent's session as the response side does after a tool result carried an injection. */
async function taintFromReviews(t: Running, sessionId: string | null, mcpSessionId: string | null = null) {
  return markSessionTaint(
    { store: t.writ.store, audit: t.writ.audit, now: () => t.clock.now, taintTtlMs: TTL_S * 1000 },
    {
      scope: {
        principal: DEFAULT_PRINCIPAL,
        agent: 'support-assistant',
        sessionId,
        server: 'reviews.svc.cluster.local',
        mcpSessionId,
      },
      tool: 'get_product_reviews',
      method: 'tools/call',
      findings: ['prompt-injection.instruction-override'],
      traceId: `resp-${t.clock.now}`,
    },
  );
}

describe('session taint in the check role (real gRPC, default pack, memory store)', () => {
  let t: Running;
  beforeAll(async () => {
    t = await start();
  });
  afterAll(async () => t.stop());

  it('before any taint the send is allowed (rate-capped) and the read passes', async () => {
    expect((await decide(t, SEND)).decision).toBe('ALLOW_WITH_OBLIGATIONS');
    expect((await decide(t, READ)).decision).toBe('ALLOW');
  });

  it('tainted: the send is held for approval naming the read, the read still passes, the approval shows the taint', async () => {
    const keys = await taintFromReviews(t, null);
    expect(keys).toEqual([`subject:${DEFAULT_PRINCIPAL}`]);
    const held = await decide(t, SEND);
    expect(held.decision).toBe('REQUIRE_APPROVAL');
    expect(held.body.rules).toContain('tainted-session-privileged-approval');
    expect(held.body.message).toContain('get_product_reviews');
    expect(held.body.message).toContain('reviews.svc.cluster.local');
    expect(held.body.message).toContain('prompt-injection.instruction-override');
    expect(held.body.taint_findings).toEqual(['prompt-injection.instruction-override']);
    expect((await decide(t, READ)).decision).toBe('ALLOW');
    const approval = await t.api('GET', `/api/approvals/${held.body.approval_id as string}`);
    expect(approval.status).toBe(200);
    expect(approval.body.taint.keys).toEqual(keys);
    expect(approval.body.taint.sources[0]).toMatchObject({
      server: 'reviews.svc.cluster.local',
      tool: 'get_product_reviews',
      findings: ['prompt-injection.instruction-override'],
      at: T0,
    });
  });

  it('the agent cannot clear its own taint; an approver can, audited, and the send passes again', async () => {
    const key = `subject:${DEFAULT_PRINCIPAL}`;
    const self = await t.api('POST', '/api/taints/clear', { keys: [key], reason: 'mine' }, AGENT_KEY);
    expect(self.status).toBe(403);
    expect((await decide(t, SEND)).decision).toBe('REQUIRE_APPROVAL');
    expect((await t.api('GET', '/api/taints')).body.taints.map((x: { key: string }) => x.key)).toContain(key);
    const bad = await t.api('POST', '/api/taints/clear', { keys: [key] });
    expect(bad.status).toBe(400);
    const cleared = await t.api('POST', '/api/taints/clear', { keys: [key], reason: 'reviewed the reviews' });
    expect(cleared).toEqual({ status: 200, body: { cleared: [key] } });
    expect((await decide(t, SEND)).decision).toBe('ALLOW_WITH_OBLIGATIONS');
    expect((await t.api('POST', '/api/taints/clear', { keys: [key], reason: 'again' })).status).toBe(404);
    t.writ.audit.flush();
    const events = readFileSync(join(t.home, 'audit', 'audit.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { event: Record<string, unknown> }).event);
    expect(events.filter((e) => e['type'] === 'taint.marked')).toHaveLength(1);
    const clear = events.find((e) => e['type'] === 'taint.cleared');
    expect(clear).toMatchObject({ key, approver: 'key:alice', reason: 'reviewed the reviews' });
  });

  it('the hold lifts by itself when the TTL lapses', async () => {
    await taintFromReviews(t, null);
    expect((await decide(t, SEND)).decision).toBe('REQUIRE_APPROVAL');
    t.clock.now += TTL_S * 1000 - 1000;
    expect((await decide(t, SEND)).decision).toBe('REQUIRE_APPROVAL');
    t.clock.now += 1000;
    expect((await decide(t, SEND)).decision).toBe('ALLOW_WITH_OBLIGATIONS');
    t.clock.now = T0;
  });
});

describe('session taint per agent session (trusted x-writ-session) and per MCP session', () => {
  let t: Running;
  beforeAll(async () => {
    t = await start({ 'trust-agent-headers': 'true' });
  });
  afterAll(async () => t.stop());

  it('a taint in one agent session holds that session only; an MCP session taint holds its own calls', async () => {
    await taintFromReviews(t, 'sess-a', 'mcp-1');
    expect((await decide(t, SEND, { 'x-writ-session': 'sess-a' })).decision).toBe('REQUIRE_APPROVAL');
    expect((await decide(t, SEND, { 'x-writ-session': 'sess-b' })).decision).toBe('ALLOW_WITH_OBLIGATIONS');
    // The same MCP session on the server it was tainted through, even without the agent session header.
    const toReviews = { ...SEND, authority: 'reviews.svc.cluster.local' };
    expect((await decide(t, toReviews, { 'mcp-session-id': 'mcp-1' })).decision).toBe('REQUIRE_APPROVAL');
    expect((await decide(t, toReviews, { 'mcp-session-id': 'mcp-2' })).decision).toBe(
      'ALLOW_WITH_OBLIGATIONS',
    );
    expect((await decide(t, READ, { 'x-writ-session': 'sess-a' })).decision).toBe('ALLOW');
  });
});
