/**
 * The learned prompt-injection model's cost per KiB of text (target: under 20 µs per KiB), on prose of 1, 2, 16
 * and 64 KiB, and the prompt-injection inspector with and without the model on the same 2 KiB call (before /
 * after in one run), in process CPU time. `--quick` runs fewer iterations.
 */
import { lineToAction } from '../src/cli/inspect.js';
import { injectionProbability } from '../src/pipeline/inspect/lib/injection-model.js';
import { promptInjectionInspector } from '../src/pipeline/inspect/inspectors/prompt-injection.js';
import { inspectAction } from '../src/pipeline/inspect/registry.js';
import type { InspectorConfig } from '../src/pipeline/inspect/inspector.js';

const QUICK = process.argv.includes('--quick') || process.argv.includes('--short');
const CONFIG: InspectorConfig = {
  egressAllowlist: ['api.github.com'],
  internalDomains: ['*.svc.cluster.local', 'corp.example'],
  productionDatabases: ['prod'],
  protectedBranches: ['main'],
};
const SENTENCES = [
  'Thanks for the update on the quarterly figures, the team will review them on Thursday.',
  'Please find attached the revised invoice for order 4471; payment is due within thirty days.',
  'Le rapport est prêt, nous pouvons en discuter demain matin si cela vous convient.',
  'The deployment finished without errors and the dashboards show normal latency again.',
  '会议改到下午三点，请提前准备好材料。',
];

/** Prose of about `kib` KiB built from ordinary sentences. */
function prose(kib: number): string {
  let s = '';
  for (let i = 0; s.length < kib * 1024; i++) s += `${SENTENCES[i % SENTENCES.length]} `;
  return s.slice(0, kib * 1024);
}

/**
 * Process CPU time per call, the median of 15 batches: CPU time, not wall time, because this host runs many
 * jobs on two cores and wall time there measures the scheduler.
 */
function time(fn: () => void, iterations: number): number {
  for (let i = 0; i < Math.min(50, iterations); i++) fn();
  const batch = Math.max(1, Math.floor(iterations / 15));
  const samples: number[] = [];
  for (let r = 0; r < 15; r++) {
    const start = process.cpuUsage();
    for (let i = 0; i < batch; i++) fn();
    const used = process.cpuUsage(start);
    samples.push((used.user + used.system) / batch);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

const rows: string[] = ['| text | median | per KiB |', '|---|---:|---:|'];
let worst = 0;
for (const kib of [1, 2, 16, 64]) {
  const text = prose(kib);
  const us = time(
    () => injectionProbability(text, { rank: 0, direct: false }),
    QUICK ? (kib > 8 ? 60 : 600) : 3000,
  );
  worst = Math.max(worst, us / kib);
  rows.push(`| ${kib} KiB prose | ${us.toFixed(1)} µs | ${(us / kib).toFixed(1)} µs |`);
}
process.stdout.write(`learned prompt-injection model, Node ${process.version}\n${rows.join('\n')}\n`);

const call = lineToAction(
  { tool: 'email.send', arguments: { to: 'ops@corp.example', subject: 'status', body: prose(2) } },
  1,
  CONFIG,
);
const iterations = QUICK ? 300 : 3000;
const all = time(() => inspectAction(call.action, call.headers, CONFIG), iterations);
const withModel = time(
  () => inspectAction(call.action, call.headers, CONFIG, [promptInjectionInspector]),
  iterations,
);
const model = time(() => injectionProbability(prose(2), { rank: 0, direct: false }), iterations);
process.stdout.write(
  [
    '',
    '2 KiB e-mail call | median',
    '|---|---:|',
    `| all inspectors (model included) | ${all.toFixed(1)} µs |`,
    `| prompt-injection with the model | ${withModel.toFixed(1)} µs |`,
    `| the model alone on the body | ${model.toFixed(1)} µs |`,
    `| prompt-injection rules alone (difference) | ${Math.max(0, withModel - model).toFixed(1)} µs |`,
    '',
    `target: model under 20 µs per KiB: ${worst < 20 ? 'met' : 'NOT met'} (worst ${worst.toFixed(1)} µs per KiB)`,
    '',
  ].join('\n'),
);
