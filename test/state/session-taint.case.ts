/** The session taint half of the state store conformance suite: every backend (memory, Redis) passes it. */
import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { MAX_TAINT_FINDINGS, MAX_TAINT_READ_KEYS, type TaintSource } from '../../src/state/session-taint.js';
import { MAX_TAINT_SOURCES, type StateStore } from '../../src/state/store.js';

const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);
const HOUR = 3_600_000;

/** A read that carried a prompt injection, at `at`. */
export function taintSource(at = T0, over: Partial<TaintSource> = {}): TaintSource {
  return {
    server: 'reviews.svc.cluster.local',
    tool: 'get_product_reviews',
    method: 'tools/call',
    findings: ['prompt-injection.instruction-override'],
    at,
    traceId: `trace-${at}`,
    subject: 'spiffe://acme.com/ns/agents/sa/support',
    agent: 'support',
    ...over,
  };
}

/** Keys no other test (or earlier run against the same Redis) has used. */
const freshKey = (kind = 'session') => `${kind}:${randomBytes(9).toString('base64url')}`;

/** Runs the taint cases inside a store's conformance suite (called by storeConformance). */
export function taintConformance(make: () => Promise<StateStore>): void {
  it('taint: marks every key given, reads back only tainted keys in the order asked, sources intact', async () => {
    const s = await make();
    const [a, b, clean] = [freshKey(), freshKey('mcp'), freshKey('subject')];
    const src = taintSource(T0, {
      findings: ['tool-poisoning.hidden-instruction', 'prompt-injection.role-play'],
    });
    await s.markTaint([a, b], src, HOUR);
    const read = await s.taintOf([clean, b, a], T0 + 1);
    expect(read.map((r) => r.key)).toEqual([b, a]);
    for (const r of read) {
      expect(r.sources).toEqual([src]);
      expect(r.expiresAt).toBe(T0 + HOUR);
    }
    expect(await s.taintOf([clean], T0 + 1)).toEqual([]);
    await s.close();
  });

  it('taint: a finding list is deduplicated and capped, so a record stays bounded', async () => {
    const s = await make();
    const key = freshKey();
    const many = Array.from({ length: MAX_TAINT_FINDINGS + 5 }, (_, i) => `prompt-injection.k${i}`);
    await s.markTaint([key], taintSource(T0, { findings: ['x.a', 'x.a', ...many] }), HOUR);
    const [r] = await s.taintOf([key], T0);
    expect(r?.sources[0]?.findings).toEqual(['x.a', ...many].slice(0, MAX_TAINT_FINDINGS));
    await s.close();
  });

  it('taint: concurrent marks of one key all land (no lost update), newest kept past the cap', async () => {
    const s = await make();
    const key = freshKey();
    const n = MAX_TAINT_SOURCES + 8;
    await Promise.all(Array.from({ length: n }, (_, i) => s.markTaint([key], taintSource(T0 + i), HOUR)));
    const [r] = await s.taintOf([key], T0 + n);
    expect(r?.sources).toHaveLength(MAX_TAINT_SOURCES);
    // Every mark landed: the ones kept are exactly the newest MAX_TAINT_SOURCES times.
    const kept = (r?.sources ?? []).map((x) => x.at).sort((x, y) => x - y);
    expect(kept).toEqual(Array.from({ length: MAX_TAINT_SOURCES }, (_, i) => T0 + 8 + i));
    expect(r?.expiresAt).toBe(T0 + n - 1 + HOUR);
    await s.close();
  });

  it('taint: lapses at its TTL, a later mark extends it, a shorter one never shortens it', async () => {
    const s = await make();
    const key = freshKey();
    await s.markTaint([key], taintSource(T0), HOUR);
    expect(await s.taintOf([key], T0 + HOUR - 1)).toHaveLength(1);
    expect(await s.taintOf([key], T0 + HOUR)).toEqual([]);
    await s.markTaint([key], taintSource(T0 + 1000), HOUR);
    expect((await s.taintOf([key], T0 + HOUR + 500))[0]?.expiresAt).toBe(T0 + 1000 + HOUR);
    await s.markTaint([key], taintSource(T0 + 2000), 10);
    const [r] = await s.taintOf([key], T0 + HOUR + 500);
    expect(r?.expiresAt).toBe(T0 + 1000 + HOUR);
    expect(r?.sources.map((x) => x.at)).toEqual([T0, T0 + 1000, T0 + 2000]);
    await s.close();
  });

  it('taint: a mark after the taint lapsed starts afresh, without the old reads', async () => {
    const s = await make();
    const key = freshKey();
    await s.markTaint([key], taintSource(T0), 1000);
    await s.markTaint([key], taintSource(T0 + 5000), HOUR);
    const [r] = await s.taintOf([key], T0 + 5000);
    expect(r?.sources.map((x) => x.at)).toEqual([T0 + 5000]);
    await s.close();
  });

  it('taint: clearing returns what was held and removes it; clearing nothing says so', async () => {
    const s = await make();
    const [key, other] = [freshKey(), freshKey()];
    await s.markTaint([key, other], taintSource(T0), HOUR);
    const cleared = await s.clearTaint(key);
    expect(cleared?.key).toBe(key);
    expect(cleared?.sources).toHaveLength(1);
    expect(await s.taintOf([key], T0)).toEqual([]);
    expect(await s.taintOf([other], T0)).toHaveLength(1);
    expect(await s.clearTaint(key)).toBeNull();
    await s.close();
  });

  it('taint: lists live taints, the most recently marked first, bounded by the limit', async () => {
    const s = await make();
    const far = T0 + 1000 * HOUR; // later than any other case's marks: these lead the list
    const [older, newer, lapsed] = [freshKey(), freshKey(), freshKey()];
    await s.markTaint([lapsed], taintSource(far - 10_000), 1000);
    await s.markTaint([older], taintSource(far), HOUR);
    await s.markTaint([newer], taintSource(far + 1), HOUR);
    const listed = await s.listTaints(2, far + 2);
    expect(listed.map((r) => r.key)).toEqual([newer, older]);
    expect((await s.listTaints(50, far + 2)).map((r) => r.key)).not.toContain(lapsed);
    expect(await s.listTaints(0, far + 2)).toEqual([]);
    await s.close();
  });

  it('taint: a read of more keys than one decision needs is a caller bug', async () => {
    const s = await make();
    const keys = Array.from({ length: MAX_TAINT_READ_KEYS + 1 }, () => freshKey());
    expect(() => s.taintOf(keys, T0)).toThrow(TypeError);
    await s.close();
  });
}
