/**
 * `x-writ-origin` counts only from a configured origin hop (`--origin-hops`), over real gRPC with the
 * default pack: an agent that sets the header itself (even with `--trust-agent-headers` on) changes
 * nothing, since the header is the agent's own choice; the same call relayed by the trusted hop is held
 * by untrusted-origin-approval. The hop is matched against the workload writ authenticated (the peer
 * principal), never against anything in the request.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWrit, type WritInstance } from '../../src/app.js';
import { connectCheckClient, structField, type CheckClient } from '../../src/cli/check-client.js';
import { DEFAULT_PRINCIPAL, scenarioCheckRequest, type ScenarioRequest } from '../../src/cli/scenario.js';
import { resolveConfig } from '../../src/config.js';
import { withHopOrigin } from '../../src/pipeline/identity/trusted-hop.js';
import { outcomeOf } from '../enforce/support.js';
import { scenarioAction } from '../support/scenario-action.js';

const HOP = 'spiffe://cluster.local/ns/agent-runtime/sa/origin-proxy';
const FROM_EMAIL = { 'x-writ-origin': 'email' };
/** An allowlisted shell command: allowed on its own, held when e-mail content drove it. */
const SHELL: ScenarioRequest = { mcp: { tool: 'run_shell', arguments: { command: 'ls -la /srv/app' } } };
const ORIGIN_FINDING = 'cross-trust-boundary.untrusted-origin-to-privileged-sink';

interface Running {
  readonly writ: WritInstance;
  readonly check: CheckClient;
  readonly home: string;
}

async function start(flags: Record<string, string>): Promise<Running> {
  const home = mkdtempSync(join(tmpdir(), 'writ-origin-hops-'));
  const config = resolveConfig(
    { home, 'policy-dir': join(import.meta.dirname, '..', '..', 'policies'), ...flags },
    {},
  );
  const writ = await startWrit({
    config,
    now: () => Date.UTC(2026, 0, 5, 10, 0, 0),
    logger: pino({ level: 'silent' }),
    listeners: [{ role: 'check', host: '127.0.0.1', port: 0 }],
  });
  return { writ, check: connectCheckClient(`127.0.0.1:${writ.ports.check}`), home };
}

async function decide(t: Running, principal: string, headers: Record<string, string>) {
  const res = await t.check.check(scenarioCheckRequest({ ...SHELL, principal }, headers));
  const trace = JSON.parse(String(structField(res, 'writ_trace'))) as { inspectors: { id: string }[] };
  return { ...outcomeOf(res), findings: trace.inspectors.map((f) => f.id) };
}

describe('x-writ-origin from a configured origin hop only (real gRPC, default pack)', () => {
  let t: Running;
  beforeAll(async () => {
    t = await start({ 'trust-agent-headers': 'true', 'origin-hops': HOP });
  });
  afterAll(async () => {
    t.check.close();
    await t.writ.close();
    rmSync(t.home, { recursive: true, force: true });
  });

  it('the agent cannot forge it: its own x-writ-origin is ignored, the call is decided as without it', async () => {
    const plain = await decide(t, DEFAULT_PRINCIPAL, {});
    const forged = await decide(t, DEFAULT_PRINCIPAL, FROM_EMAIL);
    expect(forged.decision).toBe(plain.decision);
    expect(forged.decision).not.toBe('REQUIRE_APPROVAL');
    expect(forged.findings).not.toContain(ORIGIN_FINDING);
    // Nor by spelling the hop's identity in a header: the peer is what writ authenticated.
    const spoofed = await decide(t, DEFAULT_PRINCIPAL, {
      ...FROM_EMAIL,
      'x-forwarded-client-cert': `By=spiffe://cluster.local/ns/writ/sa/writ;URI=${HOP}`,
      'x-writ-agent': 'origin-proxy',
    });
    expect(spoofed.decision).toBe(plain.decision);
    expect(spoofed.findings).not.toContain(ORIGIN_FINDING);
  });

  it('the configured hop names the origin: the call is flagged and held for approval', async () => {
    const held = await decide(t, HOP, FROM_EMAIL);
    expect(held.decision).toBe('REQUIRE_APPROVAL');
    expect(held.body.rules).toContain('untrusted-origin-approval');
    expect(held.findings).toContain(ORIGIN_FINDING);
    // The hop without the header: nothing to hold.
    expect((await decide(t, HOP, {})).decision).not.toBe('REQUIRE_APPROVAL');
  });
});

describe('x-writ-origin with no origin hop configured', () => {
  let t: Running;
  beforeAll(async () => {
    t = await start({ 'trust-agent-headers': 'true' });
  });
  afterAll(async () => {
    t.check.close();
    await t.writ.close();
    rmSync(t.home, { recursive: true, force: true });
  });

  it('is ignored from every peer, even with --trust-agent-headers on', async () => {
    for (const principal of [DEFAULT_PRINCIPAL, HOP]) {
      const r = await decide(t, principal, FROM_EMAIL);
      expect(r.decision).not.toBe('REQUIRE_APPROVAL');
      expect(r.findings).not.toContain(ORIGIN_FINDING);
    }
  });
});

describe('x-writ-origin in normalization, whatever trusts the agent headers', () => {
  it('is never read into context.origin: only a role that knows the peer may set it', () => {
    const { action, raw } = scenarioAction(
      { ...SHELL, principal: HOP },
      { ...FROM_EMAIL, 'x-writ-session': 's-42' },
      { trustAgentHeaders: true },
    );
    // The headers trusted agent headers govern are read; the origin is not one of them.
    expect(action.context.sessionId).toBe('s-42');
    expect(action.context.origin).toBeNull();
    // The role's own step sets it from the configured hop, and only from it.
    expect(withHopOrigin(action, raw, HOP, [HOP]).context.origin).toBe('email');
    expect(withHopOrigin(action, raw, DEFAULT_PRINCIPAL, [HOP]).context.origin).toBeNull();
  });
});
