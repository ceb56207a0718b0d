/**
 * Issue 15 F7: the deadline covers the whole decision (synchronous work included), a value that arrives late
 * is a timeout even when the timer could not fire, costly decisions take turns and stop at their deadline.
 */
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { DeadlineQueue } from '../../src/pipeline/deadline-queue.js';
import { WritError } from '../../src/pipeline/errors.js';
import { COSTLY_REQUEST_BYTES, CostlyTurns, isCostly, makePace } from '../../src/pipeline/pace.js';

/** Holds the event loop for `ms`, as a CPU-bound decision does. */
function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

describe('the deadline counts from the start of the decision', () => {
  it('a value that resolves after the deadline, while the loop was too busy for the timer, is a timeout', async () => {
    const q = new DeadlineQueue(20);
    const pending = Promise.resolve().then(() => {
      busy(40);
      return 'allow';
    });
    await expect(
      q.race(
        pending,
        () => 'timeout',
        () => 'error',
      ),
    ).resolves.toBe('timeout');
  });
  it('work done before the race counts: startedAt in the past shortens the budget', async () => {
    const q = new DeadlineQueue(30);
    const startedAt = performance.now();
    busy(40);
    await expect(
      q.race(
        Promise.resolve('allow'),
        () => 'timeout',
        () => 'error',
        startedAt,
      ),
    ).resolves.toBe('timeout');
  });
  it('an error that comes late is a timeout too', async () => {
    const q = new DeadlineQueue(10);
    const startedAt = performance.now();
    busy(20);
    await expect(
      q.race(
        Promise.reject(new Error('x')),
        () => 'timeout',
        () => 'error',
        startedAt,
      ),
    ).resolves.toBe('timeout');
  });
  it('within the budget the value is kept', async () => {
    const q = new DeadlineQueue(1000);
    await expect(
      q.race(
        Promise.resolve('allow'),
        () => 'timeout',
        () => 'error',
        performance.now(),
      ),
    ).resolves.toBe('allow');
  });
});

describe('pace', () => {
  it('a costly checkpoint yields to the event loop (an immediate queued before it runs first)', async () => {
    const order: string[] = [];
    const pace = makePace(performance.now(), 1000, true);
    setImmediate(() => order.push('other request'));
    await pace.checkpoint();
    order.push('next stage');
    expect(order).toEqual(['other request', 'next stage']);
  });
  it('a checkpoint after the deadline throws ERR_TIMEOUT, costly or not', async () => {
    for (const costly of [true, false]) {
      const pace = makePace(performance.now() - 100, 50, costly);
      const err = await pace.checkpoint().then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(WritError);
      expect((err as WritError).code).toBe('ERR_TIMEOUT');
    }
  });
  it('a request is costly from COSTLY_REQUEST_BYTES of body and URL, not one byte before', () => {
    const raw = (body: number, path: number) =>
      ({ body: new Uint8Array(body), path: '/'.padEnd(path, 'x') }) as Parameters<typeof isCostly>[0];
    expect(isCostly(raw(COSTLY_REQUEST_BYTES - 11, 10))).toBe(false);
    expect(isCostly(raw(COSTLY_REQUEST_BYTES - 10, 10))).toBe(true);
    expect(isCostly(raw(0, COSTLY_REQUEST_BYTES))).toBe(true);
  });
});

describe('CostlyTurns', () => {
  it('runs one at a time, in arrival order, and passes the turn on release', async () => {
    const turns = new CostlyTurns(1);
    const log: string[] = [];
    const job = async (name: string) => {
      const release = await turns.acquire();
      log.push(`${name} start`);
      await new Promise((r) => setTimeout(r, 5));
      log.push(`${name} end`);
      release();
      release(); // a second release is ignored
    };
    await Promise.all([job('a'), job('b'), job('c')]);
    expect(log).toEqual(['a start', 'a end', 'b start', 'b end', 'c start', 'c end']);
    expect(turns.queued).toBe(0);
    // Free again: a new job starts at once.
    const release = await turns.acquire();
    release();
  });
});
