/**
 * A ring rotates one period after its current key was certified, not one period after start(): the next
 * key's certification runs three periods from its own certification, so a start slower than a period (the
 * inspection thread's warm-up took 2-5 s on a busy host) kept each key current past its certification, and
 * other replicas refused its tokens (ERR_TOKEN_CERT_EXPIRED; test/keys/cross-replica.test.ts found it).
 * Fake timers drive the ring's timer; the ring's clock is the same fake clock.
 */
import { generateKeyPairSync } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KeyRing, localRoot } from '../../src/keys/key-ring.js';
import { signerFromPrivateKey } from '../../src/keys/local-key.js';

const PERIOD_MS = 10_000;

beforeEach(() => vi.useFakeTimers({ now: Date.UTC(2026, 0, 5, 10, 0, 0) }));
afterEach(() => vi.useRealTimers());

async function ring() {
  const root = localRoot(signerFromPrivateKey(generateKeyPairSync('ed25519').privateKey));
  return KeyRing.create({
    root,
    now: () => Date.now(),
    tokenTtlSeconds: 60,
    skewSeconds: 5,
    rotateEveryMs: PERIOD_MS,
  });
}

describe('the rotation schedule', () => {
  it('started late, rotates when its first key has been current for a period, then every period', async () => {
    const r = await ring();
    const first = r.kids().current;
    // A slow start: 80% of a period passes between certification and start().
    await vi.advanceTimersByTimeAsync(0.8 * PERIOD_MS);
    r.start();
    try {
      await vi.advanceTimersByTimeAsync(0.19 * PERIOD_MS);
      expect(r.kids().current).toBe(first);
      // A period after certification, not after start (which would be 1.8 periods).
      await vi.advanceTimersByTimeAsync(0.02 * PERIOD_MS);
      const second = r.kids().current;
      expect(second).not.toBe(first);
      await vi.advanceTimersByTimeAsync(PERIOD_MS);
      expect(r.kids().current).not.toBe(second);
    } finally {
      r.stop();
    }
  });

  it('started more than a period late, rotates at once: no key stays current past its certification', async () => {
    const r = await ring();
    const first = r.kids().current;
    await vi.advanceTimersByTimeAsync(1.5 * PERIOD_MS);
    r.start();
    try {
      await vi.advanceTimersByTimeAsync(1);
      expect(r.kids().current).not.toBe(first);
    } finally {
      r.stop();
    }
  });

  it('stop() before the first rotation leaves the keys as they are', async () => {
    const r = await ring();
    const first = r.kids().current;
    r.start();
    r.stop();
    await vi.advanceTimersByTimeAsync(3 * PERIOD_MS);
    expect(r.kids().current).toBe(first);
  });
});
