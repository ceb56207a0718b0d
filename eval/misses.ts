/**
 * `npm run eval:misses -- <inspector> [budget%] [severity 1-4]`: the dev-split cases an inspector misses, and the benign dev
 * cases it flags at its operating point, listed one by one for tuning. It reads dev only and refuses test
 * (assertDevOnly), so the test split stays unseen.
 */
import { fileURLToPath } from 'node:url';
import { FP_BUDGETS, INSPECTOR_IDS, benignFor, scoreSets, thresholdFor } from './score.js';
import { assertDevOnly, devSets } from './split.js';

/** Lists misses and false positives of one inspector on dev; returns the text. */
export function listMisses(inspector: string, budget: number, limit = 40, at?: number): string {
  if (!INSPECTOR_IDS.includes(inspector)) throw new TypeError(`unknown inspector "${inspector}"`);
  const sets = devSets();
  assertDevOnly(sets.flatMap((s) => s.cases));
  const scored = scoreSets(sets);
  const index = INSPECTOR_IDS.indexOf(inspector);
  const t = at ?? thresholdFor(scored, inspector, budget);
  const out = [`${inspector}: dev threshold ${t} (0-4 severity, 5 = none) at ${budget * 100}% FP`];
  for (const s of scored) {
    const own = s.set.side === 'attack' && s.set.inspector === inspector;
    const fp = benignFor(s.set, inspector);
    if (!own && !fp) continue;
    const bad = s.scored.filter((x) => {
      const v = x.scores === null ? 0 : x.scores[index]!;
      return own ? v < t : v >= t;
    });
    if (bad.length === 0) continue;
    out.push(
      `\n## ${own ? 'misses' : 'false positives'} in ${s.set.name}: ${bad.length} of ${s.scored.length}`,
    );
    for (const x of bad.slice(0, limit))
      out.push(
        `- [${x.c.category}] score ${x.scores?.[index] ?? 'error'}: ${JSON.stringify(x.c.line).slice(0, 300)}`,
      );
  }
  return out.join('\n');
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [inspector = 'prompt-injection', budget = '2', severity] = process.argv.slice(2);
  const b = Number(budget) / 100;
  if (!FP_BUDGETS.some((x) => Math.abs(x - b) < 1e-9))
    throw new TypeError(`budget "${budget}" is not 1, 2 or 5`);
  // An optional third argument lists at a given severity threshold (1 low .. 4 critical) instead.
  const at = severity === undefined ? undefined : Number(severity);
  if (at !== undefined && !(at >= 1 && at <= 4)) throw new TypeError(`severity "${severity}" is not 1 to 4`);
  process.stdout.write(`${listMisses(inspector, b, 40, at)}\n`);
}
