/**
 * Fills every count and rate of the evidence docs from data, so none is typed by hand: regions between
 * `<!-- generated:NAME -->` and `<!-- /generated:NAME -->` are rewritten whole, and a rate written as
 * `97.4% [eval: sql-injection recall at 5% FP]` or `99.9% [eval: family "PATT Directory Traversal" recall
 * at 5% FP]` takes its number from eval/results.json, the eval's frozen figures (never by running the eval).
 * Usage: node --import tsx scripts/doc-figures.ts [--check]  (--check: exit 1 and name the stale files)
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { loadScenarios } from '../src/cli/scenario.js';
import { DEFAULT_INSPECTORS } from '../src/pipeline/inspect/registry.js';
import type { FrozenResults } from '../eval/run.js';

export const ROOT = join(import.meta.dirname, '..');
export const RESULTS_FILE = join(ROOT, 'eval', 'results.json');

/**
 * Docs written whole by a generator, each checked by its own staleness test, so the figure sweep leaves them
 * to it: the value says what writes the doc and what fails when it is stale or edited by hand.
 */
export const WHOLLY_GENERATED: Readonly<Record<string, string>> = {
  'docs/eval-results.md': 'npm run eval; test/docs/doc-figures.test.ts holds it to eval/results.json',
  'docs/test-suite.md': 'npm run suite:report; test/docs/test-suite.test.ts',
  'docs/atlas-coverage.md':
    'node --import tsx scripts/atlas-coverage.ts; test/evidence/atlas-mapping.test.ts',
  'docs/performance.md':
    'npm run bench; test/docs/performance-doc.test.ts holds it to docs/performance.json, the report the same run wrote',
};

const markdownIn = (dir: string) =>
  readdirSync(join(ROOT, dir))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => join(dir, f));

/** Every doc whose counts and rates must be generated, cited from the eval, or dated measurements. */
export function sweptDocs(): string[] {
  return [...markdownIn('docs'), ...markdownIn(join('docs', 'compliance')), 'README.md'].filter(
    (d) => WHOLLY_GENERATED[d] === undefined,
  );
}

/** The docs `scripts/doc-figures.ts` fills; a test fails when one of them is stale. */
export function figureDocs(): string[] {
  return [join('docs', 'atlas-mapping.yaml'), join('docs', 'owasp-agentic-mapping.yaml'), ...sweptDocs()];
}

/** A generated region: on its own lines, or inline (a count inside a sentence or a table cell). */
const REGION = /<!-- generated:([\w-]+) -->(\n?)[\s\S]*?\2<!-- \/generated:\1 -->/g;
const CITED_RATE = /\d+(?:\.\d+)?% \[eval: (?:family "([^"\]]+)"|([\w:-]+)) recall at (\d+)% FP\]/g;

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** The frozen eval figures. */
export function loadResults(file = RESULTS_FILE): FrozenResults {
  return JSON.parse(readFileSync(file, 'utf8')) as FrozenResults;
}

/** A cited rate with its number taken from the frozen results; an unknown citation is an error. */
function citedRate(
  results: FrozenResults,
  family: string | undefined,
  inspector: string | undefined,
  budget: string,
) {
  const i = results.budgets.indexOf(budget);
  if (i < 0)
    throw new Error(`no eval budget "${budget}%" (eval/results.json has ${results.budgets.join(', ')})`);
  const series = family !== undefined ? results.families[family]?.own : results.inspectors[inspector ?? ''];
  if (series === undefined)
    throw new Error(
      `eval/results.json has no ${family !== undefined ? `family "${family}"` : `inspector "${inspector}"`}`,
    );
  const name = family !== undefined ? `family "${family}"` : inspector;
  return `${pct(series[i]!)} [eval: ${name} recall at ${budget}% FP]`;
}

interface PolicyCase {
  readonly name: string;
  readonly request?: { readonly json?: { readonly method?: string }; readonly authority?: string };
  readonly expect: { readonly decision: string; readonly code?: string; readonly rules?: readonly string[] };
}

/** The default pack's own test cases (policies/tests/default.test.yaml), which `writ policy test` runs. */
function defaultPackCases(): PolicyCase[] {
  const doc = parse(readFileSync(join(ROOT, 'policies', 'tests', 'default.test.yaml'), 'utf8')) as {
    cases: PolicyCase[];
  };
  return doc.cases;
}

/** Generators of the named regions. */
const REGIONS: Readonly<Record<string, () => string>> = {
  'owasp-scenario-counts': () => {
    const scenarios = loadScenarios(join(ROOT, 'scenarios', 'owasp'));
    const mapping = parse(readFileSync(join(ROOT, 'docs', 'owasp-agentic-mapping.yaml'), 'utf8')) as {
      items: { id: string; name: string; level: string; cause?: { scenario: string }[] }[];
    };
    const pending = scenarios.filter((s) => s.status === 'pending');
    const rows = mapping.items.map((item) => {
      const all = scenarios.filter((s) => s.owasp?.includes(item.id));
      const p = all.filter((s) => s.status === 'pending').length;
      const causes = (item.cause ?? []).map((c) => basename(c.scenario, '.yaml').slice(0, 8)).join(', ');
      return `| ${item.id} ${item.name} | ${item.level} | ${all.length - p} | ${p} | ${causes} |`;
    });
    return [
      `${scenarios.length} scenario files: ${scenarios.length - pending.length} run and must pass, ${pending.length} pending.`,
      'The level and its causes (the scenarios whose decision names the control) come from',
      '`docs/owasp-agentic-mapping.yaml`; each item counts every scenario that lists it, so a scenario can count',
      'under several items.',
      '',
      '| item | level | passing | pending | causes |',
      '| --- | --- | ---: | ---: | --- |',
      ...rows,
    ].join('\n');
  },
  'default-pack-mcp-discovery': () => {
    const cases = defaultPackCases().filter((c) => c.request?.json?.method === 'tools/list');
    if (cases.length === 0) throw new Error('policies/tests/default.test.yaml has no tools/list case');
    return [
      'What the default pack decides for MCP `tools/list` on the check role, from its own test cases',
      '(`policies/tests/default.test.yaml`, run by `writ policy test policies`):',
      '',
      ...cases.map(
        (c) =>
          `- ${c.name}: ${c.expect.decision}${c.expect.code === undefined ? '' : ` ${c.expect.code}`}${
            (c.expect.rules ?? []).length > 0 ? ` (${c.expect.rules!.map((r) => `\`${r}\``).join(', ')})` : ''
          }`,
      ),
    ].join('\n');
  },
  'inspector-count': () =>
    `${DEFAULT_INSPECTORS.length} inspectors (${DEFAULT_INSPECTORS.map((i) => `\`${i.id}\``).join(', ')})`,
};

/** The text of one doc with its regions and cited rates filled from data. */
export function renderFigures(text: string, results: FrozenResults): string {
  const regions = text.replace(REGION, (_m, name: string, nl: string) => {
    const gen = REGIONS[name];
    if (gen === undefined) throw new Error(`unknown generated region "${name}"`);
    const body = gen();
    if (nl === '' && body.includes('\n'))
      throw new Error(`region "${name}" spans lines and cannot be inline`);
    return `<!-- generated:${name} -->${nl}${body}${nl}<!-- /generated:${name} -->`;
  });
  return regions.replace(
    CITED_RATE,
    (_m, family: string | undefined, inspector: string | undefined, b: string) =>
      citedRate(results, family, inspector, b),
  );
}

/**
 * Rates written by hand: a percentage outside a generated region and not cited from the eval. Inside
 * mapping reasons and claims every rate must come from the eval (or be a budget, written "N% FP").
 */
export function uncitedRates(text: string): string[] {
  const bare = text.replace(REGION, '').replace(CITED_RATE, '');
  // A budget names what it bounds right after it ("1%, 2% and 5% false positives", "5% FP").
  const budget = /^(?:[\s\d.,/%-]|and)*(?:FP|false[- ]positives?)/;
  return [...bare.matchAll(/\d+(?:\.\d+)?%/g)]
    .filter((m) => !budget.test(bare.slice(m.index + m[0].length, m.index + m[0].length + 40)))
    .map((m) => bare.slice(Math.max(0, m.index - 40), m.index + m[0].length).replace(/\s+/g, ' '));
}

/**
 * A one-off measurement quoted by hand: `<!-- measured 2026-12-06 06885a9 -->...<!-- /measured -->`, with the
 * date it was taken and its source, the commit that recorded it (its message or diff says how) or a file in
 * the repository (a log or note). Inline or on its own lines.
 */
const MEASURED = /<!-- measured (\S+) (\S+) -->(\n?)[\s\S]*?\3<!-- \/measured -->/g;

/** A figure bounded by what follows or precedes it is a target or a limit, not a measurement. */
const BOUND_BEFORE = /(?:target|at least|at most|no more than|within|budget|under|[≥≤<>]=?)[^.;:()|]{0,12}$/i;
const FP_BUDGET = /^(?:[\s\d.,/%-]|and)*(?:FP\b|false[- \n]positives?)/;
const NUMBER_WORD = 'three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|twenty';
const COUNTED =
  'tests?|scenarios?|scenario files|rules|finding kinds|kinds|inspectors|cases|families|corpus rows|frameworks|adapters|techniques|sub-techniques|attacks';
/** What the sweep reads as a figure: a rate, a time in µs, a count of something the project has, "N of M". */
const NUM = String.raw`(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?`;
const FIGURE = new RegExp(
  [
    String.raw`(?<![\w.%-])${NUM}(?:-${NUM})?%`,
    String.raw`(?<![\w.-])${NUM}(?:-${NUM})?\s?µs`,
    String.raw`\b(?:${NUM}|${NUMBER_WORD})\s+(?:${COUNTED})\b`,
    String.raw`\b${NUM} of ${NUM}\b(?![-\w])`,
  ].join('|'),
  'gi',
);

/**
 * Counts and rates typed by hand: a figure outside generated regions, eval citations, dated measurements and
 * code spans, that is not a bound (a target, a budget, a false-positive rate the recall is read at).
 */
export function handTypedFigures(text: string): string[] {
  const bare = text
    .replace(REGION, ' ')
    .replace(MEASURED, ' ')
    .replace(CITED_RATE, ' ')
    .replace(/`[^`\n]*`/g, ' ');
  return [...bare.matchAll(FIGURE)]
    .filter((m) => {
      const before = bare.slice(Math.max(0, m.index - 40), m.index);
      const after = bare.slice(m.index + m[0].length, m.index + m[0].length + 40);
      return !BOUND_BEFORE.test(before) && !(m[0].endsWith('%') && FP_BUDGET.test(after));
    })
    .map((m) => bare.slice(Math.max(0, m.index - 40), m.index + m[0].length).replace(/\s+/g, ' '));
}

/** Dated measurements whose date or source does not hold: `isCommit` says whether a hash names a commit. */
export function measuredProblems(text: string, isCommit: (hash: string) => boolean): string[] {
  const problems: string[] = [];
  for (const m of text.matchAll(MEASURED)) {
    const [, date, source] = m as unknown as [string, string, string];
    const when = /^\d{4}-\d{2}-\d{2}$/.test(date) ? Date.parse(`${date}T00:00:00Z`) : Number.NaN;
    if (Number.isNaN(when) || when > Date.now())
      problems.push(`measured ${date}: not a past date (YYYY-MM-DD)`);
    const known = /^[0-9a-f]{7,40}$/.test(source) ? isCommit(source) : existsSync(join(ROOT, source));
    if (!known) problems.push(`measured ${date} ${source}: neither a commit nor a file of the repository`);
  }
  return problems;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const results = loadResults();
  const stale: string[] = [];
  for (const doc of figureDocs()) {
    const path = join(ROOT, doc);
    const before = readFileSync(path, 'utf8');
    const after = renderFigures(before, results);
    if (before === after) continue;
    stale.push(doc);
    if (!process.argv.includes('--check')) writeFileSync(path, after);
  }
  if (process.argv.includes('--check')) {
    process.stdout.write(
      stale.length === 0 ? 'generated figures are current\n' : `stale: ${stale.join(', ')}\n`,
    );
    process.exitCode = stale.length === 0 ? 0 : 1;
  } else process.stdout.write(stale.length === 0 ? 'nothing to update\n' : `updated: ${stale.join(', ')}\n`);
}
