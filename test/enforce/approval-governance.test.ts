/**
 * Who may decide, and what the audit chain keeps of it: approver groups enforced for API keys and OIDC
 * tokens (against a real JWKS server on loopback), and approve/deny/release written to the hash chain
 * before they take effect, over the real admin HTTP API.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { verifyChainText } from '../../src/pipeline/audit-record/hash-chain.js';
import type { ScenarioRequest } from '../../src/cli/scenario.js';
import { checkOnce, mcp, OTHER_GROUP_KEY, startEnforceWrit, type EnforceWrit } from './support.js';

const ISS = 'https://idp.example';
const AUD = 'writ-console';
let t: EnforceWrit;
let jwksServer: Server;
type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
let priv: PrivateKey;

beforeAll(async () => {
  const pair = await generateKeyPair('ES256');
  priv = pair.privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
  jwksServer = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((r) => jwksServer.listen(0, '127.0.0.1', r));
  t = await startEnforceWrit({
    flags: {
      'oidc-issuer': ISS,
      'oidc-audience': AUD,
      'oidc-jwks-url': `http://127.0.0.1:${(jwksServer.address() as { port: number }).port}/jwks`,
      'oidc-groups-claim': 'groups',
    },
  });
});
afterAll(async () => {
  await t.stop();
  await new Promise((r) => jwksServer.close(r));
});

/** An approver token for `sub` with the approver role and the given groups. */
const oidcToken = (sub: string, groups: string[]) =>
  new SignJWT({ roles: ['writ-approver'], groups })
    .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
    .setIssuer(ISS)
    .setAudience(AUD)
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(priv);

const email = (to: string) => mcp('send_email', { to, subject: 'Numbers', body: 'See attached.' });

async function pendingId(r: ScenarioRequest): Promise<string> {
  const pending = await checkOnce(t, r);
  expect(pending.decision).toBe('REQUIRE_APPROVAL');
  return pending.body.approval_id as string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- audit lines are JSON, read loosely
type Json = any;
const auditText = () => readFileSync(join(t.home, 'audit', 'audit.jsonl'), 'utf8');
/** Every audit record, parsed. */
const auditRecords = (): Json[] =>
  auditText()
    .split('\n')
    .filter((l) => l !== '')
    .map((l): Json => JSON.parse(l));
const auditEvents = (): Json[] => auditRecords().map((r: { event: Json }): Json => r.event);

describe('approver groups', () => {
  it('refuses an API-key approver outside the approval groups (403), admits one inside', async () => {
    const id = await pendingId(email('groups-key@example.org'));
    const refused = await t.api(
      'POST',
      `/api/approvals/${id}/approve`,
      { reason: 'dba says ok' },
      OTHER_GROUP_KEY,
    );
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatch(/key:bob is in none of the groups .*security-oncall/);
    expect(refused.body.required_groups).toEqual(['security-oncall']);
    expect((await t.api('GET', `/api/approvals/${id}`)).body.status).toBe('pending');
    expect((await checkOnce(t, email('groups-key@example.org'))).code).toBe('APPROVAL_PENDING');
    const ok = await t.api('POST', `/api/approvals/${id}/approve`, { reason: 'on call approves' });
    expect(ok).toMatchObject({ status: 200, body: { status: 'approved', decidedBy: 'key:alice' } });
  });

  it('refuses an OIDC approver without a matching group claim, admits one with it', async () => {
    const id = await pendingId(email('groups-oidc@example.org'));
    const finance = await oidcToken('fiona', ['finance']);
    const refused = await t.api('POST', `/api/approvals/${id}/deny`, { reason: 'no' }, finance);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatch(/oidc:fiona is in none of the groups .*security-oncall/);
    expect((await t.api('GET', `/api/approvals/${id}`, undefined, finance)).body.status).toBe('pending');
    const oncall = await oidcToken('olga', ['security-oncall']);
    const ok = await t.api('POST', `/api/approvals/${id}/deny`, { reason: 'not this week' }, oncall);
    expect(ok).toMatchObject({ status: 200, body: { status: 'denied', decidedBy: 'oidc:olga' } });
    expect(auditEvents().find((e) => e.type === 'approval.decided' && e.approval_id === id)).toMatchObject({
      approver: 'oidc:olga',
      method: 'oidc',
      decision: 'denied',
    });
  });

  it('lets any authenticated approver decide an approval whose rule names no approvers', async () => {
    const id = await pendingId(mcp('create_ticket', { title: 'Printer on fire' }));
    const ok = await t.api('POST', `/api/approvals/${id}/approve`, { reason: 'fine' }, OTHER_GROUP_KEY);
    expect(ok).toMatchObject({ status: 200, body: { status: 'approved', decidedBy: 'key:bob' } });
  });
});

describe('operator actions in the audit chain', () => {
  it('appends approval.decided with approval, action, subject, approver, method, decision, reason and time', async () => {
    const req = email('chain@example.org');
    const id = await pendingId(req);
    const approval = (await t.api('GET', `/api/approvals/${id}`)).body;
    t.clock.now += 1000;
    expect((await t.api('POST', `/api/approvals/${id}/approve`, { reason: 'chain test' })).status).toBe(200);
    const event = auditEvents().find((e) => e.type === 'approval.decided' && e.approval_id === id);
    expect(event).toEqual({
      type: 'approval.decided',
      approval_id: id,
      action_hash: approval.actionHash,
      subject: 'spiffe://cluster.local/ns/agents/sa/support-assistant',
      agent: approval.agent,
      decision: 'approved',
      reason: 'chain test',
      rules: ['email-needs-approval'],
      approvers: ['security-oncall'],
      approver: 'key:alice',
      method: 'api-key',
      groups: ['security-oncall'],
      time: new Date(t.clock.now).toISOString(),
    });
    // The event precedes the grant it made possible.
    const granted = await checkOnce(t, req);
    expect(granted.code).toBe('APPROVAL_GRANTED');
    const events = auditEvents();
    const at = events.findIndex((e) => e.type === 'approval.decided' && e.approval_id === id);
    const grant = events.findIndex(
      (e) => e.type === 'decision' && e.code === 'APPROVAL_GRANTED' && e.rules.includes(`approval:${id}`),
    );
    expect(at).toBeGreaterThanOrEqual(0);
    expect(grant).toBeGreaterThan(at);
    const verdict = verifyChainText(auditText());
    expect(verdict.firstBad).toBeUndefined();
    expect(verdict.ok).toBe(true);
    expect(verdict.records).toBe(events.length);
  });

  it('appends quarantine.released before releasing', async () => {
    const subject = 'spiffe://cluster.local/ns/agents/sa/q-audit';
    await checkOnce(t, { ...mcp('read_honeypot', { id: 1 }), principal: subject });
    const key = `subject:${subject}`;
    expect((await t.api('POST', '/api/quarantines/release', { key, reason: 'looked at it' })).status).toBe(
      200,
    );
    expect(auditEvents().find((e) => e.type === 'quarantine.released' && e.key === key)).toMatchObject({
      approver: 'key:alice',
      method: 'api-key',
      reason: 'looked at it',
      quarantine_reason: expect.any(String),
    });
    // Nothing quarantined: 404 and no record.
    const before = auditEvents().length;
    expect((await t.api('POST', '/api/quarantines/release', { key, reason: 'again' })).status).toBe(404);
    expect(auditEvents().length).toBe(before);
    expect(verifyChainText(auditText()).ok).toBe(true);
  });

  it('fails the call with 500 and changes nothing when the audit append fails', async () => {
    const req = email('disk-full@example.org');
    const id = await pendingId(req);
    const spy = vi.spyOn(t.writ.audit, 'append').mockImplementationOnce(() => {
      throw new Error('ENOSPC: no space left on device');
    });
    try {
      const failed = await t.api('POST', `/api/approvals/${id}/approve`, { reason: 'will not stick' });
      expect(failed.status).toBe(500);
      expect(failed.body.error).toMatch(/audit log could not record/);
    } finally {
      spy.mockRestore();
    }
    expect((await t.api('GET', `/api/approvals/${id}`)).body).toMatchObject({
      status: 'pending',
      decidedBy: null,
    });
    // The approval was never usable: the identical retry still waits.
    expect((await checkOnce(t, req)).code).toBe('APPROVAL_PENDING');
    expect(auditEvents().some((e) => e.type === 'approval.decided' && e.approval_id === id)).toBe(false);
    // Once the log takes records again, the same decision goes through.
    expect((await t.api('POST', `/api/approvals/${id}/approve`, { reason: 'now it sticks' })).status).toBe(
      200,
    );
    expect(verifyChainText(auditText()).ok).toBe(true);
  });

  it('voids the record of a decision another approver won in the meantime', async () => {
    const id = await pendingId(email('race@example.org'));
    const oncall = await oidcToken('olga', ['security-oncall']);
    const [a, b] = await Promise.all([
      t.api('POST', `/api/approvals/${id}/approve`, { reason: 'first' }),
      t.api('POST', `/api/approvals/${id}/deny`, { reason: 'second' }, oncall),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const events = auditEvents();
    const decided = events.filter((e) => e.type === 'approval.decided' && e.approval_id === id);
    const voids = events.filter((e) => e.type === 'operator.void');
    const winner = (await t.api('GET', `/api/approvals/${id}`)).body.status;
    // Either the loser was refused before its record (it saw the decided state), or its record is voided.
    const recordedLosers = decided.filter((e) => e.decision !== winner);
    expect(decided.filter((e) => e.decision === winner)).toHaveLength(1);
    const records = auditRecords();
    for (const loser of recordedLosers) {
      const seq = records.find(
        (r) =>
          r.event.type === 'approval.decided' &&
          r.event.approval_id === id &&
          r.event.decision === loser.decision,
      ).seq;
      expect(voids.some((v) => v.voids_seq === seq && v.why === 'not-pending')).toBe(true);
    }
  });
});
