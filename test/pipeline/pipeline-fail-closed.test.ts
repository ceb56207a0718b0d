/** Every internal failure is a deny with its own code: a throwing inspector, a failed audit write, a timeout, a dead store. */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { staticKeySet, signerFromPrivateKey } from '../../src/keys/local-key.js';
import { DEFAULT_SETTINGS, type PipelineDeps } from '../../src/pipeline/deps.js';
import { createPipeline } from '../../src/pipeline/index.js';
import { INSPECTOR_FAILED } from '../../src/pipeline/inspect/run-inspectors.js';
import type { RawRequest } from '../../src/pipeline/model/raw-request.js';
import { compilePolicySources } from '../../src/pipeline/policy/load.js';
import { openFileAuditLog } from '../../src/audit/file-audit-log.js';
import { createMemoryStore } from '../../src/state/memory-store.js';
import { rawRequest } from '../support/raw-request.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const allowAll = compilePolicySources([
  { name: 'p.yaml', text: 'apiVersion: writ.dev/v1\nrules:\n  - {id: allow-all, effect: allow}\n' },
]);
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

function deps(over: Partial<PipelineDeps> = {}): PipelineDeps {
  const dir = mkdtempSync(join(tmpdir(), 'writ-fc-'));
  dirs.push(dir);
  const signer = signerFromPrivateKey(generateKeyPairSync('ed25519').privateKey);
  return {
    policy: () => allowAll,
    inspect: () => [],
    signer,
    keys: staticKeySet([signer.publicKey]),
    store: createMemoryStore(),
    audit: openFileAuditLog({ path: join(dir, 'a.jsonl') }),
    now: () => 1_767_600_000_000,
    newTraceId: () => 'trace-1',
    log: silent,
    settings: DEFAULT_SETTINGS,
    ...over,
  };
}

const raw = (over: Partial<RawRequest> = {}): RawRequest =>
  rawRequest({
    method: 'GET',
    authority: 'api.github.com',
    path: '/x',
    headers: {},
    sourcePrincipal: 'spiffe://cluster.local/ns/a/sa/b',
    ...over,
  });

describe('the pipeline fails closed', () => {
  it('allows under an allow-all policy when nothing fails (the control case)', async () => {
    const v = await createPipeline(deps()).run(raw());
    expect(v.decision).toBe('ALLOW');
    expect(v.upstreamHeaders['x-writ-token']).toBeDefined();
  });

  it('an inspector that throws is ERR_INSPECTOR_FAILED', async () => {
    const d = deps({
      inspect: () => [
        {
          id: INSPECTOR_FAILED,
          inspector: 'x',
          severity: 'critical',
          path: '$',
          evidence: 'boom',
          owasp: [],
          atlas: [],
        },
      ],
    });
    const v = await createPipeline(d).run(raw());
    expect(v).toMatchObject({ decision: 'DENY', code: 'ERR_INSPECTOR_FAILED' });
    expect(v.upstreamHeaders['x-writ-token']).toBeUndefined();
  });

  it('an audit write that fails turns an allow into ERR_AUDIT_WRITE and withholds the token', async () => {
    const d = deps();
    d.audit.close();
    const v = await createPipeline(d).run(raw());
    expect(v).toMatchObject({ decision: 'DENY', code: 'ERR_AUDIT_WRITE' });
    expect(v.upstreamHeaders['x-writ-token']).toBeUndefined();
  });

  it('a write the device refuses is ERR_AUDIT_WRITE, and so is every later one (a real ENOSPC from /dev/full)', async () => {
    const d = deps({ audit: openFileAuditLog({ path: '/dev/full', fsyncIntervalMs: 50 }) });
    const p = createPipeline(d);
    for (const v of [await p.run(raw()), await p.run(raw())]) {
      expect(v).toMatchObject({ decision: 'DENY', code: 'ERR_AUDIT_WRITE' });
      expect(v.upstreamHeaders['x-writ-token']).toBeUndefined();
    }
    expect(d.audit.head().seq).toBe(0);
    expect(() => d.audit.close()).toThrow(/EINVAL/); // /dev/full cannot be fsynced either
  });

  it('a decision past the deadline is ERR_TIMEOUT', async () => {
    const d = deps({
      settings: { ...DEFAULT_SETTINGS, deadlineMs: 20 },
      // The check side reads the store once (quarantine); only the verify side's consume hangs.
      store: { ...createMemoryStore(), consumeToken: () => new Promise(() => undefined) },
    });
    const p = createPipeline(d);
    // The verify side then waits on the store forever.
    const allowed = await p.run(raw());
    const token = allowed.upstreamHeaders['x-writ-token']!;
    const v = await p.run(raw({ role: 'verify', headers: { 'x-writ-token': token } }));
    expect(v).toMatchObject({ decision: 'DENY', code: 'ERR_TIMEOUT' });
  });

  it('an unreachable state store is ERR_STATE_UNAVAILABLE on the verify side', async () => {
    const d = deps({
      store: { ...createMemoryStore(), consumeToken: () => Promise.reject(new Error('ECONNREFUSED')) },
    });
    const p = createPipeline(d);
    const allowed = await p.run(raw());
    const v = await p.run(
      raw({ role: 'verify', headers: { 'x-writ-token': allowed.upstreamHeaders['x-writ-token']! } }),
    );
    expect(v).toMatchObject({ decision: 'DENY', code: 'ERR_STATE_UNAVAILABLE' });
  });

  it('a policy getter that throws is ERR_INTERNAL, never an allow', async () => {
    const d = deps({
      policy: () => {
        throw new Error('no policy');
      },
    });
    const v = await createPipeline(d).run(raw());
    expect(v).toMatchObject({ decision: 'DENY', code: 'ERR_INTERNAL' });
  });
});
