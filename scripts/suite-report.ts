/**
 * docs/test-suite.md: executed tests by kind (corpus rows, scenarios, property, hand-written), per test file,
 * from a vitest JSON report. Usage:
 *   node --import tsx scripts/suite-report.ts                  run the whole suite, rewrite the document
 *   node --import tsx scripts/suite-report.ts <test files...>  run those files, update their rows
 *   node --import tsx scripts/suite-report.ts --from <json> [--root DIR]
 *                                  read a report CI already wrote (.vitest-results.json), written in DIR
 * Rows of files a report does not cover are kept from the document; rows of deleted files are dropped.
 * test/docs/test-suite.test.ts checks the document against what it can enumerate without running tests.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { corpusFacts } from '../test/docs/corpus-facts.js';

const ROOT = join(import.meta.dirname, '..');
export const DOC_FILE = join(ROOT, 'docs', 'test-suite.md');
/** The one file whose tests are corpus rows (`attack: ...` / `benign: ...` titles). */
export const CORPUS_FILE = 'test/evidence/corpus-cases.test.ts';

export const KINDS = [
  'corpus attack rows',
  'corpus benign rows',
  'scenario',
  'property',
  'hand-written',
] as const;
export type Kind = (typeof KINDS)[number];

/**
 * The kind of one test, first rule that matches:
 * 1. a corpus row names its label: `attack: ...` (an attack case the inspectors flagged when the baseline was
 *    frozen, asserted still flagged) or `benign: ...` (a benign case, asserted not flagged): one generated
 *    test per third-party corpus case;
 * 2. `*.prop.test.ts`: a property test (fast-check, many generated inputs in one test);
 * 3. under test/e2e, test/evidence, test/roles/inbound, test/protocols: a scenario, driving a real writ (gRPC
 *    on loopback, official SDKs) or checking golden data (OWASP scenarios, mappings, compliance citations);
 * 4. everything else: a hand-written unit test (inspector tests with hand-written attack strings included).
 */
export function kindOf(file: string, title: string): Kind {
  if (title.startsWith('attack: ')) return 'corpus attack rows';
  if (title.startsWith('benign: ')) return 'corpus benign rows';
  if (file.endsWith('.prop.test.ts')) return 'property';
  if (/^test\/(?:e2e|evidence|roles\/inbound|protocols)\//.test(file)) return 'scenario';
  return 'hand-written';
}

/** Executed (passed + failed) tests of each kind in one file, its failures and its tests not executed. */
export interface FileRow {
  readonly file: string;
  readonly executed: Readonly<Record<Kind, number>>;
  readonly failed: number;
  readonly notExecuted: number;
}

interface JsonReport {
  testResults: {
    name: string;
    status?: string;
    message?: string;
    assertionResults: { title: string; status: string }[];
  }[];
}

const zero = (): Record<Kind, number> => Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<Kind, number>;

/** One row per file of a vitest JSON report, and the failures it holds (a file that failed to load included). */
export function rowsOf(report: JsonReport, root = ROOT): { rows: FileRow[]; failures: string[] } {
  const rows: FileRow[] = [];
  const failures: string[] = [];
  for (const result of report.testResults) {
    const file = relative(root, result.name).split('\\').join('/');
    const executed = zero();
    let failed = 0;
    let notExecuted = 0;
    // A file that failed to load has no assertion results; it is a failure, not an empty file.
    if (result.assertionResults.length === 0 && result.status === 'failed') {
      failed++;
      failures.push(`${file}: ${(result.message ?? 'failed to load').split('\n')[0] ?? ''}`);
    }
    for (const a of result.assertionResults) {
      if (a.status !== 'passed' && a.status !== 'failed') {
        notExecuted++;
        continue;
      }
      executed[kindOf(file, a.title)]++;
      if (a.status === 'failed') {
        failed++;
        failures.push(`${file}: ${a.title}`);
      }
    }
    rows.push({ file, executed, failed, notExecuted });
  }
  return { rows, failures };
}

/** Every test file vitest runs (vitest.config.ts includes `test/**\/*.test.ts`), sorted. */
export function testFilesOnDisk(root = ROOT): string[] {
  return readdirSync(join(root, 'test'), { recursive: true, encoding: 'utf8' })
    .map((f) => `test/${f.split('\\').join('/')}`)
    .filter((f) => f.endsWith('.test.ts'))
    .sort();
}

/** The corpus-row facts the baseline fixes: its freeze date and the sampled cases asserted or only reported. */
export interface CorpusFacts {
  readonly frozen: string;
  readonly attackAsserted: number;
  readonly attackMissedAtFreeze: number;
  readonly benignAsserted: number;
  readonly benignFlaggedAtFreeze: number;
}

/** The per-file table rows of the document, parsed back. */
export function parseRows(doc: string): FileRow[] {
  const rows: FileRow[] = [];
  for (const m of doc.matchAll(/^\| `(test\/[^`]+)` \| ([^\n]+) \|$/gm)) {
    const cells = m[2]!.split('|').map((c) => Number(c.trim()));
    if (cells.length !== KINDS.length + 2 || cells.some((n) => !Number.isInteger(n))) continue;
    const executed = zero();
    KINDS.forEach((k, i) => (executed[k] = cells[i]!));
    rows.push({ file: m[1]!, executed, failed: cells[KINDS.length]!, notExecuted: cells[KINDS.length + 1]! });
  }
  return rows;
}

/** The corpus facts written in the document, parsed back (null when absent). */
export function parseCorpusFacts(doc: string): CorpusFacts | null {
  const m =
    /<!-- corpus: frozen=(\S+) attack-asserted=(\d+) attack-missed=(\d+) benign-asserted=(\d+) benign-flagged=(\d+) -->/.exec(
      doc,
    );
  if (m === null) return null;
  return {
    frozen: m[1]!,
    attackAsserted: Number(m[2]),
    attackMissedAtFreeze: Number(m[3]),
    benignAsserted: Number(m[4]),
    benignFlaggedAtFreeze: Number(m[5]),
  };
}

const pct = (n: number, d: number) => (d === 0 ? '0.0' : ((100 * n) / d).toFixed(1));

/** The document: totals by kind, what the corpus rows are in plain words, how tests are classified, per file. */
export function render(rows: readonly FileRow[], corpus: CorpusFacts): string {
  const sorted = [...rows].sort((a, b) => a.file.localeCompare(b.file));
  const total = zero();
  let failed = 0;
  let notExecuted = 0;
  const files = zero();
  for (const r of sorted) {
    for (const k of KINDS) {
      total[k] += r.executed[k];
      if (r.executed[k] > 0) files[k]++;
    }
    failed += r.failed;
    notExecuted += r.notExecuted;
  }
  const executed = KINDS.reduce((n, k) => n + total[k], 0);
  const corpusRows = total['corpus attack rows'] + total['corpus benign rows'];
  return [
    '# Test suite size',
    '',
    '<!-- Generated by scripts/suite-report.ts (`npm run suite:report`); test/docs/test-suite.test.ts checks it. -->',
    '',
    `${executed} tests executed in ${sorted.length} test files; ${failed} failed; ${notExecuted} not executed`,
    '(skipped, todo). Counts come from vitest JSON reports: each file row is from the last run that included',
    'that file (`npm run suite:report` runs them all; `npm run suite:report -- <files>` updates those rows).',
    '',
    '| kind | executed | share | files |',
    '| --- | ---: | ---: | ---: |',
    ...KINDS.map((k) => `| ${k} | ${total[k]} | ${pct(total[k], executed)}% | ${files[k]} |`),
    `| **total** | ${executed} | 100% | ${sorted.length} |`,
    '',
    '## Read this first',
    '',
    `- **${pct(corpusRows, executed)}% of the executed tests (${corpusRows} of ${executed}) are one generated test`,
    `  per third-party corpus case** (\`${CORPUS_FILE}\`), not ${corpusRows} separately written checks. They`,
    '  guard against regressions case by case; detection quality is measured over the whole corpora by',
    '  `npm run eval` (`docs/eval-results.md`), not by these counts.',
    `- **An attack row is asserted only if the inspectors detected it when the baseline was frozen**`,
    `  (${corpus.frozen}, \`test/evidence/baselines/corpus-baseline.json\`): ${corpus.attackAsserted} sampled attack`,
    `  cases are asserted; ${corpus.attackMissedAtFreeze} sampled attack cases were missed then and are counted and`,
    '  reported by the test, never asserted, so they neither fail nor pass. Likewise',
    `  ${corpus.benignAsserted} benign cases are asserted clean and ${corpus.benignFlaggedAtFreeze} flagged at`,
    '  freeze are only reported.',
    `- Hand-written tests: ${total['hand-written']}; scenarios: ${total.scenario}; property tests:`,
    `  ${total.property} (each runs many generated inputs but counts once).`,
    '',
    `<!-- corpus: frozen=${corpus.frozen} attack-asserted=${corpus.attackAsserted} attack-missed=${corpus.attackMissedAtFreeze} benign-asserted=${corpus.benignAsserted} benign-flagged=${corpus.benignFlaggedAtFreeze} -->`,
    '',
    '## How tests are classified',
    '',
    '- **corpus attack rows / corpus benign rows**: tests titled `attack: ...` / `benign: ...`, one per sampled',
    '  case of the **dev** split of every scored eval set (`eval/split.ts`; the test split is scored in aggregate',
    '  by `npm run eval` and never asserted case by case, so a failing test never shows test material).',
    '- **property**: `*.prop.test.ts` (fast-check): canonical action, hash chain, checkpoints, evaluator, URL',
    '  readings, XFCC.',
    '- **scenario**: `test/e2e/**`, `test/evidence/**` (OWASP Agentic scenarios over gRPC and in process, ATLAS',
    '  mapping, compliance citations), `test/roles/inbound/**`, `test/protocols/**` (official SDKs through writ).',
    '- **hand-written**: everything else, including inspector tests with hand-written attack strings and the',
    '  positive/negative pair of every finding kind (`test/inspect/finding-kinds.test.ts`).',
    '',
    '## What the staleness check covers',
    '',
    '`test/docs/test-suite.test.ts` runs no tests; it fails when',
    '',
    '- the file rows below are not exactly the `test/**/*.test.ts` files on disk (a file added, renamed or',
    '  deleted since its row was written);',
    `- the corpus rows of \`${CORPUS_FILE}\` or the facts above differ from what the dev-split sample and the`,
    '  baseline enumerate (a re-frozen baseline, a corpus or sample change);',
    '- a row holds a kind its path cannot have (property tests outside `*.prop.test.ts`, corpus rows outside',
    '  the corpus file), or the totals and shares above are not what the rows add up to.',
    '',
    'It cannot see a test added to or removed from an existing hand-written, scenario or property file without',
    'running it: those counts are as of the run that wrote the row.',
    '',
    '## Per file',
    '',
    `| file | ${KINDS.join(' | ')} | failed | not executed |`,
    `| --- | ${KINDS.map(() => '---:').join(' | ')} | ---: | ---: |`,
    ...sorted.map(
      (r) =>
        `| \`${r.file}\` | ${KINDS.map((k) => r.executed[k]).join(' | ')} | ${r.failed} | ${r.notExecuted} |`,
    ),
    '',
  ].join('\n');
}

/** Rows of `fresh` replace those of the same file in `old`; rows of files no longer on disk are dropped. */
export function mergeRows(
  old: readonly FileRow[],
  fresh: readonly FileRow[],
  onDisk: readonly string[],
): FileRow[] {
  const byFile = new Map(old.map((r) => [r.file, r]));
  for (const r of fresh) byFile.set(r.file, r);
  const keep = new Set(onDisk);
  return [...byFile.values()].filter((r) => keep.has(r.file));
}

/** Runs vitest with the JSON reporter on the given files (all when none) and returns its report. */
function runVitest(files: readonly string[]): { report: JsonReport; status: number } {
  const dir = mkdtempSync(join(tmpdir(), 'writ-suite-'));
  const out = join(dir, 'report.json');
  const run = spawnSync('npx', ['vitest', 'run', '--reporter=json', `--outputFile=${out}`, ...files], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    return { report: JSON.parse(readFileSync(out, 'utf8')) as JsonReport, status: run.status ?? 1 };
  } catch {
    process.stderr.write(`vitest wrote no report (exit ${run.status ?? 'signal'})\n`);
    process.exit(2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const from = args[0] === '--from' ? args[1] : undefined;
  if (args[0] === '--from' && (from === undefined || !existsSync(from))) {
    process.stderr.write(`--from needs a vitest JSON report; "${from ?? ''}" does not exist\n`);
    process.exit(2);
  }
  // A report written in another checkout names its files under that checkout: `--root DIR` says which.
  const reportRoot = from !== undefined && args[2] === '--root' && args[3] !== undefined ? args[3] : ROOT;
  const { report, status } =
    from !== undefined
      ? { report: JSON.parse(readFileSync(from, 'utf8')) as JsonReport, status: 0 }
      : runVitest(args);
  const { rows, failures } = rowsOf(report, reportRoot);
  const old = existsSync(DOC_FILE) ? parseRows(readFileSync(DOC_FILE, 'utf8')) : [];
  const merged = mergeRows(old, rows, testFilesOnDisk());
  writeFileSync(DOC_FILE, render(merged, corpusFacts()));
  process.stdout.write(`${rows.length} file rows from this report, ${merged.length} in docs/test-suite.md\n`);
  for (const f of failures) process.stdout.write(`failed: ${f}\n`);
  process.exitCode = status;
}
