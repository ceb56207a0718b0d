/**
 * Issue 15 F7: the inspection thread starts lazily, and its first job from dist/ took 686 ms, so the first
 * costly request after a start was ERR_TIMEOUT. serve warms it in the background (src/warm-up.ts) and /readyz
 * says "not ready" until it has answered every sample, or says why it cannot serve.
 */
import { describe, expect, it } from 'vitest';
import { InspectWorker } from '../../src/inspect-worker/pool.js';
import { DEFAULT_SETTINGS } from '../../src/pipeline/deps.js';
import { WritError } from '../../src/pipeline/errors.js';
import type { Finding } from '../../src/pipeline/model/finding.js';
import { compilePolicySources } from '../../src/pipeline/policy/load.js';
import { warmUpInspectionThreadInBackground, type WarmUpDeps } from '../../src/warm-up.js';

const policy = compilePolicySources([
  { name: 'p.yaml', text: 'apiVersion: writ.dev/v1\nrules:\n  - {id: allow-all, effect: allow}\n' },
]);

function depsWith(inspect: WarmUpDeps['inspect']) {
  const errors: object[] = [];
  const deps: WarmUpDeps = {
    policy: () => policy,
    settings: DEFAULT_SETTINGS,
    now: () => 1_767_600_000_000,
    log: { info: () => undefined, warn: () => undefined, error: (o) => void errors.push(o) },
    inspect,
  };
  return { deps, errors };
}

describe('the inspection thread warm-up', () => {
  it('is not ready until every sample was inspected through the paced path, then is', async () => {
    const release: (() => void)[] = [];
    const paced: boolean[] = [];
    const { deps } = depsWith((_action, _headers, _config, between) => {
      paced.push(between !== undefined);
      return new Promise<readonly Finding[]>((resolve) => release.push(() => resolve([])));
    });
    const warm = warmUpInspectionThreadInBackground(deps);
    // Samples are inspected one at a time; each answer lets the next one go.
    for (let answered = 0; answered < 100 && !warm.ready(); answered++) {
      expect(warm.ready()).toBe(false);
      await new Promise((r) => setImmediate(r));
      release.shift()?.();
    }
    await warm.done;
    expect(warm.ready()).toBe(true);
    expect(warm.failure()).toBeNull();
    // Every sample, both rounds, went the costly requests' way (a pace checkpoint, hence the thread).
    expect(paced.length).toBeGreaterThanOrEqual(8);
    expect(paced.every(Boolean)).toBe(true);
  });

  it('a sample the thread refuses with a WritError (a limit) does not stop the warm-up', async () => {
    const { deps } = depsWith(() => Promise.reject(new WritError('ERR_INSPECTION_LIMIT', 'too deep')));
    const warm = warmUpInspectionThreadInBackground(deps);
    await warm.done;
    expect(warm.ready()).toBe(true);
    expect(warm.failure()).toBeNull();
  });

  it('a thread that cannot serve leaves it not ready, and says why (logged and for /readyz)', async () => {
    const { deps, errors } = depsWith(() => Promise.reject(new Error('the inspection thread exited (1)')));
    const warm = warmUpInspectionThreadInBackground(deps);
    await warm.done;
    expect(warm.ready()).toBe(false);
    expect(warm.failure()).toMatch(
      /inspection thread failed its warm-up, so costly requests are denied: .*exited \(1\)/,
    );
    expect(errors).toHaveLength(1);
  });

  it('warms a real inspection thread: every sample answered on it, nothing left in flight', async () => {
    const worker = new InspectWorker();
    try {
      const { deps } = depsWith((action, headers, config, between) =>
        worker.inspect(action, headers, config, between ?? (() => Promise.resolve())),
      );
      const warm = warmUpInspectionThreadInBackground(deps);
      await warm.done;
      expect(warm.failure()).toBeNull();
      expect(warm.ready()).toBe(true);
      expect(worker.inFlight).toBe(0);
    } finally {
      await worker.close();
    }
  }, 30_000);
});
