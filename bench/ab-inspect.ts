/**
 * `node --import tsx bench/ab-inspect.ts --a DIR [--b DIR] [--rounds 8]`: every inspector (`inspectAction`) on
 * the 2 KiB e-mail call of `bench/inspect.bench.ts` and on the hot loop's `query_db` call with its typical mesh
 * headers, for two copies of the source tree in one process (A: `DIR/src`; B: this tree's `src` unless `--b`
 * is given), alternating A and B for several rounds. Prints per-round CPU µs per call and the median B/A.
 */
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type * as RegistryModule from '../src/pipeline/inspect/registry.js';
import type * as TemplateModule from '../src/cli/action-template.js';
import type * as ModelModule from '../src/pipeline/inspect/lib/injection-model.js';
import type { InspectorConfig } from '../src/pipeline/inspect/inspector.js';
import type { JsonValue } from '../src/pipeline/model/json.js';
import { TYPICAL_HEADERS } from './lib/typical-headers.js';
import { twoKiBArguments } from './lib/two-kib-call.js';

const { values } = parseArgs({
  options: {
    a: { type: 'string' },
    b: { type: 'string', default: resolve(import.meta.dirname, '..') },
    rounds: { type: 'string', default: '8' },
  },
});
if (values.a === undefined) throw new Error('--a DIR (a copy of the tree to compare against) is required');
const rounds = Number(values.rounds);
const CONFIG: InspectorConfig = {
  egressAllowlist: ['api.github.com'],
  internalDomains: ['*.svc.cluster.local', 'corp.example'],
  productionDatabases: ['prod'],
  protectedBranches: ['main'],
};
const EMAIL: JsonValue = twoKiBArguments();
const HEADERS = {
  ':authority': 'mcp.tools.svc.cluster.local',
  ':method': 'POST',
  ':path': '/mcp',
  'content-type': 'application/json',
  'x-request-id': '7c1e9d52-3f4a-4b8e-9c2d-1a5b6e7f8091',
  ...TYPICAL_HEADERS,
};

const SENTENCES = [
  'Thanks for the update on the quarterly figures, the team will review them on Thursday.',
  'Please find attached the revised invoice for order 4471; payment is due within thirty days.',
  'Le rapport est prêt, nous pouvons en discuter demain matin si cela vous convient.',
  '会议改到下午三点，请提前准备好材料。',
];
function prose(kib: number): string {
  let s = '';
  for (let i = 0; s.length < kib * 1024; i++) s += `${SENTENCES[i % SENTENCES.length]} `;
  return s.slice(0, kib * 1024);
}
const PROSE_2K = prose(2);
const PROSE_16K = prose(16);
const NO_RULE = { rank: 0, direct: false };

type Case = { name: string; run: () => void };

async function cases(root: string): Promise<Case[]> {
  const load = async <T>(rel: string) => (await import(pathToFileURL(join(root, 'src', rel)).href)) as T;
  const reg = await load<typeof RegistryModule>('pipeline/inspect/registry.ts');
  const tpl = await load<typeof TemplateModule>('cli/action-template.ts');
  const model = await load<typeof ModelModule>('pipeline/inspect/lib/injection-model.ts');
  const email = tpl.actionFrom({
    subject: { spiffeId: 'spiffe://cluster.local/ns/agents/sa/bot', serviceAccount: 'bot', agent: 'bot' },
    action: { tool: 'email.send', operation: 'send', arguments: EMAIL },
    resource: { recipients: ['ops@corp.example'] },
    context: { requestId: 'bench', timeMs: 0, origin: 'agent', bodySize: 2048 },
  });
  const query = tpl.actionFrom({
    action: {
      tool: 'query_db',
      operation: 'read',
      arguments: { database: 'analytics-replica', query: 'SELECT id, status FROM orders WHERE id = 42' },
    },
    resource: { database: 'analytics-replica', table: 'orders' },
    context: { requestId: 'bench', timeMs: 0, origin: null, bodySize: 174 },
  });
  // As a pipeline inspects: through one registry where the tree has one (its vocabulary built once), else
  // through the tree's inspectAction (trees from before the registry instance).
  const registry = 'InspectorRegistry' in reg ? new reg.InspectorRegistry() : null;
  const inspect: typeof reg.inspectAction =
    registry === null ? reg.inspectAction : (a, h, c) => registry.inspect(a, h, c);
  return [
    { name: '2 KiB e-mail', run: () => inspect(email, {}, CONFIG) },
    { name: 'query_db + typical headers', run: () => inspect(query, HEADERS, CONFIG) },
    { name: 'learned model, 2 KiB prose', run: () => model.injectionProbability(PROSE_2K, NO_RULE) },
    { name: 'learned model, 16 KiB prose', run: () => model.injectionProbability(PROSE_16K, NO_RULE) },
  ];
}

function time(fn: () => void, n: number): number {
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) fn();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / n;
}
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;

const A = await cases(resolve(values.a));
const B = await cases(resolve(values.b));
for (let c = 0; c < A.length; c++) {
  for (const s of [A[c]!, B[c]!]) for (let i = 0; i < 500; i++) s.run();
  const ra: number[] = [];
  const rb: number[] = [];
  const ratio: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const [first, second] = r % 2 === 0 ? [A[c]!, B[c]!] : [B[c]!, A[c]!];
    const k = A[c]!.name.includes('16 KiB') ? 200 : 1000;
    const t1 = time(first.run, k);
    const t2 = time(second.run, k);
    const [a, b] = r % 2 === 0 ? [t1, t2] : [t2, t1];
    ra.push(a);
    rb.push(b);
    ratio.push(b / a);
  }
  process.stdout.write(
    `${A[c]!.name}: A ${median(ra).toFixed(1)} µs, B ${median(rb).toFixed(1)} µs, B/A median ${median(ratio).toFixed(3)} ` +
      `(rounds: ${ratio.map((x) => x.toFixed(2)).join(' ')})\n`,
  );
}
