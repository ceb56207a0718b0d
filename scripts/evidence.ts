/**
 * `npm run evidence` (writ evidence): runs the evidence suites (the OWASP Agentic scenarios over real gRPC,
 * the ATLAS mapping and compliance checks: test/evidence/*.test.ts but the corpus rows) and writes a report
 * with the commit, the policy pack's version and each claim with its result, as evidence.json and
 * evidence.html, sealed by evidence.seal.json: signed with the audit key and time-stamped (RFC 3161) when a
 * TSA is configured. Check it offline with `writ audit verify --evidence DIR/evidence.seal.json --keys ...`.
 * It is an npm script, not a `writ` command, because it runs the test suites (vitest is a dev dependency).
 *
 * Usage: node --import tsx scripts/evidence.ts [--out DIR] [--signing-key PEM] [--tsa-url URL --tsa-ca PEM]
 *                                               [--suites FILE...]
 * Without --signing-key the configured root key signs (WRIT_SIGNER: local key file or KMS); without --tsa-url
 * the configured TSA (WRIT_TSA_URL, WRIT_TSA_CA_FILE) time-stamps, and none configured means no time-stamp.
 * Exit 0 when every claim held, 1 when one failed (the report still says so, sealed), 2 on bad input.
 */
import { spawnSync } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createTsaClient } from '../src/audit/anchoring/tsa-client.js';
import { sealEvidence, type SealSigner } from '../src/audit/evidence-seal.js';
import { writVersion } from '../src/cli/usage.js';
import { resolveConfig } from '../src/config.js';
import { localRoot } from '../src/keys/key-ring.js';
import { signerFromPrivateKey } from '../src/keys/local-key.js';
import { createRootSigner } from '../src/keys/root-signer.js';
import { loadPolicyFolder } from '../src/policy-files.js';

const ROOT = join(import.meta.dirname, '..');

/** The suites whose tests are the report's claims: every evidence suite but the corpus rows (a regression set). */
export function evidenceSuites(root = ROOT): string[] {
  return readdirSync(join(root, 'test', 'evidence'))
    .filter((f) => f.endsWith('.test.ts') && f !== 'corpus-cases.test.ts')
    .sort()
    .map((f) => `test/evidence/${f}`);
}

/** One claim: a test of an evidence suite, and what running it gave. */
export interface Claim {
  readonly id: string;
  readonly file: string;
  readonly claim: string;
  readonly result: 'passed' | 'failed' | 'not run';
  readonly failure?: string;
}

export interface EvidenceReport {
  readonly type: 'writ.evidence-report';
  readonly generated: string;
  readonly writ: string;
  readonly commit: { readonly id: string; readonly dirty: boolean };
  readonly policy: { readonly dir: string; readonly version: string };
  readonly suites: readonly string[];
  readonly summary: {
    readonly claims: number;
    readonly passed: number;
    readonly failed: number;
    readonly notRun: number;
  };
  readonly claims: readonly Claim[];
}

interface JsonReport {
  testResults: {
    name: string;
    status?: string;
    message?: string;
    assertionResults: { fullName?: string; title: string; status: string; failureMessages?: string[] }[];
  }[];
}

/** The claims of a vitest JSON report; a suite that failed to load is one failed claim, never none. */
export function claimsOf(report: JsonReport, suites: readonly string[], root = ROOT): Claim[] {
  const claims: Claim[] = [];
  const seen = new Set<string>();
  for (const r of report.testResults) {
    const file = relative(root, r.name).split('\\').join('/');
    seen.add(file);
    if (r.assertionResults.length === 0) {
      claims.push({
        id: `${file} > (the suite)`,
        file,
        claim: 'the suite loads and runs',
        result: 'failed',
        failure: (r.message ?? 'no tests ran').split('\n')[0] ?? '',
      });
      continue;
    }
    for (const a of r.assertionResults) {
      const name = a.fullName ?? a.title;
      const result = a.status === 'passed' ? 'passed' : a.status === 'failed' ? 'failed' : 'not run';
      const failure = (a.failureMessages ?? [])[0]?.split('\n')[0];
      claims.push({
        id: `${file} > ${name}`,
        file,
        claim: name,
        result,
        ...(result === 'failed' && failure !== undefined ? { failure } : {}),
      });
    }
  }
  // SECURITY: a suite asked for but absent from the report did not run; it is a failed claim, not a gap.
  for (const s of suites)
    if (!seen.has(s))
      claims.push({
        id: `${s} > (the suite)`,
        file: s,
        claim: 'the suite loads and runs',
        result: 'failed',
        failure: 'not in the test report',
      });
  return claims;
}

const escapeHtml = (s: string) =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

/** The report as one self-contained HTML page (no scripts, no outside resources). */
export function renderHtml(r: EvidenceReport): string {
  const rows = r.claims
    .map(
      (c) =>
        `<tr class="${c.result === 'passed' ? 'ok' : 'bad'}"><td>${escapeHtml(c.result)}</td><td>${escapeHtml(c.file)}</td><td>${escapeHtml(c.claim)}${c.failure === undefined ? '' : `<br><small>${escapeHtml(c.failure)}</small>`}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>writ evidence ${escapeHtml(r.commit.id.slice(0, 12))}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:4px;text-align:left;vertical-align:top}tr.bad td{background:#fdd}</style>
</head><body>
<h1>writ evidence report</h1>
<table>
<tr><th>commit</th><td>${escapeHtml(r.commit.id)}${r.commit.dirty ? ' (with uncommitted changes)' : ''}</td></tr>
<tr><th>writ</th><td>${escapeHtml(r.writ)}</td></tr>
<tr><th>policy</th><td>${escapeHtml(r.policy.dir)} version ${escapeHtml(r.policy.version)}</td></tr>
<tr><th>generated</th><td>${escapeHtml(r.generated)}</td></tr>
<tr><th>claims</th><td>${r.summary.claims}: ${r.summary.passed} held, ${r.summary.failed} failed, ${r.summary.notRun} not run</td></tr>
</table>
<p>Sealed by evidence.seal.json; verify offline with <code>writ audit verify --evidence evidence.seal.json --keys KEYS [--tsa-ca TSA-CA]</code>.</p>
<h2>Claims</h2>
<table><tr><th>result</th><th>suite</th><th>claim</th></tr>
${rows}
</table>
</body></html>
`;
}

function git(args: string[]): string {
  const r = spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${r.stderr.trim()}`);
  return r.stdout.trim();
}

/** Runs the suites once with vitest's JSON reporter. */
function runSuites(suites: readonly string[]): JsonReport {
  const dir = mkdtempSync(join(tmpdir(), 'writ-evidence-'));
  const out = join(dir, 'report.json');
  try {
    const run = spawnSync('npx', ['vitest', 'run', '--reporter=json', `--outputFile=${out}`, ...suites], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    try {
      return JSON.parse(readFileSync(out, 'utf8')) as JsonReport;
    } catch {
      throw new Error(`vitest wrote no report (exit ${run.status ?? 'signal'})`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      out: { type: 'string' },
      'signing-key': { type: 'string' },
      'tsa-url': { type: 'string' },
      'tsa-ca': { type: 'string' },
      suites: { type: 'string', multiple: true },
    },
    allowPositionals: true,
  });
  if (positionals.length > 0) throw new Error(`unexpected argument "${positionals[0]}"`);
  if ((values['tsa-url'] === undefined) !== (values['tsa-ca'] === undefined))
    throw new Error('--tsa-url and --tsa-ca go together');
  const config = resolveConfig({});
  const signer: SealSigner =
    values['signing-key'] !== undefined
      ? localRoot(signerFromPrivateKey(createPrivateKey(readFileSync(values['signing-key']))))
      : await createRootSigner(config);
  const tsaUrl = values['tsa-url'] ?? config.tsaUrl;
  const tsaCa = values['tsa-ca'] ?? config.tsaCaFile;
  const tsa =
    tsaUrl === '' ? undefined : createTsaClient({ url: tsaUrl, trustedCaPem: readFileSync(tsaCa, 'utf8') });
  const policy = loadPolicyFolder(config.policyDir);
  const suites = values.suites ?? evidenceSuites();
  const outDir = values.out ?? join(ROOT, 'evidence');

  const claims = claimsOf(runSuites(suites), suites);
  const count = (r: Claim['result']) => claims.filter((c) => c.result === r).length;
  const report: EvidenceReport = {
    type: 'writ.evidence-report',
    generated: new Date().toISOString(),
    writ: writVersion(),
    commit: { id: git(['rev-parse', 'HEAD']), dirty: git(['status', '--porcelain']) !== '' },
    policy: { dir: relative(ROOT, config.policyDir) || '.', version: policy.version },
    suites,
    summary: {
      claims: claims.length,
      passed: count('passed'),
      failed: count('failed'),
      notRun: count('not run'),
    },
    claims,
  };
  const json = Buffer.from(`${JSON.stringify(report, null, 2)}\n`, 'utf8');
  const html = Buffer.from(renderHtml(report), 'utf8');
  const seal = await sealEvidence(
    [
      { name: 'evidence.json', bytes: json },
      { name: 'evidence.html', bytes: html },
    ],
    signer,
    `writ-evidence/${report.commit.id}`,
    tsa,
  );
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'evidence.json'), json);
  writeFileSync(join(outDir, 'evidence.html'), html);
  writeFileSync(join(outDir, 'evidence.seal.json'), `${JSON.stringify(seal, null, 2)}\n`);
  process.stdout.write(
    `${report.summary.claims} claims: ${report.summary.passed} held, ${report.summary.failed} failed, ` +
      `${report.summary.notRun} not run; commit ${report.commit.id}${report.commit.dirty ? ' (dirty)' : ''}, ` +
      `policy ${report.policy.version}; sealed by key ${seal.checkpoint.kid}` +
      `${seal.genTime === undefined ? ', no time-stamp' : `, time-stamped ${seal.genTime}`}\n` +
      `written to ${outDir}; verify: writ audit verify --evidence ${join(outDir, 'evidence.seal.json')} --keys KEYS\n`,
  );
  for (const c of claims) if (c.result === 'failed') process.stdout.write(`failed: ${c.id}\n`);
  return report.summary.failed > 0 || report.summary.claims === 0 ? 1 : 0;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      process.stderr.write(`writ evidence: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 2;
    },
  );
}
