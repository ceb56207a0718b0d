/**
 * `npm run eval`: scores every inspector on both splits of the corpora, writes docs/eval-results.md from the
 * test split (dev figures beside it), and with `--check` exits 1 when a test figure is below its floor in
 * eval/floors.json. It prints aggregates only; case-by-case listings are `npm run eval:misses` (dev only).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { EvalSet } from './corpora.js';
import { MULTIJAIL_LANGS } from './corpora-text.js';
import {
  anyFlags,
  benignFor,
  FP_BUDGETS,
  INSPECTOR_IDS,
  NEVER,
  SCORED_IDS,
  rateAt,
  recallAt,
  scoreSets,
  thresholdFor,
  type ScoredSet,
} from './score.js';
import { SPLIT_RULE, splitOf, type Split } from './split.js';
import { allSets } from './sets.js';

/** The floors file: test-split recall that must not fall, per inspector and per attack family. */
export const FLOORS_FILE = fileURLToPath(new URL('./floors.json', import.meta.url));

/**
 * The frozen figures of the last eval run (test split), as data: docs quote their rates from here
 * (scripts/doc-figures.ts), never by running the eval, and never by hand.
 */
export const RESULTS_FILE = fileURLToPath(new URL('./results.json', import.meta.url));

/** What eval/results.json holds: per inspector and per family, test recall at 1 / 2 / 5% FP (fractions). */
export interface FrozenResults {
  readonly split: 'test';
  readonly budgets: readonly string[];
  readonly inspectors: Record<string, number[]>;
  readonly families: Record<string, { inspector: string; cases: number; own: number[]; any: number[] }>;
}

/** The JSON text of eval/results.json for a test-split run. */
export function frozenResults(test: SplitFigures): string {
  const round = (xs: readonly number[]) => xs.map((x) => Math.round(x * 10000) / 10000);
  const out: FrozenResults = {
    split: 'test',
    budgets: FP_BUDGETS.map(budgetKey),
    inspectors: Object.fromEntries(Object.entries(test.inspectors).map(([k, v]) => [k, round(v)])),
    families: Object.fromEntries(
      Object.entries(test.families).map(([k, v]) => [
        k,
        { inspector: v.inspector, cases: v.cases, own: round(v.own), any: round(v.any) },
      ]),
    ),
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}

/** Floors: recall on the test split at each false-positive budget ("1", "2", "5" percent), as fractions. */
export interface Floors {
  readonly inspectors: Record<string, Record<string, number>>;
  readonly families: Record<string, Record<string, number>>;
}

/** The figures one split yields: per inspector and per family, recall at each budget. */
export interface SplitFigures {
  readonly split: Split;
  readonly thresholds: Record<string, number[]>;
  readonly inspectors: Record<string, number[]>;
  readonly families: Record<
    string,
    { inspector: string; cases: number; own: number[]; any: number[]; model?: number[] | undefined }
  >;
  readonly benign: Record<string, { cases: number; worst: number[]; worstBy: string[]; any: number[] }>;
  readonly languages: Record<string, { cases: number; own: number; any: number }>;
  readonly errors: number;
}

const budgetKey = (b: number) => String(Math.round(b * 100));

/** Scores one split. */
export function figures(scored: readonly ScoredSet[], split: Split): SplitFigures {
  const sets = scored
    .map((s) => ({ set: s.set, scored: s.scored.filter((x) => splitOf(x.c) === split) }))
    .filter((s) => s.scored.length > 0);
  const thresholds: Record<string, number[]> = {};
  for (const id of SCORED_IDS) thresholds[id] = FP_BUDGETS.map((b) => thresholdFor(sets, id, b));
  const perBudget = (i: number) => INSPECTOR_IDS.map((id) => thresholds[id]![i]!);
  const attacks = sets.filter((s) => s.set.side === 'attack' && s.set.informational !== true);
  const inspectors: SplitFigures['inspectors'] = {};
  for (const id of SCORED_IDS) {
    const own = attacks.filter((s) => s.set.inspector === id.split(':')[0]).flatMap((s) => s.scored);
    if (own.length > 0) inspectors[id] = thresholds[id]!.map((t) => recallAt(own, id, t));
  }
  const families: SplitFigures['families'] = {};
  for (const s of sets.filter((x) => x.set.side === 'attack')) {
    families[s.set.name] = {
      inspector: s.set.inspector,
      cases: s.scored.length,
      own: thresholds[s.set.inspector]!.map((t) => recallAt(s.scored, s.set.inspector, t)),
      model:
        s.set.inspector === 'prompt-injection'
          ? thresholds['prompt-injection:model']!.map((t) => recallAt(s.scored, 'prompt-injection:model', t))
          : undefined,
      any: FP_BUDGETS.map(
        (_, i) => s.scored.filter((x) => anyFlags(x, perBudget(i))).length / s.scored.length,
      ),
    };
  }
  const benign: SplitFigures['benign'] = {};
  for (const s of sets.filter((x) => x.set.side === 'benign' && x.set.informational !== true)) {
    const worst: number[] = [];
    const worstBy: string[] = [];
    FP_BUDGETS.forEach((_, i) => {
      let w = 0;
      let by = '';
      for (const id of INSPECTOR_IDS) {
        if (!benignFor(s.set, id)) continue;
        const r = rateAt(s, INSPECTOR_IDS.indexOf(id), thresholds[id]![i]!);
        if (r > w) {
          w = r;
          by = id;
        }
      }
      worst.push(w);
      worstBy.push(by);
    });
    benign[s.set.name] = {
      cases: s.scored.length,
      worst,
      worstBy,
      any: FP_BUDGETS.map(
        (_, i) => s.scored.filter((x) => anyFlags(x, perBudget(i), s.set)).length / s.scored.length,
      ),
    };
  }
  // Benign text per language, at the 2% operating point of prompt-injection and of the whole pack.
  const languages: SplitFigures['languages'] = {};
  const multi = sets.find((s) => s.set.name.startsWith('tldr-pages-multilingual'));
  const pi = INSPECTOR_IDS.indexOf('prompt-injection');
  for (const x of multi?.scored ?? []) {
    const lang = x.c.category;
    const l = (languages[lang] ??= { cases: 0, own: 0, any: 0 });
    l.cases++;
    if (x.scores !== null && x.scores[pi]! >= thresholds['prompt-injection']![1]!) l.own++;
    if (anyFlags(x, perBudget(1), multi!.set)) l.any++;
  }
  const errors = sets.reduce((n, s) => n + s.scored.filter((x) => x.scores === null).length, 0);
  return { split, thresholds, inspectors, families, benign, languages, errors };
}

/** Every test figure below its floor, as readable lines (empty when the gate passes). */
export function belowFloors(test: SplitFigures, floors: Floors): string[] {
  const out: string[] = [];
  const check = (what: string, got: number[] | undefined, want: Record<string, number>) => {
    FP_BUDGETS.forEach((b, i) => {
      const floor = want[budgetKey(b)];
      if (floor === undefined) return;
      const value = got?.[i];
      if (value === undefined || value + 1e-9 < floor)
        out.push(
          `${what} at ${budgetKey(b)}% FP: ${value === undefined ? 'missing' : pct(value)} < floor ${pct(floor)}`,
        );
    });
  };
  for (const [id, want] of Object.entries(floors.inspectors))
    check(`inspector ${id}`, test.inspectors[id], want);
  for (const [name, want] of Object.entries(floors.families))
    check(`family "${name}"`, test.families[name]?.own, want);
  return out;
}

/** The floors the current figures would set: each recall rounded down to a whole percent. */
export function floorsFrom(test: SplitFigures): Floors {
  const down = (xs: number[]) =>
    Object.fromEntries(FP_BUDGETS.map((b, i) => [budgetKey(b), Math.floor((xs[i] ?? 0) * 100) / 100]));
  return {
    inspectors: Object.fromEntries(Object.entries(test.inspectors).map(([k, v]) => [k, down(v)])),
    families: Object.fromEntries(
      Object.entries(test.families)
        .filter(([name]) => !name.includes('not scored'))
        .map(([k, v]) => [k, down(v.own)]),
    ),
  };
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const sev = (t: number) => (t >= NEVER ? 'none fits' : ['', 'low', 'medium', 'high', 'critical'][t]!);
const trio = (xs: readonly number[]) => xs.map(pct).join(' / ');

function report(test: SplitFigures, dev: SplitFigures, sets: readonly EvalSet[], seconds: number): string {
  const counts = (split: Split) => (s: EvalSet) => s.cases.filter((c) => splitOf(c) === split).length;
  const inspectorRows = (f: SplitFigures) =>
    SCORED_IDS.map(
      (id) =>
        `| ${id} | ${f.thresholds[id]!.map(sev).join(' / ')} | ${f.inspectors[id] === undefined ? 'no attack set' : trio(f.inspectors[id])} |`,
    );
  const familyRows = (f: SplitFigures) =>
    Object.entries(f.families).map(
      ([name, x]) =>
        `| ${name} | ${x.inspector} | ${x.cases} | ${trio(x.own)} | ${x.model === undefined ? '—' : trio(x.model)} | ${trio(x.any)} |`,
    );
  return [
    '# Inspector evaluation',
    '',
    'Generated by `npm run eval` (`eval/run.ts`); do not edit by hand. Corpora and their licences: each',
    "corpus folder's `SOURCE.md`.",
    '',
    '## Method',
    '',
    `- **Split** (frozen, \`eval/split.ts\`, \`eval/split-manifest.json\`): ${SPLIT_RULE}. Figures below are`,
    '  the **test** split unless marked dev. Tools that list misses or false positives case by case',
    '  (`npm run eval:misses`) and training read dev only; `assertDevOnly` refuses test cases.',
    "- **Score** of a case for an inspector: the highest severity among that inspector's findings, info",
    '  excluded (info is a fact, not a detection): 0 none, 1 low, 2 medium, 3 high, 4 critical.',
    '- **Operating point**: for a false-positive budget of 1%, 2% or 5%, the lowest severity threshold at',
    '  which the inspector flags at most that share of **every** benign set it is measured on (a benign set',
    '  counts for every inspector unless it is scoped to one, or states why an inspector rightly flags part',
    '  of it). Recall is the share of attacks at or above that threshold. "none fits" means no severity',
    '  threshold keeps every benign set within budget, and recall there is 0.',
    '- **Any inspector**: the whole default pack, each inspector at its own threshold for the budget.',
    '- **Floors** (`eval/floors.json`, checked by `npm run eval -- --check` in CI): test recall per inspector',
    '  and per family must not fall below them. Floors are never lowered (test/eval/floors.test.ts).',
    '',
    '## Per inspector (test)',
    '',
    'Threshold and pooled recall on the inspector’s own attack sets, at 1% / 2% / 5% FP.',
    '',
    '| inspector | threshold at 1 / 2 / 5% | recall at 1 / 2 / 5% FP |',
    '|---|---|---|',
    ...inspectorRows(test),
    '',
    '## Per attack family (test)',
    '',
    '| family | inspector | cases | its inspector, recall at 1 / 2 / 5% FP | learned model alone | any inspector, recall at 1 / 2 / 5% FP |',
    '|---|---|---:|---|---|---|',
    ...familyRows(test),
    '',
    '## Benign sets (test)',
    '',
    'False-positive rate at each operating point: the worst single inspector (named) and the whole pack.',
    '',
    '| benign set | cases | worst inspector at 1 / 2 / 5% | by | any inspector at 1 / 2 / 5% |',
    '|---|---:|---|---|---|',
    ...Object.entries(test.benign).map(
      ([name, b]) =>
        `| ${name} | ${b.cases} | ${trio(b.worst)} | ${[...new Set(b.worstBy.filter((x) => x !== ''))].join(', ') || '—'} | ${trio(b.any)} |`,
    ),
    '',
    '## Benign text per language (test, tldr-pages-multilingual)',
    '',
    'False positives at the 2% operating point: prompt-injection alone, and the whole pack.',
    '',
    '| language | cases | prompt-injection | any inspector |',
    '|---|---:|---:|---:|',
    ...Object.entries(test.languages)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([lang, l]) => `| ${lang} | ${l.cases} | ${pct(l.own / l.cases)} | ${pct(l.any / l.cases)} |`),
    '',
    `MultiJail languages (attack side): ${MULTIJAIL_LANGS.join(', ')}; see the per-family table.`,
    '',
    '## Dev split',
    '',
    '| inspector | threshold at 1 / 2 / 5% | recall at 1 / 2 / 5% FP |',
    '|---|---|---|',
    ...inspectorRows(dev),
    '',
    '| family | inspector | cases | its inspector, recall at 1 / 2 / 5% FP | learned model alone | any inspector, recall at 1 / 2 / 5% FP |',
    '|---|---|---:|---|---|---|',
    ...familyRows(dev),
    '',
    '## Sets and split sizes',
    '',
    '| set | side | inspector | dev | test | note |',
    '|---|---|---|---:|---:|---|',
    ...sets.map(
      (s) =>
        `| ${s.name} | ${s.side} | ${s.inspector} | ${counts('dev')(s)} | ${counts('test')(s)} | ${[
          s.informational === true ? 'not scored' : '',
          s.benignFor !== undefined ? `benign for ${s.benignFor.join(', ')} only` : '',
          ...Object.entries(s.notBenignFor ?? {}).map(([k, v]) => `not counted for ${k}: ${v}`),
        ]
          .filter((x) => x !== '')
          .join('; ')} |`,
    ),
    '',
    `Cases that did not normalize (scored 0): test ${test.errors}, dev ${dev.errors}. Run time: ${seconds.toFixed(1)} s.`,
    '',
  ].join('\n');
}

function main(): void {
  const started = performance.now();
  const args = new Set(process.argv.slice(2));
  const sets = allSets();
  const scored = scoreSets(sets);
  const test = figures(scored, 'test');
  const dev = figures(scored, 'dev');
  const seconds = (performance.now() - started) / 1000;
  if (!args.has('--no-write')) {
    writeFileSync(
      fileURLToPath(new URL('../docs/eval-results.md', import.meta.url)),
      report(test, dev, sets, seconds),
    );
    writeFileSync(RESULTS_FILE, frozenResults(test));
  }
  if (args.has('--propose-floors')) process.stdout.write(`${JSON.stringify(floorsFrom(test), null, 2)}\n`);
  process.stdout.write(
    `${['| inspector | threshold at 1 / 2 / 5% | test recall at 1 / 2 / 5% FP |', '|---|---|---|', ...SCORED_IDS.map((id) => `| ${id} | ${test.thresholds[id]!.map(sev).join(' / ')} | ${test.inspectors[id] === undefined ? '—' : trio(test.inspectors[id])} |`)].join('\n')}\n`,
  );
  if (args.has('--check')) {
    const floors = JSON.parse(readFileSync(FLOORS_FILE, 'utf8')) as Floors;
    const below = belowFloors(test, floors);
    if (below.length > 0) {
      process.stderr.write(`eval below its floors:\n${below.map((l) => `  ${l}`).join('\n')}\n`);
      process.exitCode = 1;
    } else process.stdout.write('eval: every test figure at or above its floor\n');
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) main();
