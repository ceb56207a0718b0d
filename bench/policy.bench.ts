/**
 * Policy evaluation latency: writ's compiled evaluator and Cedar (`@cedar-policy/cedar-wasm`) on the same
 * 1,000 generated rules, in the same run, plus the default pack. Per-decision percentiles, in process.
 * Run: `node --import tsx bench/policy.bench.ts` (`--short` for CI: fewer iterations, same checks).
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type * as CedarTypes from '@cedar-policy/cedar-wasm/nodejs';
import type { Action } from '../src/pipeline/model/action.js';
import type { Finding } from '../src/pipeline/model/finding.js';
import { actionFrom } from '../src/cli/action-template.js';
import { evaluatePolicy } from '../src/pipeline/policy/evaluate.js';
import { compilePolicySources } from '../src/pipeline/policy/load.js';
import { loadPolicyFolder } from '../src/policy-files.js';

// The package's ESM entry imports a .wasm module directly, which Node 20 does not load; its nodejs build does.
const cedar = createRequire(import.meta.url)('@cedar-policy/cedar-wasm/nodejs') as typeof CedarTypes;

const SHORT = process.argv.includes('--short');
const RULES = 1000;
const TOOLS = RULES / 2;
const HOSTS = ['h0.internal', 'h1.internal', 'h2.internal', 'h3.internal'];

/** A deterministic PRNG so every run measures the same requests. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * Two rules per tool, the same semantics in both languages: an allow for reads from two hosts within
 * a hop limit, and a deny for writes to a third host. Nothing matching is a deny in both.
 */
function generate(): { yaml: string; cedar: string } {
  const rules: string[] = [];
  const policies: string[] = [];
  for (let t = 0; t < TOOLS; t++) {
    const tool = `tool_${t}`;
    const [a, b, c] = [HOSTS[t % 4]!, HOSTS[(t + 1) % 4]!, HOSTS[(t + 2) % 4]!];
    const hops = 1 + (t % 3);
    rules.push(
      `  - {id: allow-${t}, priority: 10, effect: allow, when: {action.tool: ${tool}, resource.host: {in: [${a}, ${b}]}, context.hops: {lt: ${hops}}}}`,
      `  - {id: deny-${t}, priority: 50, effect: deny, when: {action.tool: ${tool}, resource.host: ${c}, action.operation: write}}`,
    );
    policies.push(
      `@id("allow-${t}") permit(principal, action == Action::"call", resource == Tool::"${tool}") when { ["${a}", "${b}"].contains(context.host) && context.hops < ${hops} };`,
      `@id("deny-${t}") forbid(principal, action == Action::"call", resource == Tool::"${tool}") when { context.host == "${c}" && context.operation == "write" };`,
    );
  }
  return { yaml: `apiVersion: writ.dev/v1\nrules:\n${rules.join('\n')}\n`, cedar: policies.join('\n') };
}

interface Req {
  readonly action: Action;
  readonly cedar: CedarTypes.StatefulAuthorizationCall;
}

function requests(n: number): Req[] {
  const next = rng(42);
  return Array.from({ length: n }, () => {
    const tool = `tool_${Math.floor(next() * TOOLS)}`;
    const host = HOSTS[Math.floor(next() * 4)]!;
    const hops = Math.floor(next() * 4);
    const operation = next() < 0.5 ? 'read' : 'write';
    return {
      action: actionFrom({ action: { tool, operation }, resource: { host }, context: { hops } }),
      cedar: {
        principal: { type: 'Agent', id: 'support-assistant' },
        action: { type: 'Action', id: 'call' },
        resource: { type: 'Tool', id: tool },
        context: { host, hops, operation },
        preparsedPolicySetId: 'bench',
        entities: [],
      },
    };
  });
}

function percentiles(samples: number[]): { p50: number; p99: number; mean: number } {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  return { p50: at(0.5), p99: at(0.99), mean: s.reduce((a, b) => a + b, 0) / s.length };
}

/** Times each call separately (hrtime, ns -> µs) after a warm-up. */
function measure<R>(reqs: readonly R[], iterations: number, run: (r: R) => unknown) {
  for (let i = 0; i < Math.min(2000, iterations); i++) run(reqs[i % reqs.length]!);
  const samples = new Array<number>(iterations);
  for (let i = 0; i < iterations; i++) {
    const r = reqs[i % reqs.length]!;
    const t0 = process.hrtime.bigint();
    run(r);
    samples[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  return percentiles(samples);
}

const fmt = (p: { p50: number; p99: number; mean: number }) =>
  `p50 ${p.p50.toFixed(2)} µs  p99 ${p.p99.toFixed(2)} µs  mean ${p.mean.toFixed(2)} µs`;

const { yaml, cedar: cedarText } = generate();
const t0 = performance.now();
const set = compilePolicySources([{ name: 'bench.yaml', text: yaml }]);
const writLoadMs = performance.now() - t0;
const parsed = cedar.preparsePolicySet('bench', { staticPolicies: cedarText });
if (parsed.type !== 'success')
  throw new Error(`cedar rejected the policies: ${JSON.stringify(parsed.errors)}`);

const reqs = requests(5000);
// The two engines must agree on every request, or the comparison means nothing.
let allows = 0;
for (const r of reqs) {
  const w = evaluatePolicy(set, r.action, []).decision;
  const c = cedar.statefulIsAuthorized(r.cedar);
  if (c.type !== 'success') throw new Error(`cedar failed: ${JSON.stringify(c.errors)}`);
  const cd = c.response.decision === 'allow' ? 'ALLOW' : 'DENY';
  if (w !== cd)
    throw new Error(
      `engines disagree on ${JSON.stringify(r.cedar.context)} ${JSON.stringify(r.cedar.resource)}: writ ${w}, cedar ${cd}`,
    );
  if (w === 'ALLOW') allows++;
}

const writIter = SHORT ? 5000 : 100_000;
const cedarIter = SHORT ? 1000 : 20_000;
const writStats = measure(reqs, writIter, (r) => evaluatePolicy(set, r.action, []));
const cedarStats = measure(reqs, cedarIter, (r) => cedar.statefulIsAuthorized(r.cedar));

// The default pack on a mix of calls like the seed scenarios (inspection excluded: this times policy only).
const pack = loadPolicyFolder(join(import.meta.dirname, '..', 'policies'));
const f = (id: string, severity: Finding['severity']): Finding => ({
  id,
  inspector: id.split('.')[0]!,
  severity,
  path: '$',
  evidence: '',
  owasp: [],
  atlas: [],
});
const packCases: Array<{ action: Action; findings: Finding[] }> = [
  {
    action: actionFrom({
      action: { tool: 'execute_query', operation: 'delete' },
      resource: { database: 'production' },
    }),
    findings: [f('destructive-op.drop', 'critical')],
  },
  {
    action: actionFrom({
      action: { tool: 'query_db', operation: 'read' },
      resource: { database: 'analytics-replica' },
    }),
    findings: [],
  },
  {
    action: actionFrom({ action: { tool: 'write_file', operation: 'write' } }),
    findings: [f('path-traversal.dot-dot', 'high')],
  },
  {
    action: actionFrom({
      action: { tool: 'POST pastebin.dev', adapter: 'http' },
      resource: { host: 'pastebin.dev' },
    }),
    findings: [f('ssrf-egress.not-allowlisted', 'high')],
  },
  {
    action: actionFrom({
      action: { tool: 'GET api.github.com', adapter: 'http', httpMethod: 'GET', operation: 'read' },
      resource: { host: 'api.github.com' },
    }),
    findings: [],
  },
  {
    action: actionFrom({
      action: { tool: 'send_email', operation: 'send' },
      resource: { external: true, recipients: ['x@external.com'] },
      context: { timeMs: Date.UTC(2026, 0, 3, 22) },
    }),
    findings: [f('prompt-injection.override', 'high')],
  },
  {
    action: actionFrom({
      action: { tool: 'run_shell', operation: 'exec', arguments: { command: 'ls -la | wc -l' } },
    }),
    findings: [],
  },
  {
    action: actionFrom({ action: { tool: 'get_user', operation: 'read' } }),
    findings: [f('pii.email', 'medium')],
  },
];
const packStats = measure(packCases, writIter, (r) => evaluatePolicy(pack, r.action, r.findings));

const out = {
  node: process.version,
  cedar: cedar.getCedarVersion(),
  rules: set.rules.length,
  requests: reqs.length,
  allowShare: allows / reqs.length,
  writLoadMs: Number(writLoadMs.toFixed(1)),
  writ: writStats,
  cedarWasm: cedarStats,
  defaultPack: { rules: pack.rules.length, ...packStats },
};
process.stdout.write(
  [
    `policy evaluation, ${set.rules.length} rules, ${reqs.length} distinct requests (${(out.allowShare * 100).toFixed(0)}% allow), node ${process.version}, cedar ${out.cedar}`,
    `  writ   ${fmt(writStats)}   (load + compile + checks ${out.writLoadMs} ms)`,
    `  cedar  ${fmt(cedarStats)}`,
    `  default pack (${pack.rules.length} rules)  ${fmt(packStats)}`,
    '',
  ].join('\n'),
);
// Targets are reported, not asserted: on a shared 2-core machine a timing is not a pass/fail test.
const misses: string[] = [];
if (writStats.p99 > cedarStats.p99)
  misses.push(
    `writ p99 ${writStats.p99.toFixed(2)} µs is slower than cedar's ${cedarStats.p99.toFixed(2)} µs`,
  );
if (packStats.p99 >= 20) misses.push(`default pack p99 ${packStats.p99.toFixed(2)} µs is not under 20 µs`);
process.stdout.write(
  misses.length === 0
    ? 'targets: writ p99 under cedar p99, default pack p99 under 20 µs: met\n'
    : `targets NOT met:\n${misses.map((m) => `  ${m}`).join('\n')}\n`,
);
