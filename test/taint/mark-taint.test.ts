/** Marking a session tainted: the keys it lands on, what the check role's keys read back, and the audit record. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openFileAuditLog } from '../../src/audit/file-audit-log.js';
import { verifyAuditFile } from '../../src/audit/verify-file.js';
import { WritError } from '../../src/pipeline/errors.js';
import { markSessionTaint } from '../../src/pipeline/taint/mark-taint.js';
import {
  markKeys,
  mcpTaintKey,
  readKeys,
  sessionTaintKey,
  subjectTaintKey,
  taintScopeOf,
} from '../../src/pipeline/taint/taint-keys.js';
import { blankAction } from '../../src/pipeline/model/action.js';
import { createMemoryStore } from '../../src/state/memory-store.js';
import { createRedisStore } from '../../src/state/redis-store.js';

const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);
const AGENT = 'spiffe://acme.com/ns/agents/sa/support';
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function auditFile() {
  const dir = mkdtempSync(join(tmpdir(), 'writ-taint-'));
  dirs.push(dir);
  const path = join(dir, 'audit.jsonl');
  return { path, log: openFileAuditLog({ path, fsyncIntervalMs: 0 }) };
}

describe('taint keys', () => {
  it('marks the agent session and the MCP session; the check role of any later call in the session reads them', () => {
    const scope = {
      principal: AGENT,
      agent: 'support',
      sessionId: 's-1',
      server: 'reviews.svc.cluster.local',
      mcpSessionId: 'm-9',
    };
    const marked = markKeys(scope);
    expect(marked).toEqual(['session:s-1', 'mcp:reviews.svc.cluster.local/m-9']);
    // A later call to another server, in the same agent session, reads the session key.
    const next = readKeys({ ...scope, server: 'mail.svc.cluster.local', mcpSessionId: 'other' });
    expect(next).toContain('session:s-1');
    expect(next).toContain(subjectTaintKey(AGENT));
  });

  it('without an agent session id marks the principal, which every later call of that caller reads', () => {
    const marked = markKeys({
      principal: AGENT,
      agent: 'support',
      sessionId: null,
      server: 'h',
      mcpSessionId: null,
    });
    expect(marked).toEqual([`subject:${AGENT}`]);
    for (const sessionId of [null, 'a-new-session'])
      expect(
        readKeys({ principal: AGENT, agent: 'support', sessionId, server: 'x', mcpSessionId: 'y' }),
      ).toContain(marked[0]);
    expect(subjectTaintKey(null)).toBe('subject:anonymous');
  });

  it('an empty session id is no session id (it cannot name a key of its own)', () => {
    expect(
      markKeys({ principal: AGENT, agent: 'support', sessionId: '', server: 'h', mcpSessionId: '' }),
    ).toEqual([subjectTaintKey(AGENT)]);
  });

  it('keeps agent-chosen ids short: a long id is keyed by its digest, distinct ids stay distinct', () => {
    const long = 'x'.repeat(10_000);
    const key = sessionTaintKey(long);
    expect(key.length).toBeLessThan(64);
    expect(key).toBe(sessionTaintKey(long));
    expect(key).not.toBe(sessionTaintKey(`${long}y`));
    expect(mcpTaintKey('h', long)).toMatch(/^mcp:h\/sha256:/);
  });
});

describe('markSessionTaint', () => {
  const read = {
    scope: {
      principal: AGENT,
      agent: 'support',
      sessionId: 's-1',
      server: 'reviews.svc.cluster.local',
      mcpSessionId: 'm-9',
    },
    tool: 'get_product_reviews',
    method: 'tools/call',
    findings: ['prompt-injection.instruction-override', 'prompt-injection.instruction-override'],
    traceId: 'trace-resp-1',
  };

  it('marks every key in the store and appends taint.marked to a chain that still verifies', async () => {
    const store = createMemoryStore(() => T0);
    const { path, log } = auditFile();
    const keys = await markSessionTaint({ store, audit: log, now: () => T0, taintTtlMs: 60_000 }, read);
    log.close();
    const held = await store.taintOf(readKeys({ ...read.scope, server: 'mail', mcpSessionId: null }), T0 + 1);
    expect(held.map((r) => r.key)).toEqual(['session:s-1']);
    expect(held[0]?.sources[0]).toMatchObject({
      server: 'reviews.svc.cluster.local',
      tool: 'get_product_reviews',
      method: 'tools/call',
      findings: ['prompt-injection.instruction-override'],
      at: T0,
      traceId: 'trace-resp-1',
      subject: AGENT,
      agent: 'support',
    });
    const records = readFileSync(path, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event: Record<string, unknown> });
    const marked = records.find((r) => r.event['type'] === 'taint.marked');
    expect(marked?.event).toMatchObject({
      keys: [...keys],
      server: 'reviews.svc.cluster.local',
      tool: 'get_product_reviews',
      findings: ['prompt-injection.instruction-override'],
      trace_id: 'trace-resp-1',
      expires_at: new Date(T0 + 60_000).toISOString(),
    });
    expect((await verifyAuditFile(path)).ok).toBe(true);
    await store.close();
  });

  it('a Redis that cannot be reached is ERR_STATE_UNAVAILABLE, and nothing is audited as marked', async () => {
    // A real Redis client against a loopback port nobody listens on.
    const store = createRedisStore({ url: 'redis://127.0.0.1:1', commandTimeoutMs: 100 });
    const { path, log } = auditFile();
    const err = await markSessionTaint({ store, audit: log, now: () => T0, taintTtlMs: 1 }, read).catch(
      (e: unknown) => e,
    );
    log.close();
    expect(err).toBeInstanceOf(WritError);
    expect((err as WritError).code).toBe('ERR_STATE_UNAVAILABLE');
    expect(readFileSync(path, 'utf8')).not.toContain('taint.marked');
    await store.close();
  });

  it('a read without findings taints nothing (a caller bug)', async () => {
    const store = createMemoryStore(() => T0);
    const { log } = auditFile();
    await expect(
      markSessionTaint({ store, audit: log, now: () => T0, taintTtlMs: 1 }, { ...read, findings: [] }),
    ).rejects.toThrow(TypeError);
    log.close();
    await store.close();
  });
});

describe('taintScopeOf', () => {
  it('reads the principal, the agent session, the destination with its port, and the Mcp-Session-Id', () => {
    const action = blankAction({
      subject: { principal: AGENT },
      resource: { host: 'reviews.svc.cluster.local', port: 8080, scheme: 'http' },
      context: { sessionId: 's-1' },
    });
    expect(taintScopeOf(action, { 'mcp-session-id': 'm-9' })).toEqual({
      principal: AGENT,
      agent: null,
      sessionId: 's-1',
      server: 'reviews.svc.cluster.local:8080',
      mcpSessionId: 'm-9',
    });
    expect(taintScopeOf(blankAction({ resource: { host: 'h', port: 443 } }), {}).server).toBe('h');
  });
});
