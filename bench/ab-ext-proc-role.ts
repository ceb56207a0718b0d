/**
 * `node --max-semi-space-size=64 --import tsx bench/ab-ext-proc-role.ts --a DIR [--b DIR] [--rounds 8] [--n 100]
 * [--shape "JSON 16 KiB"]`: the response role (src/pipeline/roles/response.ts, the default policies, an audit
 * chain that keeps nothing) fed the ext_proc bench's exchanges (bench/lib/ext-proc-exchanges.ts) message by
 * message as the transport feeds it, without gRPC, for two copies of the source tree in one process (A:
 * `DIR/src`, e.g. a `git archive` of main with `node_modules` linked beside it; B: this tree's `src` unless
 * `--b` is given), alternating A and B each round. Prints each side's CPU per exchange and the median over
 * rounds of the per-round B/A ratios: the in-process half of what the ext_proc bench measures over gRPC.
 */
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type * as PolicyFilesModule from '../src/policy-files.js';
import type * as ResponseModule from '../src/pipeline/roles/response.js';
import { resultShapes } from './lib/ext-proc-exchanges.js';
import type { ExchangeShape } from './lib/ext-proc-load.js';

const { values } = parseArgs({
  options: {
    a: { type: 'string' },
    b: { type: 'string', default: resolve(import.meta.dirname, '..') },
    rounds: { type: 'string', default: '8' },
    n: { type: 'string', default: '100' },
    shape: { type: 'string', default: 'JSON 16 KiB' },
  },
});
if (values.a === undefined) throw new Error('--a DIR (a copy of the tree to compare against) is required');
const rounds = Number(values.rounds);
const n = Number(values.n);
const shape = resultShapes().find((s) => s.name === values.shape);
if (shape === undefined)
  throw new Error(
    `--shape must be one of: ${resultShapes()
      .map((s) => `"${s.name}"`)
      .join(', ')}`,
  );

interface Side {
  readonly name: 'A' | 'B';
  readonly once: (x: ExchangeShape) => Promise<void>;
}

const headerMap = (h: Readonly<Record<string, string>>) => new Map(Object.entries(h));

async function side(name: 'A' | 'B', root: string): Promise<Side> {
  const load = async <T>(rel: string) => (await import(pathToFileURL(join(root, 'src', rel)).href)) as T;
  const { createResponseRole } = await load<typeof ResponseModule>('pipeline/roles/response.ts');
  const { loadPolicyFolder } = await load<typeof PolicyFilesModule>('policy-files.ts');
  const set = loadPolicyFolder(join(root, 'policies'));
  let seq = 0;
  const role = createResponseRole({
    keys: { get: () => undefined },
    now: () => Date.now(),
    clockSkewSeconds: 0,
    log: { info: () => undefined, warn: () => undefined, error: () => undefined },
    policy: () => set,
    audit: {
      append: () => ({ seq: ++seq, prev: '', hash: '' }),
      head: () => ({ seq, hash: '' }),
      flush: () => undefined,
      close: () => undefined,
    },
  });
  const once = async (x: ExchangeShape) => {
    const ex = role.newExchange();
    ex.onRequestHeaders(headerMap(x.requestHeaders));
    ex.onRequestBody(x.requestBody);
    ex.onResponseHeaders(headerMap(x.responseHeaders));
    const chunks = x.responseChunks;
    for (let i = 0; i < chunks.length; i++) {
      const step = await ex.onResponseBody(chunks[i]!, i === chunks.length - 1);
      if (step.kind !== 'continue') throw new Error(`${name}: a benign result was stopped (${step.code})`);
    }
  };
  // Every variant, several times: the JIT settles on both sides before the first measured round.
  for (let i = 0; i < 20 * shape!.variants.length; i++)
    await once(shape!.variants[i % shape!.variants.length]!);
  return { name, once };
}

async function round(s: Side): Promise<number> {
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < n; i++) await s.once(shape!.variants[i % shape!.variants.length]!);
  const cpu = process.cpuUsage(cpu0);
  return (cpu.user + cpu.system) / n;
}

const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;

const A = await side('A', resolve(values.a));
const B = await side('B', resolve(values.b));
const got = { A: [] as number[], B: [] as number[] };
const ratios: number[] = [];
for (let r = 0; r < rounds; r++) {
  const us: Partial<Record<'A' | 'B', number>> = {};
  for (const s of r % 2 === 0 ? [A, B] : [B, A]) got[s.name].push((us[s.name] = await round(s)));
  ratios.push(us.B! / us.A!);
  process.stdout.write(
    `round ${r + 1}: A ${us.A!.toFixed(0)} µs, B ${us.B!.toFixed(0)} µs, B/A ${(us.B! / us.A!).toFixed(3)}\n`,
  );
}
process.stdout.write(
  `${shape.name}, median over ${rounds} rounds of ${n} exchanges: A ${median(got.A).toFixed(0)} µs, ` +
    `B ${median(got.B).toFixed(0)} µs per exchange, B/A median of per-round ratios ${median(ratios).toFixed(3)} ` +
    `(rounds ${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)})\n`,
);
