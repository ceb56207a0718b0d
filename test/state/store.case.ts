/** The one conformance suite every StateStore backend passes (memory, Redis). */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ApprovalRecord, StateStore } from '../../src/state/store.js';
import { serverRequestConformance } from './server-requests.case.js';
import { taintConformance } from './session-taint.case.js';

const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);

/** A pending approval candidate for (subject, action hash). */
export function candidate(subject: string, ah: string, createdAt = T0, ttlMs = 60_000): ApprovalRecord {
  return {
    id: randomBytes(16).toString('base64url'),
    subject,
    agent: 'support-assistant',
    actionHash: ah,
    status: 'pending',
    createdAt,
    expiresAt: createdAt + ttlMs,
    rules: ['needs-approval'],
    approvers: ['security-oncall'],
    traceId: 'trace-1',
    policyVersion: 'v1',
    action: {
      adapter: 'mcp',
      tool: 'send_email',
      operation: 'send',
      method: 'POST',
      host: 'mcp',
      path: '/mcp',
      arguments: '{"to":"x"}',
    },
    findings: [],
    decidedBy: null,
    decidedAt: null,
    reason: null,
    consumedAt: null,
  };
}

/** Runs the conformance suite against a store factory. */
export function storeConformance(name: string, make: () => Promise<StateStore>): void {
  describe(`state store conformance: ${name}`, () => {
    const ah = () => randomBytes(32).toString('base64url');

    it('consumes a key once, concurrently too', async () => {
      const s = await make();
      const key = `jti:${ah()}`;
      const results = await Promise.all(Array.from({ length: 20 }, () => s.consumeOnce(key, 10_000)));
      expect(results.filter(Boolean)).toHaveLength(1);
      await s.close();
    });

    it('consumes a token id once under its replay epoch, concurrently too, and refuses any other epoch', async () => {
      const s = await make();
      const epoch = await s.replayEpoch();
      expect(await s.replayEpoch()).toBe(epoch); // stable while the memory lasts
      const jti = ah();
      const results = await Promise.all(Array.from({ length: 20 }, () => s.consumeToken(jti, 10_000, epoch)));
      expect(results.filter((r) => r === 'first')).toHaveLength(1);
      expect(results.filter((r) => r === 'replayed')).toHaveLength(19);
      // A token minted under another epoch (before a restart) is refused, spent or not, and not consumed.
      const fresh = ah();
      expect(await s.consumeToken(fresh, 10_000, `${epoch}x`)).toBe('stale-epoch');
      expect(await s.consumeToken(fresh, 10_000, epoch)).toBe('first');
      await s.close();
    });

    it('creates one pending approval per (subject, action) and keeps answering pending', async () => {
      const s = await make();
      const a = ah();
      const first = await s.resolveApproval(candidate('spiffe://td/sa/a', a), T0);
      expect(first.resolution).toBe('created');
      expect(first.record.status).toBe('pending');
      const again = await s.resolveApproval(candidate('spiffe://td/sa/a', a), T0 + 1000);
      expect(again.resolution).toBe('pending');
      expect(again.record.id).toBe(first.record.id);
      // Another subject, same action: its own approval.
      const other = await s.resolveApproval(candidate('spiffe://td/sa/b', a), T0);
      expect(other.resolution).toBe('created');
      expect(other.record.id).not.toBe(first.record.id);
      expect((await s.getApproval(first.record.id))?.action.tool).toBe('send_email');
      await s.close();
    });

    it('grants an approved approval exactly once under concurrent retries', async () => {
      const s = await make();
      const a = ah();
      const { record } = await s.resolveApproval(candidate('spiffe://td/sa/a', a), T0);
      const decided = await s.decideApproval(record.id, 'approved', 'alice', 'looks fine', T0 + 10);
      expect(decided).toMatchObject({
        ok: true,
        record: { status: 'approved', decidedBy: 'alice', reason: 'looks fine' },
      });
      const retries = await Promise.all(
        Array.from({ length: 10 }, () => s.resolveApproval(candidate('spiffe://td/sa/a', a), T0 + 20)),
      );
      expect(retries.filter((r) => r.resolution === 'granted')).toHaveLength(1);
      // The losers found no bound approval left: each started a new pending one (the same one).
      const rest = retries.filter((r) => r.resolution !== 'granted');
      expect(new Set(rest.map((r) => r.resolution))).toEqual(new Set(['created', 'pending']));
      expect((await s.getApproval(record.id))?.status).toBe('consumed');
      await s.close();
    });

    it('lets one decision win and refuses a decision on a non-pending or expired approval', async () => {
      const s = await make();
      const { record } = await s.resolveApproval(candidate('spiffe://td/sa/a', ah()), T0);
      const [x, y] = await Promise.all([
        s.decideApproval(record.id, 'approved', 'alice', 'ok', T0 + 1),
        s.decideApproval(record.id, 'denied', 'bob', 'no', T0 + 1),
      ]);
      expect([x.ok, y.ok].filter(Boolean)).toHaveLength(1);
      expect((await s.decideApproval(record.id, 'denied', 'bob', 'no', T0 + 2)).ok).toBe(false);
      expect(await s.decideApproval('no-such-id', 'approved', 'a', 'r', T0)).toMatchObject({
        ok: false,
        why: 'not-found',
      });
      const late = await s.resolveApproval(candidate('spiffe://td/sa/a', ah()), T0);
      expect(await s.decideApproval(late.record.id, 'approved', 'a', 'r', T0 + 61_000)).toMatchObject({
        ok: false,
        why: 'expired',
      });
      await s.close();
    });

    it('denies a denied approval, expires a stale one once, then starts a new one', async () => {
      const s = await make();
      const a = ah();
      const { record } = await s.resolveApproval(candidate('spiffe://td/sa/a', a), T0);
      await s.decideApproval(record.id, 'denied', 'bob', 'no', T0 + 1);
      expect((await s.resolveApproval(candidate('spiffe://td/sa/a', a), T0 + 2)).resolution).toBe('denied');
      const b = ah();
      await s.resolveApproval(candidate('spiffe://td/sa/a', b), T0);
      const stale = await s.resolveApproval(candidate('spiffe://td/sa/a', b), T0 + 60_001);
      expect(stale.resolution).toBe('expired');
      expect(stale.record.status).toBe('expired');
      expect((await s.resolveApproval(candidate('spiffe://td/sa/a', b), T0 + 60_002)).resolution).toBe(
        'created',
      );
      await s.close();
    });

    it('lists approvals newest first', async () => {
      const s = await make();
      const one = await s.resolveApproval(candidate('spiffe://td/sa/a', ah(), T0), T0);
      const two = await s.resolveApproval(candidate('spiffe://td/sa/a', ah(), T0 + 5), T0 + 5);
      const list = await s.listApprovals(50);
      const ids = list.map((r) => r.id);
      expect(ids.indexOf(two.record.id)).toBeLessThan(ids.indexOf(one.record.id));
      expect(ids.indexOf(one.record.id)).toBeGreaterThanOrEqual(0);
      await s.close();
    });

    it('counts hits in a fixed window', async () => {
      const s = await make();
      const key = `sub|tool|rule|${ah()}`;
      const hits = await Promise.all(Array.from({ length: 5 }, () => s.hitRate(key, 60_000)));
      expect(hits.map((h) => h.count).sort()).toEqual([1, 2, 3, 4, 5]);
      for (const h of hits) {
        expect(h.resetInMs).toBeGreaterThan(0);
        expect(h.resetInMs).toBeLessThanOrEqual(60_000);
      }
      await s.close();
    });

    it('quarantines a session or a subject until released, first reason kept', async () => {
      const s = await make();
      const subject = `spiffe://td/sa/${ah()}`;
      const session = ah();
      expect(await s.quarantineOf(subject, session)).toBeNull();
      await s.quarantine({ key: `session:${session}`, reason: 'first', traceId: 't1', at: T0 });
      await s.quarantine({ key: `session:${session}`, reason: 'second', traceId: 't2', at: T0 + 1 });
      expect((await s.quarantineOf(subject, session))?.reason).toBe('first');
      expect(await s.quarantineOf(subject, null)).toBeNull();
      await s.quarantine({ key: `subject:${subject}`, reason: 'subject', traceId: 't3', at: T0 + 2 });
      expect((await s.quarantineOf(subject, 'another-session'))?.reason).toBe('subject');
      const keys = (await s.listQuarantines()).map((q) => q.key);
      expect(keys).toEqual(expect.arrayContaining([`session:${session}`, `subject:${subject}`]));
      expect(await s.releaseQuarantine(`subject:${subject}`)).toBe(true);
      expect(await s.releaseQuarantine(`subject:${subject}`)).toBe(false);
      expect(await s.quarantineOf(subject, null)).toBeNull();
      await s.close();
    });

    it('pins the first value and keeps it', async () => {
      const s = await make();
      const key = `tool:${ah()}`;
      const [x, y] = await Promise.all([s.pinOnce(key, 'hash-a'), s.pinOnce(key, 'hash-b')]);
      expect(x).toBe(y);
      expect(await s.pinOnce(key, 'hash-c')).toBe(x);
      await s.close();
    });

    it('resets the pins of one prefix only, glob characters included, and pins afresh after', async () => {
      const s = await make();
      const server = `mcp-${ah()}*[x]`;
      await s.pinOnce(`${server}/a`, 'hash-a');
      await s.pinOnce(`${server}/b`, 'hash-b');
      const other = `mcp-${ah()}x`;
      await s.pinOnce(`${other}/a`, 'hash-o');
      expect(await s.resetPins(`${server}/`)).toBe(2);
      expect(await s.pinOnce(`${server}/a`, 'hash-new')).toBe('hash-new');
      expect(await s.pinOnce(`${other}/a`, 'hash-new')).toBe('hash-o');
      expect(await s.resetPins(`${server}/zzz`)).toBe(0);
      await s.close();
    });

    taintConformance(make);
    serverRequestConformance(make);
  });
}
