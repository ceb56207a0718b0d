/**
 * docs/performance.md, written whole from the bench's report (docs/performance.json, written by the same run of
 * `npm run bench`): one function from the report to the page, so test/docs/performance-doc.test.ts can hold the
 * committed page to the committed report.
 */
import { join } from 'node:path';
import * as prettier from 'prettier';
import type { ScenarioRequest } from '../../src/cli/scenario.js';
import type { ExtProcReport } from './ext-proc-report.js';
import { markdownRounds, markdownTable, type Results, type Row } from './report.js';

/** Where the page and its report live. */
export const PERFORMANCE_MD = join(import.meta.dirname, '..', '..', 'docs', 'performance.md');
export const PERFORMANCE_JSON = join(import.meta.dirname, '..', '..', 'docs', 'performance.json');

/** writ's decision records after the run: allowed, or denied ERR_TIMEOUT under overload (any other deny fails it). */
export interface WritAudit {
  readonly records: number;
  readonly allows: number;
  readonly timeouts: number;
}

/** The audit sentence's figures. */
function auditText(a: WritAudit): string {
  const n = (v: number) => v.toLocaleString('en-US');
  if (a.timeouts === 0) return ` (this run: ${n(a.records)} records, all ALLOW)`;
  return ` or a deny for time, \`ERR_TIMEOUT\` (this run: ${n(a.records)} records, ${n(a.allows)} ALLOW and ${n(a.timeouts)} \`ERR_TIMEOUT\`: calls whose decision deadline passed while the fixed rates queued them past writ's capacity; writ fails closed)`;
}

/** Everything docs/performance.md says, as `npm run bench` measured it. */
export interface PerformanceReport {
  readonly command: string;
  /** The machine and the run: date, commit (short hash), cores, CPU, Node, h2load, load average. */
  readonly facts: Readonly<Record<string, string>>;
  /** What was sent and how: a report is stale when these differ from what the bench would send today. */
  readonly inputs: {
    readonly checkScenario: ScenarioRequest;
    readonly serverNodeFlags: readonly string[];
    readonly writMode: string;
    readonly plan: Readonly<Record<string, number>>;
    readonly rounds: number;
  };
  readonly rows: readonly Row[];
  readonly results: Results;
  readonly audit: WritAudit | undefined;
  readonly profile: string | undefined;
  readonly extProc: ExtProcReport;
}

const us = (v: number) => Math.round(v).toLocaleString('en-US');

/** The ext_proc section: added CPU per KiB of response and added p99, against the pass-through. */
export function extProcSection(x: ExtProcReport): string {
  const o = x.openLoop;
  const ms = (v: number) => v.toFixed(2);
  return `## The response path (ext_proc)

\`bench/ext-proc.bench.ts\`: writ's ext_proc role (\`bench/servers/ext-proc-writ-server.ts\`: \`startWrit\` with the
default policies and their response rules, the audit log on disk, no check listener) against a pass-through ext_proc
server on the same grpc-js stack and Envoy protos that asks for the same parts of each exchange and reads none of
them (\`bench/servers/ext-proc-pass-through.ts\`): the same run without response inspection. Each exchange is one
bidirectional gRPC stream over loopback, driven as Envoy drives it (request headers, the JSON-RPC request body,
response headers, then the response body buffered, or streamed in ${x.inputs.sse.chunkBytes}-byte chunks for an event
stream), and carries an MCP \`tools/call\` result with text content, in ${x.inputs.variants} variants per size. The
requests carry no execution token, so the token check (a fixed cost per exchange) is not in these figures. Every
exchange is checked to have passed unchanged.

- **CPU:** server CPU (utime + stime) per exchange in a closed loop (${x.inputs.plan.concurrency} in flight,
  ${x.inputs.plan.cpuS} s per size and server); added = writ minus the pass-through, measured back to back, A B then
  B A; medians over ${x.inputs.plan.rounds} round${x.inputs.plan.rounds > 1 ? 's' : ''}.
- **Latency:** an open loop sends ${o.shape} results at ${o.rate}/s for ${o.seconds} s; each exchange's latency runs
  from the moment it was due to its last answer.

| result | writ CPU µs/exchange | pass-through CPU µs/exchange | added µs | added µs per KiB |
| --- | ---: | ---: | ---: | ---: |
${x.cpu.map((c) => `| ${c.shape} | ${us(c.writMedianUs)} | ${us(c.passMedianUs)} | ${us(c.addedUs)} | ${c.addedUsPerKiB.toFixed(1)} |`).join('\n')}

- **Cost per KiB of response:** ${x.marginal.usPerKiB.toFixed(1)} µs of CPU per KiB (the slope of the added CPU over
  the JSON sizes), on top of ${us(x.marginal.interceptUs)} µs per exchange.
- **Added p99 for a ${x.inputs.openLoopKiB} KiB tool result at ${o.rate}/s:** ${ms(o.addedP99Ms)} ms (writ ${ms(o.writP99Ms)} ms,
  pass-through ${ms(o.passP99Ms)} ms).

| round | writ p50 (ms) | writ p99 (ms) | pass-through p50 (ms) | pass-through p99 (ms) |
| ---: | ---: | ---: | ---: | ---: |
${o.rounds.map((r, i) => `| ${i + 1} | ${ms(r.writ.p50)} | ${ms(r.writ.p99)} | ${ms(r.pass.p50)} | ${ms(r.pass.p99)} |`).join('\n')}
`;
}

/** The page, formatted as \`npm run format:check\` expects (so a fresh run never breaks the gate). */
export async function renderPerformanceDoc(r: PerformanceReport, path: string): Promise<string> {
  const options = (await prettier.resolveConfig(path)) ?? {};
  return prettier.format(performanceMarkdown(r), { ...options, filepath: path });
}

function performanceMarkdown(r: PerformanceReport): string {
  return `# Performance

Written by \`${r.command}\` on ${r.facts['date']} (commit ${r.facts['commit']}). Re-run it to refresh this page;
\`npm run bench -- --quick\` is the short mode CI runs (it prints the tables and leaves this page alone). Every
figure here comes from \`docs/performance.json\`, which the same run wrote: \`test/docs/performance-doc.test.ts\`
fails when this page is not what that file renders, when its medians are not those of its rounds, when the commit
it names is not in this history, or when the calls the bench sends have changed since.

## What is measured

writ's check role (\`bench/servers/writ-server.ts\`: \`startWrit\` from \`dist/\`, default policies, a temporary
WRIT_HOME, audit log on disk, silent logger) and a no-op Check server on the same grpc-js stack, server options and
Envoy proto loading (\`bench/servers/noop-server.ts\`), each in its own process, both sent the same allowed call: the
seed scenario \`scenarios/seed/02-analytics-readonly.yaml\` (an MCP \`query_db\` read on the analytics replica), so
writ runs the whole path: map, normalize, inspect, policy, mint an Ed25519 execution token, append to the audit chain.
One grpc-js call per server first checks the answer (writ: ALLOW with a token); after the run every audit record
is counted and must be an ALLOW${r.audit === undefined ? '' : auditText(r.audit)}.

Load comes from h2load (${r.facts['h2load']}, Debian \`nghttp2-client\`) posting a pre-framed gRPC body (a zero
byte, the big-endian length, the serialized CheckRequest) with \`content-type: application/grpc\` and \`te: trailers\`.

- **Capacity:** closed loop, \`h2load -c 4 -m 16 -D <s>\`; calls per second.
- **Unloaded latency:** one call in flight, \`h2load -c 1 -m 1 -D <s>\`.
- **Fixed rates:** \`h2load -c R/100 -m 64 --rps 100 -r 1 --rate-period 1ms -n R*s\`. In nghttp2 1.52 \`--rps\` is per
  client and is open loop: a timer fires every max(10 ms, 1/rps) and sends every call due since its last tick,
  whatever the server has answered; due calls wait only while \`-m\` streams are in flight, which 64 never reaches
  here. Above 100/s per client the 10 ms floor sends bursts, so a rate is split over 100/s clients whose
  connections open 1 ms apart. \`-r/--rate\` alone paces connections, not calls, and \`--timing-script-file\` chains
  relative timers and topped out near 730/s per client. The table shows the achieved send rate and the share of
  sends under 50 µs apart: on a loaded machine h2load's timers drift into step and arrivals bunch.
- **Percentiles** are nearest-rank over h2load's \`--log-file\` (latency in µs from each call's send).
- **Server CPU per call:** utime + stime from \`/proc/<pid>/stat\` around each phase, divided by the calls done.
  **GC** counts and pauses come from a \`PerformanceObserver\` inside each server, read over SIGUSR2.
- writ and the no-op run phase by phase back to back, A B then B A each round, after a closed-loop warm-up
  (JIT); figures are medians over rounds.
- Both servers start with \`node ${r.inputs.serverNodeFlags.join(' ')} --import tsx\` (the flags writ's launchers pass:
  \`npm start\`, the image, the chart; \`BENCH_NODE_FLAGS\` overrides them): a 64 MiB young generation means
  fewer scavenges, whose pauses set the tail at fixed rates. writ's code is the compiled \`dist/\`, and the servers turn
  source maps back off after loading (tsx turns them on, which makes any \`Error.stack\` dearer).

To see the pipeline's own cost without HTTP/2, \`node --import tsx bench/hot-loop.ts\` runs the same allowed
decision in process (decode the CheckRequest, map, run the pipeline, map and encode the CheckResponse) and prints
CPU µs and minor GCs per call; add \`--cpu-prof\` for a profile. Server CPU per call above also holds grpc-js and
HTTP/2, whose per-call cost falls as the rate rises (batched reads and writes): compare writ and the no-op at the
same rate (the 1,000/s row) for the pipeline's share.

## Machine

${r.facts['nproc']} cores (${r.facts['cpu']}), Node ${r.facts['node']}, load average at start ${r.facts['load']}. The machine is shared
and noisy: h2load and the server share the 2 cores with other work, so absolute figures move between runs; the
ratios to the no-op, measured in the same minutes, are the figures to compare.

## Results

Why the targets are missed, stage by stage, and what was tried: [performance-budget.md](performance-budget.md).

${markdownTable(r.rows)}

Per round:

${markdownRounds(r.results)}

${extProcSection(r.extProc)}
${r.profile === undefined ? '' : `\n## Where writ's CPU goes\n\n\`node --cpu-prof\` on the writ server process (\`npm run bench -- --profile\`).\n\n${r.profile}\n`}`;
}
