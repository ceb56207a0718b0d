/**
 * `npm run bench [-- --quick] [--profile] [--rounds N] [--no-docs] [--render-only]`: writ's check role against a
 * no-op Check server on the same gRPC stack, each in its own process, driven by h2load with one allowed call;
 * then the response path (bench/ext-proc.bench.ts). A full run writes docs/performance.json (the report) and
 * docs/performance.md (rendered from it); `--render-only` re-renders the page from the committed report.
 * Targets are reported, not asserted: the exit code is non-zero only when the harness itself fails.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as prettier from 'prettier';
import { connectCheckClient, responseHeader, structField } from '../src/cli/check-client.js';
import { scenarioCheckRequest } from '../src/cli/scenario.js';
import { installExitCleanup } from './lib/children.js';
import { summarizeByArea, summarizeProfile } from './lib/cpu-profile.js';
import {
  RPS_PER_CLIENT,
  readLatencies,
  runH2load,
  type H2loadOptions,
  type H2loadSummary,
} from './lib/h2load.js';
import { ALLOWED, checkRequestFrame } from './lib/check-request.js';
import type { ExtProcReport } from './lib/ext-proc-report.js';
import {
  PERFORMANCE_JSON,
  PERFORMANCE_MD,
  renderPerformanceDoc,
  type PerformanceReport,
  type WritAudit,
} from './lib/performance-doc.js';
import {
  buildRows,
  markdownProfile,
  textTable,
  type PhaseName,
  type PhaseResult,
  type Results,
  type ServerName,
} from './lib/report.js';
import { freePort, startServer, type ServerProcess, type ServerSpec } from './lib/server-process.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/**
 * Node flags both servers run with: the ones writ's launchers pass (`npm start`, the image, the chart).
 * A 64 MiB semi-space means fewer young-generation collections, whose pauses set the tail at fixed rates.
 */
const SERVER_NODE_FLAGS: readonly string[] = (process.env['BENCH_NODE_FLAGS'] ?? '--max-semi-space-size=64')
  .split(' ')
  .filter((f) => f !== '');
const CHECK_PATH = '/envoy.service.auth.v3.Authorization/Check';

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    'no-docs': { type: 'boolean', default: false },
    'skip-build': { type: 'boolean', default: false },
    // dist (default): the compiled server; src: the same through tsx; cli: `node dist/cli/main.js serve`.
    writ: { type: 'string', default: 'dist' },
    'no-others': { type: 'boolean', default: false },
    'keep-profile': { type: 'boolean', default: false },
    // Re-renders docs/performance.md from docs/performance.json (after a change of the page's wording only).
    'render-only': { type: 'boolean', default: false },
  },
  strict: true,
});
const quick = flags.quick === true;
const writMode = flags.writ ?? 'dist';
if (!['dist', 'src', 'cli'].includes(writMode))
  throw new TypeError(`--writ must be dist, src or cli, got "${writMode}"`);

/** Seconds per phase; quick mode only proves the harness still works. */
const PLAN = quick
  ? { warmS: 1, capacityS: 2, unloadedS: 1, rateS: 2, rounds: 1, profileS: 3 }
  : { warmS: 5, capacityS: 10, unloadedS: 5, rateS: 10, rounds: 3, profileS: 10 };
const rounds = flags.rounds === undefined ? PLAN.rounds : Number(flags.rounds);
if (!Number.isInteger(rounds) || rounds < 1 || rounds > 20) throw new TypeError(`--rounds must be 1 to 20`);

const work = mkdtempSync(join(tmpdir(), 'writ-bench-'));
installExitCleanup(() => rmSync(work, { recursive: true, force: true }));

function log(msg: string): void {
  process.stderr.write(`[bench] ${msg}\n`);
}

class HarnessError extends Error {
  override readonly name = 'HarnessError';
}

function preflight(): void {
  const probe = spawnSync('h2load', ['--version'], { encoding: 'utf8' });
  if (probe.status !== 0)
    throw new HarnessError('h2load not found: run .ci/setup/bench.sh (apt-get install -y nghttp2-client)');
  if (flags['skip-build'] === true) return;
  log('npm run build');
  const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8' });
  // tsc still emits on type errors; a half-finished module elsewhere must not stop the bench.
  if (build.status !== 0)
    log(
      `warning: npm run build exited ${build.status}; benching what it emitted\n${build.stdout.slice(-2000)}`,
    );
  if (!existsSync(join(ROOT, 'dist', 'app.js')))
    throw new HarnessError('dist/app.js missing after npm run build');
}

/** The h2load body, in a file. */
function writeBody(): string {
  const file = join(work, 'check-request.bin');
  writeFileSync(file, checkRequestFrame());
  return file;
}

async function serverSpecs(home: string): Promise<Record<ServerName, ServerSpec>> {
  const tsx = [...SERVER_NODE_FLAGS, '--import', 'tsx'];
  const noop: ServerSpec = {
    name: 'no-op',
    command: process.execPath,
    args: [...tsx, 'bench/servers/noop-server.ts', '--port', '0', '--app', 'dist'],
    cwd: ROOT,
    answersStats: true,
  };
  if (writMode === 'cli') {
    const port = await freePort();
    const args = [
      ...SERVER_NODE_FLAGS,
      'dist/cli/main.js',
      'serve',
      '--home',
      home,
      '--check-port',
      String(port),
      '--verify-port',
      '0',
      '--admin-port',
      '0',
      '--log-level',
      'silent',
    ];
    return {
      writ: {
        name: 'writ (cli)',
        command: process.execPath,
        args,
        cwd: ROOT,
        answersStats: false,
        fixedPort: port,
      },
      noop,
    };
  }
  const writ: ServerSpec = {
    name: 'writ',
    command: process.execPath,
    args: [...tsx, 'bench/servers/writ-server.ts', '--port', '0', '--app', writMode, '--home', home],
    cwd: ROOT,
    answersStats: true,
  };
  return { writ, noop };
}

/** One real gRPC call per server: h2load cannot read trailers, so the decision is checked here. */
async function confirm(name: ServerName, server: ServerProcess): Promise<void> {
  const client = connectCheckClient(`127.0.0.1:${server.port}`);
  try {
    const res = await client.check(scenarioCheckRequest(ALLOWED));
    const ok = res.status?.code === 0 && res.ok_response !== undefined;
    if (!ok)
      throw new HarnessError(
        `${server.name} did not allow the seed call: ${JSON.stringify(res).slice(0, 500)}`,
      );
    if (name === 'writ') {
      const decision = structField(res, 'writ_decision');
      const token = responseHeader(res, 'x-writ-token');
      if (decision !== 'ALLOW' || token === undefined)
        throw new HarnessError(`writ answered ${String(decision)} without a token`);
    }
    log(`${server.name} on port ${server.port}: call allowed`);
  } finally {
    client.close();
  }
}

function checkRun(server: ServerProcess, s: H2loadSummary, phase: string): void {
  if (s.failed + s.errored + s.timeout > 0 || s.statusOther > 0 || s.done === 0) {
    throw new HarnessError(
      `${server.name} ${phase}: ${s.done} done, ${s.failed} failed, ${s.errored} errored, ${s.statusOther} non-2xx\n  h2load ${s.args.join(' ')}\n${server.stderr()}`,
    );
  }
}

/** Runs one h2load phase against one server and measures its CPU and GC over the phase. */
async function measure(
  server: ServerProcess,
  phase: string,
  opts: Omit<H2loadOptions, 'url' | 'timeoutMs'>,
  expectS: number,
): Promise<PhaseResult> {
  const url = `http://127.0.0.1:${server.port}${CHECK_PATH}`;
  const gc0 = await server.stats();
  const cpu0 = server.cpuMicros();
  const summary = await runH2load({ ...opts, url, timeoutMs: (expectS * 3 + 30) * 1000 });
  const cpu1 = server.cpuMicros();
  const gc1 = await server.stats();
  checkRun(server, summary, phase);
  const calls = summary.done;
  const result: PhaseResult = {
    calls,
    callsPerSec: summary.reqPerSec,
    cpuUsPerCall: (cpu1 - cpu0) / calls,
    ...(opts.logFile === undefined ? {} : { latency: readLatencies(opts.logFile) }),
    ...(gc0 === undefined || gc1 === undefined
      ? {}
      : {
          gcPer10k: {
            minor: ((gc1.gcMinor - gc0.gcMinor) * 1e4) / calls,
            major: ((gc1.gcMajor - gc0.gcMajor) * 1e4) / calls,
            pauseMs: ((gc1.gcPauseMs - gc0.gcPauseMs) * 1e4) / calls,
          },
        }),
  };
  if (opts.logFile !== undefined) rmSync(opts.logFile, { force: true });
  return result;
}

const closedLoop = (s: number) => ({ clients: 4, streams: 16, durationS: s });

function openLoop(rate: number, s: number, logFile: string) {
  // Far more streams than ever in flight, so h2load never holds a due call back (see lib/h2load.ts).
  return {
    clients: rate / RPS_PER_CLIENT,
    streams: 64,
    requests: rate * s,
    rpsPerClient: RPS_PER_CLIENT,
    logFile,
  };
}

async function runPhase(phase: PhaseName, server: ServerProcess, body: string): Promise<PhaseResult> {
  const logFile = join(work, `${phase}.tsv`);
  switch (phase) {
    case 'capacity':
      return measure(server, phase, { bodyFile: body, ...closedLoop(PLAN.capacityS) }, PLAN.capacityS);
    case 'unloaded':
      return measure(
        server,
        phase,
        { bodyFile: body, clients: 1, streams: 1, durationS: PLAN.unloadedS, logFile },
        PLAN.unloadedS,
      );
    case 'rate1000':
      return measure(server, phase, { bodyFile: body, ...openLoop(1000, PLAN.rateS, logFile) }, PLAN.rateS);
    case 'rate2000':
      return measure(server, phase, { bodyFile: body, ...openLoop(2000, PLAN.rateS, logFile) }, PLAN.rateS);
  }
}

/**
 * Counts writ's audit records by decision: every call must have been allowed, or denied ERR_TIMEOUT, the
 * decision deadline passing while the fixed rates queue calls past writ's capacity (writ fails closed; the
 * count is reported). Any other deny means the bench measured something other than the allowed path.
 */
async function checkAudit(file: string): Promise<WritAudit> {
  let records = 0;
  let allows = 0;
  let timeouts = 0;
  const other: string[] = [];
  const lines = createInterface({ input: createReadStream(file, 'utf8') });
  for await (const line of lines) {
    if (!line.includes('"type":"decision"')) continue;
    records++;
    if (line.includes('"decision":"ALLOW"')) allows++;
    else if ((JSON.parse(line) as { event?: { code?: string } }).event?.code === 'ERR_TIMEOUT') timeouts++;
    else other.push(line.slice(0, 300));
  }
  if (other.length > 0)
    throw new HarnessError(
      `writ denied ${other.length} of ${records} bench calls, not for time:\n${other.slice(0, 3).join('\n')}`,
    );
  return { records, allows, timeouts };
}

async function profileWrit(body: string, specs: Record<ServerName, ServerSpec>): Promise<string> {
  if (writMode === 'cli') throw new HarnessError('--profile needs the bench server (--writ dist or src)');
  const file = join(work, 'writ.cpuprofile');
  const home = join(work, 'home-profile');
  const args = specs.writ.args.map((a, i, all) => (all[i - 1] === '--home' ? home : a));
  const server = await startServer({ ...specs.writ, name: 'writ (profiled)', args });
  const url = `http://127.0.0.1:${server.port}${CHECK_PATH}`;
  try {
    await confirm('writ', server);
    checkRun(
      server,
      await runH2load({ url, bodyFile: body, ...closedLoop(PLAN.warmS), timeoutMs: 60_000 }),
      'warm-up',
    );
    await server.command('profile-start', 'profiling', 10_000);
    const s = await runH2load({ url, bodyFile: body, ...closedLoop(PLAN.profileS), timeoutMs: 120_000 });
    await server.command(`profile-stop ${file}`, 'profiled', 60_000);
    checkRun(server, s, 'profile');
    const { totalMs, functions } = summarizeProfile(file, ROOT, 15);
    const areas = summarizeByArea(file, ROOT).slice(0, 12);
    const text = [
      `Closed loop (-c 4 -m 16) for ${PLAN.profileS} s after a ${PLAN.warmS} s warm-up; V8's CPU profiler over the measured window only; µs/call over its ${s.done.toLocaleString('en-US')} calls (${Math.round(s.reqPerSec).toLocaleString('en-US')}/s while profiled).`,
      '',
      markdownProfile(totalMs, s.done, functions),
      '',
      'Self time by package or source folder:',
      '',
      '| area | self % |',
      '| --- | ---: |',
      ...areas.map((a) => `| \`${a.area}\` | ${(a.share * 100).toFixed(1)} |`),
    ].join('\n');
    process.stdout.write(`\nwrit CPU profile (top self time)\n${text}\n`);
    if (flags['keep-profile'] === true) {
      const kept = join(tmpdir(), 'writ-bench.cpuprofile');
      writeFileSync(kept, readFileSync(file));
      log(`profile kept at ${kept} (open in Chrome DevTools)`);
    }
    return text;
  } finally {
    await server.stop(30_000);
  }
}

/** The response path's bench (bench/ext-proc.bench.ts) in its own process; its report, or why it failed. */
function extProcBench(): ExtProcReport {
  const out = join(work, 'ext-proc.json');
  const args = ['--import', 'tsx', 'bench/ext-proc.bench.ts', '--app', writMode === 'src' ? 'src' : 'dist'];
  args.push('--json', out, ...(quick ? ['--quick'] : []));
  log(`node ${args.join(' ')}`);
  const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'inherit', timeout: 15 * 60_000 });
  if (r.status !== 0) throw new HarnessError(`bench/ext-proc.bench.ts failed (${r.status ?? r.signal})`);
  return JSON.parse(readFileSync(out, 'utf8')) as ExtProcReport;
}

function otherBenches(): boolean {
  let ok = true;
  for (const name of ['inspect', 'policy', 'stall', 'mixed', 'injection-model']) {
    const file = join('bench', `${name}.bench.ts`);
    if (!existsSync(join(ROOT, file))) {
      log(`${file}: not present, skipped`);
      continue;
    }
    log(`node --import tsx ${file}${quick ? ' --quick' : ''}`);
    const r = spawnSync(process.execPath, ['--import', 'tsx', file, ...(quick ? ['--quick'] : [])], {
      cwd: ROOT,
      stdio: 'inherit',
      timeout: 15 * 60_000,
    });
    if (r.status !== 0) {
      log(`${file} failed (${r.status ?? r.signal})`);
      ok = false;
    }
  }
  return ok;
}

function machine(): Record<string, string> {
  const sh = (cmd: string, args: string[]) => {
    try {
      return execFileSync(cmd, args, { encoding: 'utf8' }).trim();
    } catch {
      return 'unknown';
    }
  };
  return {
    date: new Date().toISOString(),
    nproc: sh('nproc', []),
    cpu: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    h2load: sh('h2load', ['--version']),
    load: loadavg()
      .map((l) => l.toFixed(2))
      .join(' '),
    commit: sh('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD']),
  };
}

async function main(): Promise<number> {
  if (flags['render-only'] === true) {
    const report = JSON.parse(readFileSync(PERFORMANCE_JSON, 'utf8')) as PerformanceReport;
    writeFileSync(PERFORMANCE_MD, await renderPerformanceDoc(report, PERFORMANCE_MD));
    log('rendered docs/performance.md from docs/performance.json');
    return 0;
  }
  preflight();
  const body = writeBody();
  const home = join(work, 'home');
  const specs = await serverSpecs(home);
  const facts = machine();
  log(`machine: ${facts.nproc} cores, ${facts.cpu}, node ${facts.node}, ${facts.h2load}, load ${facts.load}`);
  const servers: Partial<Record<ServerName, ServerProcess>> = {};
  const results: Results = {
    writ: { capacity: [], unloaded: [], rate1000: [], rate2000: [] },
    noop: { capacity: [], unloaded: [], rate1000: [], rate2000: [] },
  };
  let profile: string | undefined;
  let audit: WritAudit | undefined;
  try {
    servers.writ = await startServer(specs.writ);
    servers.noop = await startServer(specs.noop);
    await confirm('writ', servers.writ);
    await confirm('noop', servers.noop);
    for (const name of ['writ', 'noop'] as const) {
      log(`warm-up ${servers[name]!.name}: ${PLAN.warmS} s closed loop`);
      checkRun(
        servers[name]!,
        await runH2load({
          url: `http://127.0.0.1:${servers[name]!.port}${CHECK_PATH}`,
          bodyFile: body,
          ...closedLoop(PLAN.warmS),
          timeoutMs: 60_000,
        }),
        'warm-up',
      );
    }
    const phases: PhaseName[] = ['capacity', 'unloaded', 'rate1000', 'rate2000'];
    for (let round = 0; round < rounds; round++) {
      // A B then B A: each pair runs back to back, and neither server always goes first.
      const order: ServerName[] = round % 2 === 0 ? ['writ', 'noop'] : ['noop', 'writ'];
      for (const phase of phases) {
        for (const name of order) {
          const r = await runPhase(phase, servers[name]!, body);
          results[name][phase].push(r);
          const lat =
            r.latency === undefined
              ? ''
              : ` p50 ${(r.latency.p50 / 1000).toFixed(2)} ms p99 ${(r.latency.p99 / 1000).toFixed(2)} ms`;
          log(
            `round ${round + 1} ${phase} ${name}: ${Math.round(r.callsPerSec)} calls/s, ${Math.round(r.cpuUsPerCall)} µs CPU/call${lat}`,
          );
        }
      }
    }
    await servers.writ.stop(30_000);
    if (writMode !== 'cli' || existsSync(join(home, 'audit', 'audit.jsonl'))) {
      audit = await checkAudit(join(home, 'audit', 'audit.jsonl'));
      log(
        `writ audit: ${audit.records} decision records, ${audit.allows} ALLOW, ${audit.timeouts} ERR_TIMEOUT`,
      );
    }
  } finally {
    await Promise.all(Object.values(servers).map((s) => s.stop(30_000)));
  }
  if (flags.profile === true) profile = await profileWrit(body, specs);

  const extProc = extProcBench();

  const rows = buildRows(results);
  const command = `npm run bench --${process.argv.slice(2).length > 0 ? ` ${process.argv.slice(2).join(' ')}` : ''}`;
  process.stdout.write(
    `\nwrit vs no-op (medians of ${rounds} round${rounds > 1 ? 's' : ''}; ${facts.nproc} cores, node ${facts.node}, load at start ${facts.load})\n${textTable(rows)}\n`,
  );
  if (!quick && flags['no-docs'] !== true) {
    const report: PerformanceReport = {
      command,
      facts,
      inputs: { checkScenario: ALLOWED, serverNodeFlags: SERVER_NODE_FLAGS, writMode, plan: PLAN, rounds },
      rows,
      results,
      audit,
      profile,
      extProc,
    };
    // The report beside the page: the page is rendered from it, and test/docs/performance-doc.test.ts holds
    // the page to it (and it to the bench's inputs).
    writeFileSync(
      PERFORMANCE_JSON,
      await prettier.format(JSON.stringify(report), {
        ...((await prettier.resolveConfig(PERFORMANCE_JSON)) ?? {}),
        filepath: PERFORMANCE_JSON,
      }),
    );
    writeFileSync(PERFORMANCE_MD, await renderPerformanceDoc(report, PERFORMANCE_MD));
    log('wrote docs/performance.md and docs/performance.json');
  }
  const othersOk = flags['no-others'] === true ? true : otherBenches();
  return othersOk ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(
      `[bench] ${err instanceof HarnessError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(2);
  },
);
