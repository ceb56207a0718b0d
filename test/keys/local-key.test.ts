/** The embedded default key: generated on first run with mode 0600 in a 0700 folder, then reused. */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadOrCreateLocalKey } from '../../src/keys/local-key.js';

const dir = mkdtempSync(join(tmpdir(), 'writ-key-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('local signing key', () => {
  it('is created with owner-only permissions and reused on the next start', () => {
    const file = join(dir, 'keys', 'signing-key.pem');
    const first = loadOrCreateLocalKey(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'keys')).mode & 0o777).toBe(0o700);
    const again = loadOrCreateLocalKey(file);
    expect(again.kid).toBe(first.kid);
    expect(first.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});
