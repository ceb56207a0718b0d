/** The shared deadline timer: a decision settles with its value, its error mapping, or the timeout. */
import { describe, expect, it } from 'vitest';
import { DeadlineQueue } from '../../src/pipeline/deadline-queue.js';

const never = new Promise<string>(() => {});
const later = (ms: number, value: string) => new Promise<string>((r) => setTimeout(() => r(value), ms));

describe('DeadlineQueue', () => {
  it('settles with the value when it comes first', async () => {
    const q = new DeadlineQueue(200);
    await expect(
      q.race(
        Promise.resolve('ok'),
        () => 'timeout',
        () => 'error',
      ),
    ).resolves.toBe('ok');
  });

  it('maps a rejection through onError and never rejects', async () => {
    const q = new DeadlineQueue(200);
    const out = q.race(
      Promise.reject(new Error('boom')),
      () => 'timeout',
      (e) => `error:${(e as Error).message}`,
    );
    await expect(out).resolves.toBe('error:boom');
  });

  it('times out a decision that never settles, and only that one', async () => {
    const q = new DeadlineQueue(30);
    const started = performance.now();
    const results = await Promise.all([
      q.race(
        never,
        () => 'timeout',
        () => 'error',
      ),
      q.race(
        later(5, 'fast'),
        () => 'timeout',
        () => 'error',
      ),
      q.race(
        never,
        () => 'timeout-2',
        () => 'error',
      ),
    ]);
    expect(results).toEqual(['timeout', 'fast', 'timeout-2']);
    expect(performance.now() - started).toBeGreaterThanOrEqual(29);
  });

  it('keeps expiring after the queue drained and refilled, in order', async () => {
    const q = new DeadlineQueue(20);
    await expect(
      q.race(
        never,
        () => 'first',
        () => 'error',
      ),
    ).resolves.toBe('first');
    const slow = q.race(
      later(200, 'late'),
      () => 'timeout',
      () => 'error',
    );
    const quick = q.race(
      Promise.resolve('now'),
      () => 'timeout',
      () => 'error',
    );
    await expect(quick).resolves.toBe('now');
    await expect(slow).resolves.toBe('timeout');
  });

  it('a value arriving after the timeout does not change the answer', async () => {
    const q = new DeadlineQueue(10);
    let settled = '';
    await q
      .race(
        later(40, 'late'),
        () => 'timeout',
        () => 'error',
      )
      .then((v) => (settled = v));
    await later(50, '');
    expect(settled).toBe('timeout');
  });

  it('drops settled entries once their deadlines pass, so it does not grow with traffic', async () => {
    const q = new DeadlineQueue(10);
    for (let i = 0; i < 5000; i++)
      await q.race(
        Promise.resolve(i),
        () => -1,
        () => -2,
      );
    expect(q.size).toBeGreaterThan(0);
    await later(40, '');
    expect(q.size).toBe(0);
  });
});
