/** Turns the bench's per-round figures into medians, target verdicts, a terminal table and docs/performance.md. */
import type { LatencySummary } from './h2load.js';
import type { HotFunction } from './cpu-profile.js';
import { median } from './stats.js';

export type PhaseName = 'capacity' | 'unloaded' | 'rate1000' | 'rate2000';
export type ServerName = 'writ' | 'noop';

/** One phase of one server in one round. */
export interface PhaseResult {
  readonly calls: number;
  readonly callsPerSec: number;
  readonly cpuUsPerCall: number;
  readonly latency?: LatencySummary;
  readonly gcPer10k?: { readonly minor: number; readonly major: number; readonly pauseMs: number };
}

export type Results = Record<ServerName, Record<PhaseName, PhaseResult[]>>;

export interface Row {
  readonly label: string;
  readonly writ: number;
  readonly noop: number;
  readonly unit: 'calls/s' | 'ms' | 'µs' | 'count' | 'share';
  readonly target?: { readonly text: string; readonly pass: boolean };
}

const pick = (list: readonly PhaseResult[], f: (r: PhaseResult) => number | undefined): number =>
  median(list.map((r) => f(r) ?? Number.NaN));

/** The rows of the result table: medians over rounds, with the issue's targets. */
export function buildRows(r: Results): Row[] {
  const both = (phase: PhaseName, f: (x: PhaseResult) => number | undefined) => ({
    writ: pick(r.writ[phase], f),
    noop: pick(r.noop[phase], f),
  });
  const ms = (us: number | undefined) => (us === undefined ? undefined : us / 1000);
  const rows: Row[] = [];
  const cap = both('capacity', (x) => x.callsPerSec);
  const capRatio = cap.writ / cap.noop;
  rows.push({
    label: 'capacity, closed loop (-c 4 -m 16)',
    ...cap,
    unit: 'calls/s',
    target: {
      text: `>= 40% of no-op and >= 4,000/s (is ${pct(capRatio)})`,
      pass: capRatio >= 0.4 && cap.writ >= 4000,
    },
  });
  const cpu = both('capacity', (x) => x.cpuUsPerCall);
  rows.push({
    label: 'server CPU per call at capacity',
    ...cpu,
    unit: 'µs',
    target: {
      text: `<= no-op + 150 µs (is +${Math.round(cpu.writ - cpu.noop)})`,
      pass: cpu.writ - cpu.noop <= 150,
    },
  });
  rows.push({
    label: 'server CPU per call at 1,000/s',
    ...both('rate1000', (x) => x.cpuUsPerCall),
    unit: 'µs',
  });
  rows.push({
    label: 'unloaded p50 (-c 1 -m 1)',
    ...both('unloaded', (x) => ms(x.latency?.p50)),
    unit: 'ms',
  });
  rows.push({ label: 'unloaded p99', ...both('unloaded', (x) => ms(x.latency?.p99)), unit: 'ms' });
  rows.push({ label: '1,000/s p50', ...both('rate1000', (x) => ms(x.latency?.p50)), unit: 'ms' });
  const p99 = both('rate1000', (x) => ms(x.latency?.p99));
  rows.push({
    label: '1,000/s p99',
    ...p99,
    unit: 'ms',
    target: {
      text: `<= 1.5x no-op (is ${(p99.writ / p99.noop).toFixed(2)}x)`,
      pass: p99.writ <= 1.5 * p99.noop,
    },
  });
  rows.push({ label: '1,000/s p99.9', ...both('rate1000', (x) => ms(x.latency?.p999)), unit: 'ms' });
  rows.push({ label: '2,000/s p50', ...both('rate2000', (x) => ms(x.latency?.p50)), unit: 'ms' });
  rows.push({ label: '2,000/s p99', ...both('rate2000', (x) => ms(x.latency?.p99)), unit: 'ms' });
  rows.push({ label: '2,000/s p99.9', ...both('rate2000', (x) => ms(x.latency?.p999)), unit: 'ms' });
  rows.push({
    label: 'GC minor per 10k calls at capacity',
    ...both('capacity', (x) => x.gcPer10k?.minor),
    unit: 'count',
  });
  rows.push({
    label: 'GC major per 10k calls at capacity',
    ...both('capacity', (x) => x.gcPer10k?.major),
    unit: 'count',
  });
  rows.push({
    label: 'GC pause ms per 10k calls at capacity',
    ...both('capacity', (x) => x.gcPer10k?.pauseMs),
    unit: 'ms',
  });
  rows.push({
    label: 'sent rate at 1,000/s (achieved)',
    ...both('rate1000', (x) => x.latency?.sentPerSec),
    unit: 'calls/s',
  });
  rows.push({
    label: 'sent rate at 2,000/s (achieved)',
    ...both('rate2000', (x) => x.latency?.sentPerSec),
    unit: 'calls/s',
  });
  rows.push({
    label: 'sends < 50 µs apart at 1,000/s',
    ...both('rate1000', (x) => x.latency?.burstShare),
    unit: 'share',
  });
  return rows;
}

function pct(x: number): string {
  return `${Math.round(x * 100)}%`;
}

function fmt(v: number, unit: Row['unit']): string {
  if (Number.isNaN(v)) return 'n/a';
  switch (unit) {
    case 'calls/s':
      return Math.round(v).toLocaleString('en-US');
    case 'ms':
      return v.toFixed(v < 10 ? 2 : 1);
    case 'µs':
      return Math.round(v).toLocaleString('en-US');
    case 'count':
      return v.toFixed(1);
    case 'share':
      return pct(v);
  }
}

function ratio(row: Row): string {
  const r = row.writ / row.noop;
  return Number.isFinite(r) && row.unit !== 'share' ? `${r.toFixed(2)}x` : '';
}

/** The table as aligned text for the terminal. */
export function textTable(rows: readonly Row[]): string {
  const cells = [
    ['', 'writ', 'no-op', 'writ/no-op', 'target'],
    ...rows.map((r) => [
      `${r.label} (${r.unit})`,
      fmt(r.writ, r.unit),
      fmt(r.noop, r.unit),
      ratio(r),
      r.target === undefined ? '' : `${r.target.pass ? 'PASS' : 'MISS'} ${r.target.text}`,
    ]),
  ];
  const widths = [0, 1, 2, 3].map((i) => Math.max(...cells.map((c) => (c[i] ?? '').length)));
  return cells
    .map((c) =>
      c
        .map((cell, i) => (i === 0 ? cell.padEnd(widths[0]!) : i < 4 ? cell.padStart(widths[i]!) : cell))
        .join('  '),
    )
    .join('\n');
}

/** The table in Markdown. */
export function markdownTable(rows: readonly Row[]): string {
  const lines = ['| figure | writ | no-op | writ/no-op | target |', '| --- | ---: | ---: | ---: | --- |'];
  for (const r of rows) {
    const target = r.target === undefined ? '' : `**${r.target.pass ? 'PASS' : 'MISS'}** ${r.target.text}`;
    lines.push(
      `| ${r.label} (${r.unit}) | ${fmt(r.writ, r.unit)} | ${fmt(r.noop, r.unit)} | ${ratio(r)} | ${target} |`,
    );
  }
  return lines.join('\n');
}

/** Per-round figures, so a reader can see how much the machine's noise moved them. */
export function markdownRounds(r: Results): string {
  const lines = [
    '| round | server | capacity (calls/s) | CPU µs/call | unloaded p99 (ms) | 1,000/s p99 (ms) | 2,000/s p99 (ms) |',
    '| ---: | --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  const rounds = r.writ.capacity.length;
  for (let i = 0; i < rounds; i++) {
    for (const s of ['writ', 'noop'] as const) {
      const x = r[s];
      const f = (v: number | undefined) => (v === undefined ? 'n/a' : (v / 1000).toFixed(2));
      lines.push(
        `| ${i + 1} | ${s} | ${fmt(x.capacity[i]?.callsPerSec ?? Number.NaN, 'calls/s')} | ${fmt(x.capacity[i]?.cpuUsPerCall ?? Number.NaN, 'µs')} | ${f(x.unloaded[i]?.latency?.p99)} | ${f(x.rate1000[i]?.latency?.p99)} | ${f(x.rate2000[i]?.latency?.p99)} |`,
      );
    }
  }
  return lines.join('\n');
}

/** The hot functions as a Markdown table. */
export function markdownProfile(totalMs: number, calls: number, fns: readonly HotFunction[]): string {
  const lines = ['| # | function | where | self % | self µs/call |', '| ---: | --- | --- | ---: | ---: |'];
  fns.forEach((f, i) => {
    lines.push(
      `| ${i + 1} | \`${f.name}\` | ${f.where === '' ? '' : `\`${f.where}\``} | ${(f.share * 100).toFixed(1)} | ${((f.selfMs * 1000) / calls).toFixed(1)} |`,
    );
  });
  lines.push(
    '',
    `Profile total: ${(totalMs / 1000).toFixed(1)} s of samples over ${calls.toLocaleString('en-US')} calls.`,
  );
  return lines.join('\n');
}
