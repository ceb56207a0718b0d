/**
 * Issue 15 F7: the inspection thread starts lazily, and its first job from dist/ took 686 ms, so the first
 * costly request after a start was ERR_TIMEOUT. startWrit warms it before the listeners open
 * (src/warm-up.ts): every sample goes the costly requests' way, and a thread that cannot serve is said (logged,
 * and on /readyz as the reason the pod is not ready) instead of being found by the first caller.
 */
import { describe, expect, it } from 'vitest';
import { InspectWorker } from '../../src/inspect-worker/pool.js';
import { DEFAULT_SETTINGS } from '../../src/pipeline/deps.js';
import { WritError } from '../../src/pipeline/errors.js';
import { keptFacts } from '../../src/pipeline/kept-arguments.js';
import { compilePolicySources } from '../../src/pipeline/policy/load.js';
import { inspectionThreadFailure, type WarmUpDeps } from '../../src/warm-up.js';

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
  it('inspects every sample, both rounds, the costly requests way (with a pace checkpoint)', async () => {
    const paced: boolean[] = [];
    const { deps } = depsWith((_action, _headers, _config, between) => {
      paced.push(between !== undefined);
      return Promise.resolve([]);
    });
    expect(await inspectionThreadFailure(deps)).toBeNull();
    expect(paced.length).toBeGreaterThanOrEqual(8);
    expect(paced.every(Boolean)).toBe(true);
  });

  it('a sample the thread refuses with a WritError (a limit) is not a failure', async () => {
    const { deps, errors } = depsWith(() =>
      Promise.reject(new WritError('ERR_INSPECTION_LIMIT', 'too deep')),
    );
    expect(await inspectionThreadFailure(deps)).toBeNull();
    expect(errors).toEqual([]);
  });

  it('a thread that cannot serve is said: logged, and the reason /readyz gives', async () => {
    const { deps, errors } = depsWith(() => Promise.reject(new Error('the inspection thread exited (1)')));
    expect(await inspectionThreadFailure(deps)).toMatch(
      /inspection thread failed its warm-up, so costly requests are denied: .*exited \(1\)/,
    );
    expect(errors).toHaveLength(1);
  });

  it('a thread that failed (ERR_INSPECTION_THREAD, a WritError) is a failure too, not a refused sample', async () => {
    const { deps, errors } = depsWith(() =>
      Promise.reject(new WritError('ERR_INSPECTION_THREAD', 'the inspection thread was closed')),
    );
    expect(await inspectionThreadFailure(deps)).toMatch(/failed its warm-up.*was closed/);
    expect(errors).toHaveLength(1);
  });

  it('warms a real inspection thread: every sample answered on it, nothing left in flight', async () => {
    const worker = new InspectWorker();
    try {
      let answered = 0;
      let kept = 0;
      const { deps } = depsWith(async (action, headers, config, between) => {
        const findings = await worker.inspect(action, headers, config, between ?? (() => Promise.resolve()));
        answered++;
        if (keptFacts(action.action.arguments) !== undefined) kept++;
        return findings;
      });
      const withKept: WarmUpDeps = {
        ...deps,
        normalizeCostly: (raw, config, between, keep) => worker.normalize(raw, config, between, keep),
      };
      expect(await inspectionThreadFailure(withKept)).toBeNull();
      expect(answered).toBeGreaterThanOrEqual(16);
      // The check role's way (arguments kept on the thread, inspected by handle) is warmed too.
      expect(kept).toBeGreaterThanOrEqual(8);
      expect(worker.inFlight).toBe(0);
    } finally {
      await worker.close();
    }
  }, 30_000);
});
