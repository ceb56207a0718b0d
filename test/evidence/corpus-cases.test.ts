/**
 * The adversarial and benign sets: third-party corpus cases (PayloadsAllTheThings, libinjection, BIPIA,
 * NotInject, secretlint, sqlglot, tldr-pages, BLNS), one test per case. An attack test asserts the case is
 * still flagged at medium or above, a benign test that it is still not flagged. Cases the inspectors missed,
 * or flagged wrongly, when the baseline was frozen are counted and reported, never asserted as passing.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BASELINE_FILE, flagged, sampledSets, setKey, type Baseline } from './support/corpus-cases.js';

const baseline = JSON.parse(readFileSync(BASELINE_FILE, 'utf8')) as Baseline;
const sets = sampledSets();

/** Upper bound of the 95% Wilson score interval for k events in n trials. */
function wilsonUpper(k: number, n: number): number {
  const z = 1.96;
  const p = k / n;
  const centre = p + (z * z) / (2 * n);
  const spread = z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  return (centre + spread) / (1 + (z * z) / n);
}

describe('corpus cases', () => {
  it('samples every scored eval set, and the baseline knows every sampled case', () => {
    expect(sets.length).toBeGreaterThanOrEqual(25);
    for (const { set, cases } of sets) {
      const b = baseline.sets[setKey(set)];
      expect(b, `baseline for ${set.name}`).toBeDefined();
      const known = new Set([...b!.detected, ...b!.missed, ...b!.falsePositives, ...b!.clean]);
      // A corpus that changed under the baseline must be re-frozen deliberately, not silently skipped.
      for (const c of cases) expect(known.has(c.id), `${set.name}: case ${c.id} in the baseline`).toBe(true);
    }
  });

  // The bound is over the inspectors' own benign sets, each judged by its inspector; the shared benign sets
  // (every inspector at once, `*/`) are asserted case by case and measured at 1/2/5% FP by `npm run eval`.
  it('has a benign set large enough to bound false positives below 1% (95% Wilson upper bound)', () => {
    const own = Object.entries(baseline.sets)
      .filter(([key]) => !key.startsWith('*/'))
      .map(([, b]) => b);
    const fp = own.reduce((n, b) => n + b.falsePositives.length, 0);
    const clean = own.reduce((n, b) => n + b.clean.length, 0);
    const detected = own.reduce((n, b) => n + b.detected.length, 0);
    const missed = own.reduce((n, b) => n + b.missed.length, 0);
    const upper = wilsonUpper(fp, fp + clean);
    console.log(
      `corpus cases: ${detected + missed} attacks (${detected} detected, asserted; ${missed} missed, reported), ` +
        `${fp + clean} benign (${clean} clean, asserted; ${fp} false positives, reported): ` +
        `FP ${((100 * fp) / (fp + clean)).toFixed(2)}%, 95% upper bound ${(100 * upper).toFixed(2)}%`,
    );
    expect(fp + clean).toBeGreaterThanOrEqual(1000);
    expect(upper).toBeLessThan(0.01);
  });

  for (const { set, cases } of sets) {
    const b = baseline.sets[setKey(set)];
    if (b === undefined) continue;
    const detected = new Set(b.detected);
    const clean = new Set(b.clean);
    // A set with nothing detected or clean at freeze time (MultiJail) has only reported cases, no assertions.
    if (!cases.some((c) => (c.attack ? detected : clean).has(c.id))) continue;
    describe(setKey(set), () => {
      for (const c of cases) {
        if (c.attack && detected.has(c.id))
          it(`attack: ${set.inspector} flags ${c.category} ${c.id}`, () => expect(flagged(c)).toBe(true));
        else if (!c.attack && clean.has(c.id))
          it(`benign: no inspector flags ${c.category} ${c.id}`, () => expect(flagged(c)).toBe(false));
      }
    });
  }
});
