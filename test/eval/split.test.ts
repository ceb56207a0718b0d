/**
 * The dev/test split is frozen: recomputing it from the corpora gives the committed manifest (unit counts
 * and a digest of the test units per corpus), and the case-by-case tools refuse test cases.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { EvalCase } from '../../eval/corpora.js';
import { allSets } from '../../eval/sets.js';
import {
  assertDevOnly,
  computeManifest,
  devSets,
  splitOf,
  SPLIT_RULE,
  type SplitManifest,
} from '../../eval/split.js';

const MANIFEST = JSON.parse(
  readFileSync(new URL('../../eval/split-manifest.json', import.meta.url), 'utf8'),
) as SplitManifest;

describe('eval split', () => {
  it('recomputes to the committed manifest (rule, per-corpus counts, test digest)', () => {
    expect(computeManifest()).toEqual(MANIFEST);
    expect(MANIFEST.rule).toBe(SPLIT_RULE);
  });

  it('puts between 35% and 65% of the units of every corpus with 20 or more units in test', () => {
    for (const [name, c] of Object.entries(MANIFEST.corpora))
      if (c.dev + c.test >= 20) {
        const share = c.test / (c.dev + c.test);
        expect(share, name).toBeGreaterThan(0.35);
        expect(share, name).toBeLessThan(0.65);
      }
  });

  it('keeps every unit on one side, whatever set renders it', () => {
    const side = new Map<string, string>();
    for (const s of allSets())
      for (const c of s.cases) {
        const key = `${c.corpus}\0${c.unit}`;
        const seen = side.get(key);
        if (seen === undefined) side.set(key, splitOf(c));
        else expect(splitOf(c), key).toBe(seen);
      }
  });

  it('keeps the upstream BIPIA split: train is dev, test is test', () => {
    const bipia = allSets().flatMap((s) => s.cases.filter((c) => c.corpus === 'bipia'));
    expect(bipia.length).toBeGreaterThan(0);
    for (const c of bipia) expect(splitOf(c)).toBe(c.upstream);
    expect(bipia.filter((c) => c.upstream === 'test').length).toBeGreaterThan(0);
  });

  it('the case-by-case guard refuses a test case and accepts dev cases', () => {
    const dev = devSets().flatMap((s) => s.cases);
    expect(() => assertDevOnly(dev)).not.toThrow();
    const test = allSets()
      .flatMap((s) => s.cases)
      .find((c: EvalCase) => splitOf(c) === 'test')!;
    expect(() => assertDevOnly([...dev.slice(0, 3), test])).toThrow(/test-split case/);
  });
});
