/**
 * Key rotation under real gRPC load: tokens minted on the check role and verified on the verify role
 * while the ring rotates several times, with zero verification failures; old keys verify until their
 * tokens expire, and the audit log keeps every key, so it verifies offline with only the root key.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAdminServer } from '../../src/admin/admin-server.js';
import { runAuditVerify, verifyAuditFile, loadPublicKeys } from '../../src/audit/verify-file.js';
import { responseHeader, structField } from '../../src/cli/check-client.js';
import { scenarioCheckRequest, type ScenarioRequest } from '../../src/cli/scenario.js';
import { verifyCertification } from '../../src/keys/key-events.js';
import { b64json, joinToken, tokenHeader, tokenParts } from '../support/exec-token.js';
import { startTestWrit, type TestWrit } from '../support/writ-server.js';

let t: TestWrit;
const dir = mkdtempSync(join(tmpdir(), 'writ-rot-'));
beforeAll(async () => {
  t = await startTestWrit({ 'key-rotation': '120', 'checkpoint-every': '40' });
});
afterAll(async () => {
  await t.stop();
  rmSync(dir, { recursive: true, force: true });
});

const query: ScenarioRequest = {
  mcp: { tool: 'query_db', arguments: { database: 'analytics-replica', query: 'SELECT 1' } },
};
const kidOf = (token: string) => tokenHeader(token)['kid'] as string;

describe('key rotation', () => {
  it('rotates five times under load with zero verification failures', async () => {
    const ring = t.writ.keyRing;
    const kidsSeen = new Set<string>();
    const failures: string[] = [];
    let verified = 0;
    let stop = false;
    const worker = async () => {
      while (!stop) {
        const res = await t.check.check(scenarioCheckRequest(query));
        if (structField(res, 'writ_decision') !== 'ALLOW') {
          failures.push(`check: ${String(structField(res, 'writ_code'))}`);
          continue;
        }
        const token = responseHeader(res, 'x-writ-token')!;
        kidsSeen.add(kidOf(token));
        // Let a rotation happen between mint and verify now and then.
        await new Promise((r) => setImmediate(r));
        const v = await t.verify.check(scenarioCheckRequest(query, { 'x-writ-token': token }));
        if (structField(v, 'writ_code') === 'VERIFY_OK') verified++;
        else failures.push(String(structField(v, 'writ_code')));
      }
    };
    const workers = Array.from({ length: 8 }, worker);
    let lastRetired = '';
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, 150));
      const before = ring.kids();
      lastRetired = before.current;
      expect(await ring.rotate()).toBe(true);
      // The key that signs now was published as next before it signed anything.
      expect(ring.kids().current).toBe(before.next);
      t.clock.now += 20_000; // time passes between rotations; tokens (60 s + 5 s skew) stay valid
    }
    await new Promise((r) => setTimeout(r, 150));
    stop = true;
    await Promise.all(workers);
    expect(failures).toEqual([]);
    expect(verified).toBeGreaterThan(50);
    expect(kidsSeen.size).toBeGreaterThanOrEqual(4);
    // The last key replaced is retired but still verifies: tokens it signed may still be in flight.
    expect(ring.kids().retired).toContain(lastRetired);
    expect(ring.get(lastRetired)).toBeDefined();
  }, 60_000);

  it('publishes current, next, retired and root keys with certifications; retires after ttl + skew', async () => {
    const ring = t.writ.keyRing;
    const admin = await startAdminServer({
      host: '127.0.0.1',
      port: 0,
      publicKeys: () => [],
      jwks: () => ring.jwks(),
      ready: () => true,
    });
    try {
      const doc = (await (await fetch(`http://127.0.0.1:${admin.port}/.well-known/jwks.json`)).json()) as {
        keys: Array<Record<string, string>>;
      };
      const status = (s: string) => doc.keys.filter((k) => k['x-writ-status'] === s);
      expect(status('current')).toHaveLength(1);
      expect(status('next')).toHaveLength(1);
      expect(status('retired').length).toBeGreaterThanOrEqual(1);
      const [root] = status('root');
      expect(root).toBeDefined();
      expect(root!['use']).toBeUndefined(); // the root certifies; it never signs tokens
      const rootKeys = new Map([[root!['kid']!, loadJwk(root!)]]);
      for (const k of [...status('current'), ...status('next'), ...status('retired')]) {
        const c = verifyCertification(k['x-writ-cert']!, rootKeys);
        expect(c).toMatchObject({ ok: true, kid: k['kid'] });
      }
    } finally {
      admin.server.close();
    }
    const retiredBefore = ring.kids().retired;
    const oldToken = responseHeader(await t.check.check(scenarioCheckRequest(query)), 'x-writ-token')!;
    await ring.rotate();
    t.clock.now += 66_000; // token ttl 60 s + skew 5 s + 1 s: every token those keys signed has expired
    ring.prune();
    for (const kid of [...retiredBefore, kidOf(oldToken)]) expect(ring.get(kid)).toBeUndefined();
    // The token still carries its key's certification by the root, so the key is known through it;
    // the token itself has expired.
    const v = await t.verify.check(scenarioCheckRequest(query, { 'x-writ-token': oldToken }));
    expect(structField(v, 'writ_code')).toBe('ERR_TOKEN_EXPIRED');
    // Without the certification, a key the ring dropped is unknown.
    const { crit: _crit, wcrt: _wcrt, ...bare } = tokenHeader(oldToken);
    const stripped = joinToken({ ...tokenParts(oldToken), h: b64json(bare) });
    const u = await t.verify.check(scenarioCheckRequest(query, { 'x-writ-token': stripped }));
    expect(structField(u, 'writ_code')).toBe('ERR_TOKEN_UNKNOWN_KEY');
  });

  it('keeps every key it needed in the audit log, which verifies offline with only the root key', async () => {
    t.writ.audit.flush();
    const copy = join(dir, 'audit.jsonl');
    copyFileSync(t.auditFile, copy);
    const root = t.writ.keyRing.jwks().keys.find((k) => k['x-writ-status'] === 'root')!;
    const keysFile = join(dir, 'root.jwks');
    writeFileSync(keysFile, JSON.stringify({ keys: [root] }));
    const v = await verifyAuditFile(copy, { keys: loadPublicKeys(keysFile) });
    expect(v.ok).toBe(true);
    expect(v.checkpoints).toBeGreaterThan(1);
    const types = readFileSync(copy, 'utf8')
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { event: { type: string } }).event.type);
    expect(types.filter((x) => x === 'audit.key-added').length).toBeGreaterThanOrEqual(8); // root + 7 keys
    expect(types).toContain('audit.key-retired');
    // Trusting another root, the first certified key is refused.
    const otherRoot = join(dir, 'other.jwks');
    const { generateKeyPairSync } = await import('node:crypto');
    const other = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' });
    writeFileSync(otherRoot, JSON.stringify({ keys: [other] }));
    const out: string[] = [];
    const sink = { write: (s: string) => out.push(s) } as unknown as NodeJS.WritableStream;
    expect(await runAuditVerify(copy, sink, sink, { keys: otherRoot })).toBe(1);
    expect(out.join('')).toMatch(/\(bad-key-event\)/);
  });
});

function loadJwk(jwk: Record<string, string>) {
  const file = join(dir, `${jwk['kid']}.jwks`);
  writeFileSync(file, JSON.stringify({ keys: [jwk] }));
  return [...loadPublicKeys(file).values()][0]!;
}
