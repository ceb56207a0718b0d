/** `npm run eval`: runs the inspectors over the third-party corpora and writes docs/eval-results.md. */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { lineToAction } from '../src/cli/inspect.js';
import type { Inspector, InspectorConfig } from '../src/pipeline/inspect/inspector.js';
import { DEFAULT_INSPECTORS, inspectAction } from '../src/pipeline/inspect/registry.js';
import { severityRank } from '../src/pipeline/model/finding.js';
import {
  commandInjectionSets,
  destructiveSets,
  encodingSets,
  pathTraversalSets,
  promptInjectionSets,
  secretsSets,
  sqlInjectionSets,
  ssrfSets,
  type EvalSet,
} from './corpora.js';

/** The deployment the eval assumes: an allowlist, internal domains, one production database. */
const CONFIG: InspectorConfig = {
  egressAllowlist: ['api.github.com'],
  internalDomains: ['*.svc.cluster.local', 'corp.example'],
  productionDatabases: ['prod'],
  protectedBranches: ['main'],
};

/** A case counts as flagged when its inspector reports at least this severity (low and info are context). */
const FLAG_AT = severityRank('medium');

interface Row {
  set: string;
  informational: boolean;
  inspector: string;
  attacks: number;
  detected: number;
  benign: number;
  falsePositives: number;
  misses: Map<string, number>;
  fpByCategory: Map<string, number>;
  errors: number;
}

function byId(id: string): Inspector {
  const found = DEFAULT_INSPECTORS.find((i) => i.id === id);
  if (found === undefined) throw new TypeError(`no inspector "${id}"`);
  return found;
}

function score(set: EvalSet): Row {
  // The encoding set is scored on encoded-attack findings, which need the attack inspectors plus the decoder.
  const inspectors =
    set.inspector === 'encoding-evasion'
      ? ['sql-injection', 'command-injection', 'path-traversal', 'encoding-evasion'].map(byId)
      : [byId(set.inspector)];
  const row: Row = {
    set: set.name,
    informational: set.informational === true,
    inspector: set.inspector,
    attacks: 0,
    detected: 0,
    benign: 0,
    falsePositives: 0,
    misses: new Map(),
    fpByCategory: new Map(),
    errors: 0,
  };
  set.cases.forEach((c, i) => {
    let flagged = false;
    try {
      const { action, headers } = lineToAction(c.line, i + 1, CONFIG);
      const { findings } = inspectAction(action, headers, CONFIG, inspectors);
      flagged = findings.some(
        (f) =>
          severityRank(f.severity) >= FLAG_AT &&
          (set.inspector === 'encoding-evasion'
            ? f.id === 'encoding-evasion.encoded-attack'
            : f.inspector === set.inspector),
      );
    } catch {
      row.errors++;
    }
    if (c.attack) {
      row.attacks++;
      if (flagged) row.detected++;
      else row.misses.set(c.category, (row.misses.get(c.category) ?? 0) + 1);
    } else {
      row.benign++;
      if (flagged) {
        row.falsePositives++;
        row.fpByCategory.set(c.category, (row.fpByCategory.get(c.category) ?? 0) + 1);
      }
    }
  });
  return row;
}

const pct = (n: number, d: number) => (d === 0 ? '—' : `${((100 * n) / d).toFixed(1)}%`);

function top(m: Map<string, number>, k = 6): string {
  return [...m.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, k)
    .map(([c, n]) => `${c.replace(/\|/g, '/')} ${n}`)
    .join('; ');
}

const TARGETS: Record<string, string> = {
  'sql-injection': '≥97% detection, ≤1% FP',
  'command-injection': '≥97% detection, ≤1% FP',
  'path-traversal': '≥97% detection, ≤1% FP',
  secrets: '≥95% detection, ≤2% FP',
  'prompt-injection': '≥90% detection (BIPIA, PATT), ≤3% FP (NotInject)',
};

function main(): void {
  const started = performance.now();
  const sets = [
    ...sqlInjectionSets(),
    ...commandInjectionSets(),
    ...pathTraversalSets(),
    ...secretsSets(),
    ...promptInjectionSets('test'),
    ...promptInjectionSets('train').slice(0, 2),
    ...ssrfSets(),
    ...encodingSets(),
    ...destructiveSets(),
  ];
  const rows = sets.map(score);
  const table = [
    '| inspector | set | cases | attacks | detected | detection | benign | FP | FP rate | errors |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.inspector} | ${r.set} | ${r.attacks + r.benign} | ${r.attacks} | ${r.detected} | ${pct(r.detected, r.attacks)} | ${r.benign} | ${r.falsePositives} | ${pct(r.falsePositives, r.benign)} | ${r.errors} |`,
    ),
  ];
  const summary = Object.entries(TARGETS).map(([id, target]) => {
    const mine = rows.filter((r) => r.inspector === id && !r.set.includes('(train)') && !r.informational);
    const a = mine.reduce((n, r) => n + r.attacks, 0);
    const d = mine.reduce((n, r) => n + r.detected, 0);
    const b = mine.reduce((n, r) => n + r.benign, 0);
    const f = mine.reduce((n, r) => n + r.falsePositives, 0);
    return `| ${id} | ${a + b} | ${pct(d, a)} | ${pct(f, b)} | ${target} |`;
  });
  const misses = rows
    .filter((r) => r.misses.size > 0 || r.fpByCategory.size > 0)
    .map(
      (r) =>
        `- **${r.inspector} / ${r.set}**: misses by category: ${top(r.misses) || 'none'}; false positives by category: ${top(r.fpByCategory) || 'none'}`,
    );
  const md = [
    '# Inspector evaluation',
    '',
    'Generated by `npm run eval` (`eval/run.ts`) from the corpora in `../shared/data/` (see each `SOURCE.md`).',
    'A case is **flagged** when the inspector under test reports a finding of severity medium or above; the',
    'encoding row counts `encoding-evasion.encoded-attack` findings. Every case goes through the same',
    'normalize → collect leaves → decode → inspect path as `writ inspect` and the server. Prompt-injection',
    'train rows are the tuning split and are excluded from the summary. Rows marked "not scored" are reported',
    'but left out of the summary. Labelling rules (eval/corpora.ts): secretlint cases are labelled by their',
    '`ng.`/`ok.` folder prefix (else `output.json`), sent under the file name upstream scans, with PKCS#12-only',
    'cases skipped and option-dependent or secretlint-internal fixtures (demo rule, comment directives, rule',
    'scoping) reported apart; PATT command-injection payloads that carry no shell operator, substitution, line',
    'break or interpreter call inject nothing after `ping -c 1` and are reported apart; destructive-op follows',
    "sqlglot's SOURCE.md (DROP/TRUNCATE and DELETE/UPDATE without WHERE are destructive, with WHERE they pass).",
    '',
    '## Summary against targets',
    '',
    '| inspector | cases | detection | FP rate | target |',
    '|---|---:|---:|---:|---|',
    ...summary,
    '',
    '## Per set',
    '',
    ...table,
    '',
    '## Misses and false positives by category',
    '',
    ...misses,
    '',
    `Run time: ${((performance.now() - started) / 1000).toFixed(1)} s.`,
    '',
  ].join('\n');
  writeFileSync(fileURLToPath(new URL('../docs/eval-results.md', import.meta.url)), md);
  process.stdout.write(
    `${['| inspector | cases | detection | FP rate | target |', '|---|---:|---:|---:|---|', ...summary].join('\n')}\n\n${table.join('\n')}\n`,
  );
}

main();
