/** API key store over a real file that changes while the store is in use. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createApiKeyStore,
  generateApiKey,
  hashApiKey,
  parseApiKeyFile,
} from '../../src/identity/api-keys.js';

let dir: string;
let file: string;
let clock: number;
const now = (): number => clock;
const a = generateApiKey();
const b = generateApiKey();

function write(keys: unknown[]): void {
  writeFileSync(file, JSON.stringify({ keys }));
}
const rec = (id: string, sha256: string): object => ({
  id,
  subject: `svc:${id}`,
  scopes: [`read.${id}`],
  sha256,
});

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'writ-keys-'));
  file = join(dir, 'keys.json');
  clock = 1_000_000;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('api keys', () => {
  it('authenticates a stored key and returns its id, subject and scopes', async () => {
    write([rec('a', a.sha256), rec('b', b.sha256)]);
    const store = createApiKeyStore({ path: file, now });
    expect(await store.authenticate(b.key)).toEqual({
      ok: true,
      id: 'b',
      subject: 'svc:b',
      scopes: ['read.b'],
    });
  });

  it('stores only hashes: the file never contains the key', () => {
    expect(a.sha256).toBe(hashApiKey(a.key));
    expect(a.sha256).not.toContain(a.key);
    expect(a.key).toMatch(/^writ_[A-Za-z0-9_-]{43}$/);
  });

  it('rejects an unknown key and a malformed one with distinct codes', async () => {
    write([rec('a', a.sha256)]);
    const store = createApiKeyStore({ path: file, now });
    expect(await store.authenticate(b.key)).toMatchObject({ ok: false, code: 'ERR_API_KEY_UNKNOWN' });
    expect(await store.authenticate('short')).toMatchObject({ ok: false, code: 'ERR_API_KEY_MALFORMED' });
    expect(await store.authenticate(`${a.key}\n`)).toMatchObject({
      ok: false,
      code: 'ERR_API_KEY_MALFORMED',
    });
    // A hash presented as a key is not the key.
    expect(await store.authenticate(a.sha256)).toMatchObject({ ok: false, code: 'ERR_API_KEY_UNKNOWN' });
  });

  it('revokes a key without restart once the TTL has passed', async () => {
    write([rec('a', a.sha256), rec('b', b.sha256)]);
    const store = createApiKeyStore({ path: file, ttlMs: 1000, now });
    expect((await store.authenticate(a.key)).ok).toBe(true);
    write([rec('b', b.sha256)]);
    clock += 999;
    expect((await store.authenticate(a.key)).ok).toBe(true);
    clock += 1;
    expect(await store.authenticate(a.key)).toMatchObject({ ok: false, code: 'ERR_API_KEY_UNKNOWN' });
    expect((await store.authenticate(b.key)).ok).toBe(true);
  });

  it('picks up an added key after the TTL', async () => {
    write([rec('a', a.sha256)]);
    const store = createApiKeyStore({ path: file, ttlMs: 500, now });
    expect((await store.authenticate(b.key)).ok).toBe(false);
    write([rec('a', a.sha256), rec('b', b.sha256)]);
    clock += 500;
    expect(await store.authenticate(b.key)).toMatchObject({ ok: true, id: 'b' });
  });

  it('fails closed when the file becomes invalid or disappears', async () => {
    write([rec('a', a.sha256)]);
    const store = createApiKeyStore({ path: file, ttlMs: 10, now });
    expect((await store.authenticate(a.key)).ok).toBe(true);
    writeFileSync(file, '{"keys": [');
    clock += 10;
    expect(await store.authenticate(a.key)).toMatchObject({ ok: false, code: 'ERR_API_KEYS_UNAVAILABLE' });
    rmSync(file);
    clock += 10;
    expect(await store.authenticate(a.key)).toMatchObject({ ok: false, code: 'ERR_API_KEYS_UNAVAILABLE' });
  });

  it.each([
    [{ keys: [{ id: 'a', subject: 's', scopes: [], sha256: 'xyz' }] }, /sha256/],
    [{ keys: [rec('a', a.sha256), rec('a', b.sha256)] }, /twice/],
    [{ keys: [{ id: 'a', subject: 's', scopes: 'read.x', sha256: a.sha256 }] }, /scopes/],
    [{}, /keys/],
  ])('rejects an invalid key file %#', (doc, message) => {
    expect(() => parseApiKeyFile(JSON.stringify(doc))).toThrow(message);
  });
});
