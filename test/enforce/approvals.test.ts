/** Approvals end to end over real gRPC and the real admin HTTP API, with a real signed webhook receiver. */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { responseHeader, structField } from '../../src/cli/check-client.js';
import { scenarioCheckRequest } from '../../src/cli/scenario.js';
import { verifyWebhookSignature } from '../../src/admin/webhook-sender.js';
import { AGENT_KEY, checkOnce, mcp, startEnforceWrit, type EnforceWrit } from './support.js';

let t: EnforceWrit;
let receiver: Server;
const received: { body: string; signature: string; valid: boolean }[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString('utf8')));
    req.on('end', () => {
      received.push({ body, signature: String(req.headers['x-writ-signature']), valid: false });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const port = (receiver.address() as { port: number }).port;
  t = await startEnforceWrit({ webhooks: [`http://127.0.0.1:${port}/hook`] });
});
afterAll(async () => {
  await t.stop();
  await new Promise((r) => receiver.close(r));
});

const email = (to: string) => mcp('send_email', { to, subject: 'Quarterly numbers', body: 'See attached.' });

describe('approvals', () => {
  it('creates one pending approval, tells the client when to retry, and fires one signed webhook', async () => {
    const first = await checkOnce(t, email('cfo@example.org'));
    expect(first).toMatchObject({ decision: 'REQUIRE_APPROVAL', code: 'POLICY_REQUIRE_APPROVAL', http: 403 });
    expect(first.body).toMatchObject({ status: 'pending', approval_ttl_s: 600, retry_after_s: 30 });
    expect(first.body.approval_id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(Date.parse(first.body.expires_at)).toBe(t.clock.now + 600_000);
    expect(responseHeader(first.res, 'retry-after')).toBe('30');
    const again = await checkOnce(t, email('cfo@example.org'));
    expect(again).toMatchObject({ decision: 'REQUIRE_APPROVAL', code: 'APPROVAL_PENDING' });
    expect(again.body.approval_id).toBe(first.body.approval_id);
    await t.writ.webhooks.idle();
    const hooks = received.filter((h) => JSON.parse(h.body).approval.id === first.body.approval_id);
    expect(hooks).toHaveLength(1);
    const secret = readFileSync(join(t.home, 'keys', 'webhook-secret'), 'utf8').trim();
    const t0 = Number(/t=(\d+)/.exec(hooks[0]!.signature)![1]);
    expect(verifyWebhookSignature(secret, hooks[0]!.body, hooks[0]!.signature, t0)).toBe(true);
    expect(verifyWebhookSignature(secret, `${hooks[0]!.body} `, hooks[0]!.signature, t0)).toBe(false);
    expect(JSON.parse(hooks[0]!.body)).toMatchObject({
      type: 'approval.requested',
      approval: { tool: 'send_email', rules: ['email-needs-approval'], approvers: ['security-oncall'] },
    });
  });

  it('issues the token once after approval; the verify role accepts it; a further retry needs a new approval', async () => {
    const req = email('board@example.org');
    const pending = await checkOnce(t, req);
    const id = pending.body.approval_id as string;
    const ok = await t.api('POST', `/api/approvals/${id}/approve`, { reason: 'board mail is expected' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      status: 'approved',
      decidedBy: 'key:alice',
      reason: 'board mail is expected',
    });
    const granted = await checkOnce(t, req);
    expect(granted).toMatchObject({ decision: 'ALLOW', code: 'APPROVAL_GRANTED' });
    const token = responseHeader(granted.res, 'x-writ-token')!;
    expect(token).toBeDefined();
    const verified = await t.verify.check(scenarioCheckRequest(req, { 'x-writ-token': token }));
    expect(verified.status.code).toBe(0);
    const again = await checkOnce(t, req);
    expect(again).toMatchObject({ decision: 'REQUIRE_APPROVAL', code: 'POLICY_REQUIRE_APPROVAL' });
    expect(again.body.approval_id).not.toBe(id);
    expect((await t.api('GET', `/api/approvals/${id}`)).body).toMatchObject({ status: 'consumed' });
  });

  it('records the approval id among the rules of the granted decision (audit)', async () => {
    const req = email('audit@example.org');
    const id = (await checkOnce(t, req)).body.approval_id as string;
    await t.api('POST', `/api/approvals/${id}/approve`, { reason: 'ok' });
    const granted = await checkOnce(t, req);
    const traceId = String(structField(granted.res, 'writ_trace_id'));
    const line = readFileSync(join(t.home, 'audit', 'audit.jsonl'), 'utf8')
      .split('\n')
      .find((l) => l.includes(traceId));
    expect(JSON.stringify(JSON.parse(line!))).toContain(`"rules":["email-needs-approval","approval:${id}"]`);
    expect(line).toContain('APPROVAL_GRANTED');
  });

  it('binds the approval to the exact action: one changed byte needs its own approval', async () => {
    const id = (await checkOnce(t, email('ops@example.org'))).body.approval_id as string;
    await t.api('POST', `/api/approvals/${id}/approve`, { reason: 'ok' });
    const changed = await checkOnce(t, email('ops@example.orh'));
    expect(changed.decision).toBe('REQUIRE_APPROVAL');
    expect(changed.body.approval_id).not.toBe(id);
    // Another subject, identical action: not covered by this approval either.
    const other = await checkOnce(t, {
      ...email('ops@example.org'),
      principal: 'spiffe://cluster.local/ns/agents/sa/other-agent',
    });
    expect(other.body.approval_id).not.toBe(id);
    expect((await checkOnce(t, email('ops@example.org'))).code).toBe('APPROVAL_GRANTED');
  });

  it('denies after an approver denies, with its own code', async () => {
    const req = email('denied@example.org');
    const id = (await checkOnce(t, req)).body.approval_id as string;
    expect((await t.api('POST', `/api/approvals/${id}/deny`, { reason: 'not now' })).status).toBe(200);
    const denied = await checkOnce(t, req);
    expect(denied).toMatchObject({ decision: 'DENY', code: 'APPROVAL_DENIED', http: 403 });
    expect(denied.body).toMatchObject({
      approval_id: id,
      status: 'denied',
      decided_by: 'key:alice',
      approver_reason: 'not now',
      reason: 'APPROVAL_DENIED', // the reason code is never overwritten by the approver's text
    });
    // A decided approval cannot be decided again.
    expect((await t.api('POST', `/api/approvals/${id}/approve`, { reason: 'changed my mind' })).status).toBe(
      409,
    );
  });

  it('denies an expired approval with ERR_APPROVAL_EXPIRED, then starts a new one', async () => {
    const req = email('late@example.org');
    const id = (await checkOnce(t, req)).body.approval_id as string;
    await t.api('POST', `/api/approvals/${id}/approve`, { reason: 'ok' });
    const start = t.clock.now;
    t.clock.now = start + 601_000;
    try {
      const expired = await checkOnce(t, req);
      expect(expired).toMatchObject({ decision: 'DENY', code: 'ERR_APPROVAL_EXPIRED' });
      expect(expired.body.approval_id).toBe(id);
      const fresh = await checkOnce(t, req);
      expect(fresh.code).toBe('POLICY_REQUIRE_APPROVAL');
      expect(fresh.body.approval_id).not.toBe(id);
      // An approver cannot revive an expired approval.
      expect((await t.api('POST', `/api/approvals/${id}/approve`, { reason: 'late' })).status).toBe(409);
    } finally {
      t.clock.now = start;
    }
  });

  it('refuses unauthenticated callers, a wrong key, a missing reason, and the agent approving itself', async () => {
    const id = (await checkOnce(t, email('self@example.org'))).body.approval_id as string;
    expect((await t.api('POST', `/api/approvals/${id}/approve`, { reason: 'x' }, null)).status).toBe(401);
    expect((await t.api('POST', `/api/approvals/${id}/approve`, { reason: 'x' }, 'wrong-key')).status).toBe(
      401,
    );
    expect((await t.api('GET', '/api/approvals', undefined, null)).status).toBe(401);
    expect((await t.api('POST', `/api/approvals/${id}/approve`, {})).status).toBe(400);
    const self = await t.api('POST', `/api/approvals/${id}/approve`, { reason: 'trust me' }, AGENT_KEY);
    expect(self.status).toBe(403);
    expect((await t.api('GET', `/api/approvals/${id}`)).body.status).toBe('pending');
    const list = await t.api('GET', '/api/approvals');
    expect(list.body.approvals.some((a: { id: string }) => a.id === id)).toBe(true);
  });

  it('exposes approval and webhook counters on /metrics', async () => {
    const text = await (await fetch(`${t.adminUrl}/metrics`)).text();
    expect(text).toMatch(/^writ_approvals_created_total \d+$/m);
    expect(Number(/^writ_approvals_created_total (\d+)$/m.exec(text)![1])).toBeGreaterThanOrEqual(5);
    expect(text).toMatch(/^writ_webhook_deliveries_total\{target="127\.0\.0\.1:\d+"\} \d+$/m);
    expect(text).toContain('# TYPE writ_webhook_delivery_failures_total counter');
  });
});
