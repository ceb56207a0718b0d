/**
 * The ext_proc bench's report (bench/ext-proc.bench.ts): per-round measurements in, medians, added cost per
 * KiB and added p99 out. One pure function from the rounds to the figures, so a committed report can be
 * checked to hold the medians of its own rounds (test/docs/performance-doc.test.ts).
 */
import { median } from './stats.js';

/** Open-loop latencies of one server in one round, ms from each exchange's due time. */
export interface Latency {
  readonly n: number;
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
}

/** What the bench measured with and on. */
export interface ExtProcInputs {
  readonly plan: {
    readonly rounds: number;
    readonly warmS: number;
    readonly cpuS: number;
    readonly concurrency: number;
    readonly rate: number;
    readonly openS: number;
  };
  readonly jsonSizesKiB: readonly number[];
  readonly sse: { readonly kib: number; readonly chunkBytes: number };
  readonly openLoopKiB: number;
  readonly variants: number;
  /** SHA-256 over every exchange the bench sends, in order (bench/lib/ext-proc-exchanges.ts). */
  readonly exchangesSha256: string;
}

/** The rounds as measured: CPU µs per exchange by shape and server, and the open loop's latencies. */
export interface ExtProcRounds {
  readonly cpu: readonly {
    readonly shape: string;
    readonly kib: number;
    readonly writUs: readonly number[];
    readonly passUs: readonly number[];
  }[];
  readonly openShape: string;
  readonly open: readonly { readonly writ: Latency; readonly pass: Latency }[];
}

export interface ExtProcReport {
  readonly inputs: ExtProcInputs;
  readonly cpu: readonly {
    readonly shape: string;
    readonly kib: number;
    readonly writUs: readonly number[];
    readonly passUs: readonly number[];
    readonly writMedianUs: number;
    readonly passMedianUs: number;
    readonly addedUs: number;
    readonly addedUsPerKiB: number;
  }[];
  /** The added CPU's least-squares slope over the JSON sizes (µs per KiB) and its intercept (µs per exchange). */
  readonly marginal: { readonly usPerKiB: number; readonly interceptUs: number };
  readonly openLoop: {
    readonly shape: string;
    readonly rate: number;
    readonly seconds: number;
    readonly rounds: readonly { readonly writ: Latency; readonly pass: Latency }[];
    readonly writP99Ms: number;
    readonly passP99Ms: number;
    readonly addedP99Ms: number;
  };
  /** Response decisions in writ's audit chain: none, as a pass is not recorded. */
  readonly audit: { readonly records: number };
}

/** Least-squares slope and intercept of y over x. */
function fit(xs: readonly number[], ys: readonly number[]): { slope: number; intercept: number } {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
  }
  const slope = sxy / sxx;
  return { slope, intercept: my - slope * mx };
}

/** The figures of a run: medians over rounds, the added cost and its slope, the added p99. */
export function summarizeExtProc(
  inputs: ExtProcInputs,
  rounds: ExtProcRounds,
  audit: { readonly records: number },
): ExtProcReport {
  const cpu = rounds.cpu.map((c) => {
    const w = median(c.writUs);
    const p = median(c.passUs);
    return { ...c, writMedianUs: w, passMedianUs: p, addedUs: w - p, addedUsPerKiB: (w - p) / c.kib };
  });
  const json = cpu.filter((c) => c.shape.startsWith('JSON'));
  const line = fit(
    json.map((c) => c.kib),
    json.map((c) => c.addedUs),
  );
  const writP99 = median(rounds.open.map((o) => o.writ.p99));
  const passP99 = median(rounds.open.map((o) => o.pass.p99));
  return {
    inputs,
    cpu,
    marginal: { usPerKiB: line.slope, interceptUs: line.intercept },
    openLoop: {
      shape: rounds.openShape,
      rate: inputs.plan.rate,
      seconds: inputs.plan.openS,
      rounds: rounds.open,
      writP99Ms: writP99,
      passP99Ms: passP99,
      addedP99Ms: writP99 - passP99,
    },
    audit,
  };
}

/** The report as the terminal shows it. */
export function extProcText(r: ExtProcReport): string {
  const n = r.inputs.plan.rounds;
  return [
    `ext_proc response inspection: writ vs a pass-through (medians of ${n} round${n > 1 ? 's' : ''})`,
    'result            writ µs/exch  pass µs/exch  added µs  added µs/KiB',
    ...r.cpu.map(
      (c) =>
        `${c.shape.padEnd(16)} ${c.writMedianUs.toFixed(0).padStart(13)} ${c.passMedianUs.toFixed(0).padStart(13)} ${c.addedUs.toFixed(0).padStart(9)} ${c.addedUsPerKiB.toFixed(1).padStart(13)}`,
    ),
    `marginal cost: ${r.marginal.usPerKiB.toFixed(1)} µs CPU per KiB of response (+${r.marginal.interceptUs.toFixed(0)} µs per exchange)`,
    `${r.openLoop.shape} at ${r.openLoop.rate}/s open loop: p99 writ ${r.openLoop.writP99Ms.toFixed(2)} ms, pass-through ${r.openLoop.passP99Ms.toFixed(2)} ms, added ${r.openLoop.addedP99Ms.toFixed(2)} ms`,
    `every exchange passed unchanged; writ's audit chain holds ${r.audit.records} response decisions`,
  ].join('\n');
}
