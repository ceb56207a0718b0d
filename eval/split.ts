/**
 * The frozen dev/test split of every eval corpus. The rule (SPLIT_RULE) is fixed: a corpus that ships its
 * own split keeps it (BIPIA train is dev, test is test); every other row belongs to a split unit (a source
 * file, page, request id, template or payload, named per corpus in eval/corpora*.ts), and a unit is test when
 * the first 32 bits of SHA-256("writ-split-v1\0" + corpus + "\0" + unit) fall in the lower half.
 * eval/split-manifest.json records the unit counts and a digest of the test units per corpus;
 * test/eval/split.test.ts recomputes them, so the split cannot drift silently.
 *
 * Only dev rows may be looked at case by case (misses, false positives, training): `assertDevOnly` is the
 * guard every such tool calls. `npm run eval` scores test and prints aggregates only.
 */
import { createHash } from 'node:crypto';
import type { EvalCase, EvalSet } from './corpora.js';
import { allSets } from './sets.js';

/** The two sides of the split. */
export type Split = 'dev' | 'test';

/** The rule, stated once; the manifest and docs/eval-results.md quote it. */
export const SPLIT_RULE =
  'a corpus with its own split keeps it (BIPIA: train = dev, test = test); otherwise each row belongs to a ' +
  'unit named per corpus (source file, page, request id, template or payload), and the unit is test when ' +
  'the first 32 bits of SHA-256("writ-split-v1\\0" + corpus + "\\0" + unit), read big-endian, are below 2^31';

const SALT = 'writ-split-v1\0';

/** The SHA-256 of a unit, hex: its id in the manifest digest. */
export function unitId(corpus: string, unit: string): string {
  return createHash('sha256').update(`${SALT}${corpus}\0${unit}`).digest('hex');
}

/** The side a case falls on: the corpus's own split when it ships one, else the hash of its unit. */
export function splitOf(c: Pick<EvalCase, 'corpus' | 'unit' | 'upstream'>): Split {
  if (c.upstream !== undefined) return c.upstream;
  return Number.parseInt(unitId(c.corpus, c.unit).slice(0, 8), 16) < 0x80000000 ? 'test' : 'dev';
}

/** The same sets with only the cases of one split (sets left empty are dropped). */
export function selectSplit(sets: readonly EvalSet[], split: Split): EvalSet[] {
  return sets
    .map((s) => ({ ...s, cases: s.cases.filter((c) => splitOf(c) === split) }))
    .filter((s) => s.cases.length > 0);
}

/** Every eval set, dev cases only: what tuning, miss listings and training may read. */
export function devSets(): EvalSet[] {
  return selectSplit(allSets(), 'dev');
}

/** Every eval set, test cases only: scored by `npm run eval` in aggregate, never listed case by case. */
export function testSets(): EvalSet[] {
  return selectSplit(allSets(), 'test');
}

/**
 * The guard of every tool that shows cases one by one (misses, false positives) or learns from them: it
 * throws when any case is from the test split, so test material cannot leak into tuning by accident.
 */
export function assertDevOnly(cases: Iterable<Pick<EvalCase, 'corpus' | 'unit' | 'upstream'>>): void {
  for (const c of cases)
    if (splitOf(c) !== 'dev')
      throw new Error(`refusing to show or learn from a test-split case of corpus "${c.corpus}"`);
}

/** Per corpus: units on each side and a digest of the sorted test unit ids. */
export interface SplitManifest {
  readonly rule: string;
  readonly corpora: Record<string, { dev: number; test: number; testDigest: string }>;
}

/** Computes the manifest from the corpora as they are now. */
export function computeManifest(sets: readonly EvalSet[] = allSets()): SplitManifest {
  const units = new Map<string, Map<string, Split>>();
  for (const s of sets)
    for (const c of s.cases) {
      let m = units.get(c.corpus);
      if (m === undefined) units.set(c.corpus, (m = new Map()));
      const id = unitId(c.corpus, c.unit);
      const side = splitOf(c);
      const seen = m.get(id);
      // INVARIANT: one unit, one side; a corpus whose own split disagreed with itself would break this.
      if (seen !== undefined && seen !== side) throw new Error(`unit of corpus "${c.corpus}" on both sides`);
      m.set(id, side);
    }
  const corpora: SplitManifest['corpora'] = {};
  for (const name of [...units.keys()].sort()) {
    const m = units.get(name)!;
    const test = [...m.entries()].filter(([, s]) => s === 'test').map(([id]) => id);
    corpora[name] = {
      dev: m.size - test.length,
      test: test.length,
      testDigest: createHash('sha256').update(test.sort().join('\n')).digest('hex'),
    };
  }
  return { rule: SPLIT_RULE, corpora };
}
