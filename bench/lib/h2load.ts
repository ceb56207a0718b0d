/**
 * Drives h2load (Debian's nghttp2-client) with a pre-framed gRPC body and reads its summary and its
 * per-request log. h2load is native: a Node load generator on 2 cores costs more CPU per call than
 * the server it measures and hides the server's latency.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { spawnTracked, waitForExit } from './children.js';
import { percentile } from './stats.js';

/**
 * How h2load 1.52 paces requests, read from its source (src/h2load.cc):
 * - `--rps R` is per client. A timer fires every max(10 ms, 1/R) and submits the calls that are due
 *   since the last tick; calls not yet sent stay pending (they are not dropped), and are held back
 *   only while `-m` streams are in flight. With `-m` far above the in-flight count the schedule does
 *   not depend on the server's answers: open loop. Latency is timed from the actual send, so if
 *   `-m` were ever reached the wait would be hidden (coordinated omission): we check the achieved rate.
 * - Above 100/s per client the 10 ms floor sends calls in bursts, so a fixed rate R is R/100 clients
 *   at 100/s each, their connections made 1 ms apart (`-r 1 --rate-period 1ms`) to spread the ticks.
 * - `-r/--rate` paces connections, not requests; `--timing-script-file` chains one relative timer per
 *   call and could not exceed about 730/s per client here.
 */
export const RPS_PER_CLIENT = 100;

export interface H2loadOptions {
  readonly url: string;
  readonly bodyFile: string;
  readonly clients: number;
  readonly streams: number;
  /** Closed loop for this many seconds (`-D`), or a fixed count of requests (`-n`). */
  readonly durationS?: number;
  readonly requests?: number;
  /** Requests per second per client (open loop); connections are then staggered 1 ms apart. */
  readonly rpsPerClient?: number;
  readonly logFile?: string;
  readonly timeoutMs: number;
}

export interface H2loadSummary {
  readonly done: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly errored: number;
  readonly timeout: number;
  readonly status2xx: number;
  /** 3xx, 4xx and 5xx answers together: always 0 for a gRPC server that is working. */
  readonly statusOther: number;
  readonly seconds: number;
  readonly reqPerSec: number;
  readonly args: readonly string[];
}

/** Per-request latencies from an h2load log file, in microseconds. */
export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
  /** Calls per second between the first and the last send. */
  readonly sentPerSec: number;
  /** Share of sends within 50 µs of the previous one: how bursty the arrivals really were. */
  readonly burstShare: number;
}

/** The h2load arguments for one run (no shell: each header is one argv entry). */
export function h2loadArgs(o: H2loadOptions): string[] {
  const args = ['-c', String(o.clients), '-m', String(o.streams)];
  if (o.durationS !== undefined) args.push('-D', String(o.durationS));
  if (o.requests !== undefined) args.push('-n', String(o.requests));
  if (o.rpsPerClient !== undefined)
    args.push('--rps', String(o.rpsPerClient), '-r', '1', '--rate-period', '1ms');
  args.push('-H', 'content-type: application/grpc', '-H', 'te: trailers', '-d', o.bodyFile);
  if (o.logFile !== undefined) args.push('--log-file', o.logFile);
  args.push(o.url);
  return args;
}

/** Runs h2load once and parses its summary; rejects if it fails or runs past its timeout. */
export async function runH2load(o: H2loadOptions): Promise<H2loadSummary> {
  // h2load appends to an existing log file: start from an empty one.
  if (o.logFile !== undefined) rmSync(o.logFile, { force: true });
  const args = h2loadArgs(o);
  const child = spawnTracked('h2load', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (err += d));
  const code = await waitForExit(child, o.timeoutMs);
  if (code !== 0)
    throw new Error(`h2load exited with ${code}: ${err.trim() || out.trim()}\n  h2load ${args.join(' ')}`);
  return parseSummary(out, args);
}

function parseSummary(out: string, args: readonly string[]): H2loadSummary {
  const fin = /finished in ([\d.]+)(ms|s), ([\d.]+) req\/s/.exec(out);
  const req =
    /requests: \d+ total, \d+ started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored, (\d+) timeout/.exec(
      out,
    );
  const status = /status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx/.exec(out);
  if (fin === null || req === null || status === null) throw new Error(`cannot parse h2load output:\n${out}`);
  const n = (s: string | undefined): number => Number(s ?? 'NaN');
  return {
    seconds: n(fin[1]) / (fin[2] === 'ms' ? 1000 : 1),
    reqPerSec: n(fin[3]),
    done: n(req[1]),
    succeeded: n(req[2]),
    failed: n(req[3]),
    errored: n(req[4]),
    timeout: n(req[5]),
    status2xx: n(status[1]),
    statusOther: n(status[2]) + n(status[3]) + n(status[4]),
    args,
  };
}

/** Reads an h2load log file (start µs since epoch, status, latency µs) into percentiles. */
export function readLatencies(logFile: string): LatencySummary {
  if (!existsSync(logFile)) throw new Error(`h2load wrote no log at ${logFile}`);
  const lines = readFileSync(logFile, 'utf8').split('\n');
  const starts: number[] = [];
  const lat: number[] = [];
  for (const line of lines) {
    const tab1 = line.indexOf('\t');
    const tab2 = line.indexOf('\t', tab1 + 1);
    if (tab1 < 0 || tab2 < 0) continue;
    starts.push(Number(line.slice(0, tab1)));
    lat.push(Number(line.slice(tab2 + 1)));
  }
  const sorted = Float64Array.from(lat).sort();
  const sends = Float64Array.from(starts).sort();
  let bursts = 0;
  for (let i = 1; i < sends.length; i++) if (sends[i]! - sends[i - 1]! < 50) bursts++;
  const spanS = sends.length > 1 ? (sends[sends.length - 1]! - sends[0]!) / 1e6 : Number.NaN;
  return {
    count: sorted.length,
    p50: percentile(sorted, 0.5),
    p90: percentile(sorted, 0.9),
    p99: percentile(sorted, 0.99),
    p999: percentile(sorted, 0.999),
    max: sorted.length > 0 ? sorted[sorted.length - 1]! : Number.NaN,
    sentPerSec: (sends.length - 1) / spanS,
    burstShare: sends.length > 1 ? bursts / (sends.length - 1) : Number.NaN,
  };
}
