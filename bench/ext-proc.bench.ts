/**
 * `node --import tsx bench/ext-proc.bench.ts [--quick] [--app dist|src] [--json FILE]` (issue 16 item 7): what
 * governing a response costs. writ's ext_proc role (default policies, their response rules, the audit log on
 * disk) and a pass-through ext_proc server on the same gRPC stack that asks for the same parts of each
 * exchange and reads none of them (bench/servers/ext-proc-pass-through.ts: the same run without response
 * inspection), each in its own process, driven over loopback gRPC as Envoy drives them. The exchanges are MCP
 * `tools/call` results with text content of 1, 4, 16 and 64 KiB (JSON-RPC, buffered) and one of 16 KiB framed
 * as a server-sent event (streamed in 4 KiB chunks); each comes in several variants, so no cache sees the
 * same bytes twice in a row.
 * - CPU per KiB: server CPU (utime + stime) per exchange in a closed loop, writ minus the pass-through, divided
 *   by the result's size; and the slope of that added CPU over the four JSON sizes (the cost of one more KiB).
 * - Added p99: an open-loop generator sends 16 KiB results at a fixed rate, each exchange's latency measured
 *   from the moment it was due; writ's p99 minus the pass-through's.
 * Both servers run in the same minutes, round by round, A B then B A, and every figure is a median over rounds.
 * No target is asserted; the exit code is non-zero when an exchange failed, when writ did not pass a benign
 * result unchanged (every exchange is checked), or when its audit chain records a decision on one.
 */
import { createReadStream, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  exchangesSha256,
  JSON_SIZES_KIB,
  OPEN_LOOP_KIB,
  resultShapes,
  SSE_CHUNK_BYTES,
  SSE_KIB,
  VARIANTS,
  type ResultShape,
} from './lib/ext-proc-exchanges.js';
import {
  closedLoop,
  extProcDriver,
  openLoop,
  type ExchangeResult,
  type ExchangeShape,
  type ExtProcDriver,
  type Load,
} from './lib/ext-proc-load.js';
import { installExitCleanup, killAllChildren } from './lib/children.js';
import { startServer, type ServerProcess } from './lib/server-process.js';
import { extProcText, summarizeExtProc, type Latency } from './lib/ext-proc-report.js';
import { percentile } from './lib/stats.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    app: { type: 'string', default: 'dist' },
    json: { type: 'string' },
  },
  strict: true,
});
const quick = flags.quick === true;
const app = flags.app ?? 'dist';
if (app !== 'dist' && app !== 'src') throw new TypeError(`--app must be dist or src, got "${app}"`);

/** What the bench measures with (seconds, exchanges in flight, the open loop's rate); recorded in its report. */
const PLAN = quick
  ? { rounds: 1, warmS: 0.5, cpuS: 1, concurrency: 4, rate: 100, openS: 2 }
  : { rounds: 3, warmS: 1, cpuS: 3, concurrency: 4, rate: 200, openS: 8 };

installExitCleanup(killAllChildren);
const work = mkdtempSync(join(tmpdir(), 'writ-bench-extproc-'));
installExitCleanup(() => rmSync(work, { recursive: true, force: true }));
const log = (msg: string) => process.stderr.write(`[ext-proc bench] ${msg}\n`);

class HarnessError extends Error {
  override readonly name = 'HarnessError';
}

type Shape = ResultShape;

/**
 * Why a benign result did not pass unchanged, or null: not stopped, no header changed, a buffered body left
 * alone, an event stream passed on byte for byte (writ sends each event it read back as the chunk's body).
 */
function wrong(shape: ExchangeShape, r: ExchangeResult): string | null {
  if (r.stopped) return `stopped: ${JSON.stringify(r.answers.at(-1)).slice(0, 300)}`;
  const bodies = r.answers.flatMap((a) => (a.response_body === undefined ? [] : [a.response_body.response]));
  if (
    bodies.length !==
    (shape.responseHeaders['content-type'] === 'text/event-stream' ? shape.responseChunks.length : 1)
  )
    return `the response body was not asked for as expected (${bodies.length} answers)`;
  if (bodies.some((c) => c?.header_mutation != null)) return 'headers changed';
  const mutated = bodies.map((c) => c?.body_mutation);
  if (mutated.every((m) => m == null)) return null;
  const sent = Buffer.concat([...shape.responseChunks]);
  const passed = Buffer.concat(
    mutated.map((m) => (m?.body === undefined ? Buffer.alloc(0) : Buffer.from(m.body))),
  );
  return passed.equals(sent) ? null : 'the body changed';
}

const load = (shape: Shape): Load => ({ next: (k) => shape.variants[k % shape.variants.length]!, wrong });

interface Servers {
  writ: ServerProcess;
  pass: ServerProcess;
}
type Side = keyof Servers;

async function cpuPerExchange(
  server: ServerProcess,
  driver: ExtProcDriver,
  shape: Shape,
): Promise<{ us: number; done: number }> {
  const cpu0 = server.cpuMicros();
  const done = await closedLoop(driver, load(shape), PLAN.concurrency, PLAN.cpuS);
  return { us: (server.cpuMicros() - cpu0) / done, done };
}

async function latencyAtRate(driver: ExtProcDriver, shape: Shape): Promise<Latency> {
  const lat = await openLoop(driver, load(shape), PLAN.rate, PLAN.openS);
  const sorted = Float64Array.from(lat).sort();
  return {
    n: sorted.length,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    p999: percentile(sorted, 0.999),
    max: percentile(sorted, 1),
  };
}

/** Counts writ's response decisions in its audit chain (a chain not yet written holds none). */
async function countDecisions(file: string): Promise<{ records: number }> {
  if (!existsSync(file)) return { records: 0 };
  let records = 0;
  for await (const line of createInterface({ input: createReadStream(file, 'utf8') }))
    if (line.includes('"type":"ext_proc.response_decision"')) records++;
  return { records };
}

async function main(): Promise<number> {
  const all = resultShapes();
  const home = join(work, 'home');
  const flagsFor = ['--max-semi-space-size=64', '--import', 'tsx'];
  const spec = (name: string, file: string, extra: string[]) => ({
    name,
    command: process.execPath,
    args: [...flagsFor, file, '--port', '0', '--app', app, ...extra],
    cwd: ROOT,
    answersStats: true,
  });
  const servers: Partial<Servers> = {};
  const drivers: Partial<Record<Side, ExtProcDriver>> = {};
  try {
    servers.writ = await startServer(
      spec('writ ext_proc', 'bench/servers/ext-proc-writ-server.ts', ['--home', home]),
    );
    servers.pass = await startServer(
      spec('pass-through ext_proc', 'bench/servers/ext-proc-pass-through.ts', []),
    );
    drivers.writ = extProcDriver(servers.writ.port);
    drivers.pass = extProcDriver(servers.pass.port);
    // Every exchange is checked: a benign result that does not pass unchanged stops the bench.
    for (const side of ['writ', 'pass'] as const)
      for (const shape of all) await closedLoop(drivers[side]!, load(shape), PLAN.concurrency, PLAN.warmS);

    const cpu = new Map<string, { writ: number[]; pass: number[] }>(
      all.map((s) => [s.name, { writ: [], pass: [] }]),
    );
    const open: { writ: Latency; pass: Latency }[] = [];
    const openShape = all.find((s) => !s.events && s.kib === OPEN_LOOP_KIB)!;
    for (let round = 0; round < PLAN.rounds; round++) {
      for (const [i, shape] of all.entries()) {
        const order: Side[] = (round + i) % 2 === 0 ? ['writ', 'pass'] : ['pass', 'writ'];
        for (const side of order) {
          const r = await cpuPerExchange(servers[side]!, drivers[side]!, shape);
          cpu.get(shape.name)![side].push(r.us);
          log(
            `round ${round + 1} ${shape.name} ${side}: ${Math.round(r.us)} µs CPU per exchange (${r.done} exchanges)`,
          );
        }
      }
      const order: Side[] = round % 2 === 0 ? ['writ', 'pass'] : ['pass', 'writ'];
      const got: Partial<Record<Side, Latency>> = {};
      for (const side of order) {
        got[side] = await latencyAtRate(drivers[side]!, openShape);
        log(
          `round ${round + 1} open loop ${openShape.name} at ${PLAN.rate}/s ${side}: p50 ${got[side].p50.toFixed(2)} ms p99 ${got[side].p99.toFixed(2)} ms`,
        );
      }
      open.push({ writ: got.writ!, pass: got.pass! });
    }
    for (const d of Object.values(drivers)) d.close();
    await servers.writ.stop(30_000);
    // A pass is not recorded; any record would be a benign result blocked, masked, tainted or annotated.
    const audit = await countDecisions(join(home, 'audit', 'audit.jsonl'));
    if (audit.records !== 0)
      throw new HarnessError(`writ recorded ${audit.records} response decisions on benign results`);

    const report = summarizeExtProc(
      {
        plan: PLAN,
        jsonSizesKiB: JSON_SIZES_KIB,
        sse: { kib: SSE_KIB, chunkBytes: SSE_CHUNK_BYTES },
        openLoopKiB: OPEN_LOOP_KIB,
        variants: VARIANTS,
        exchangesSha256: exchangesSha256(all),
      },
      {
        cpu: all.map((s) => ({
          shape: s.name,
          kib: s.kib,
          writUs: cpu.get(s.name)!.writ,
          passUs: cpu.get(s.name)!.pass,
        })),
        openShape: openShape.name,
        open,
      },
      audit,
    );
    process.stdout.write(`\n${extProcText(report)}\n`);
    if (flags.json !== undefined) writeFileSync(flags.json, JSON.stringify(report, null, 2));
    return 0;
  } finally {
    for (const d of Object.values(drivers)) d.close();
    await Promise.all(Object.values(servers).map((s) => s.stop(30_000)));
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(
      `[ext-proc bench] ${err instanceof HarnessError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(2);
  },
);
