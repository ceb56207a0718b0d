/** The corpus-row facts docs/test-suite.md states, enumerated from the dev-split sample and the baseline. */
import { readFileSync } from 'node:fs';
import type { CorpusFacts } from '../../scripts/suite-report.js';
import { BASELINE_FILE, sampledSets, setKey, type Baseline } from '../evidence/support/corpus-cases.js';

/**
 * What test/evidence/corpus-cases.test.ts asserts and only reports, counted the way it builds its tests: a
 * sampled attack case is a test when the baseline lists it detected, a benign one when it lists it clean.
 */
export function corpusFacts(): CorpusFacts {
  const baseline = JSON.parse(readFileSync(BASELINE_FILE, 'utf8')) as Baseline;
  const facts = { attackAsserted: 0, attackMissedAtFreeze: 0, benignAsserted: 0, benignFlaggedAtFreeze: 0 };
  for (const { set, cases } of sampledSets()) {
    const b = baseline.sets[setKey(set)];
    if (b === undefined) continue;
    const detected = new Set(b.detected);
    const clean = new Set(b.clean);
    for (const c of cases) {
      if (c.attack && detected.has(c.id)) facts.attackAsserted++;
      else if (c.attack) facts.attackMissedAtFreeze++;
      else if (clean.has(c.id)) facts.benignAsserted++;
      else facts.benignFlaggedAtFreeze++;
    }
  }
  return { frozen: baseline.frozen, ...facts };
}
