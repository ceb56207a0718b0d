/**
 * `node --min-semi-space-size=64 --max-semi-space-size=64 --import tsx bench/ab-hot-loop.ts --a DIR [--b DIR]
 * [--rounds 8] [--n 400] [--batch 1] [--headers typical|minimal]`: the hot loop of `bench/hot-loop.ts` for two copies of
 * the source tree in one process (A: `DIR/src`, e.g. a `git archive` of main with `node_modules` linked beside
 * it; B: this tree's `src` unless `--b` is given), alternating A and B for several rounds, with rounds of
 * Ed25519 `crypto.sign` between them. The host is shared, so absolute timings drift; what this prints is the
 * median over rounds of each side's CPU per decision, B/A, each side as a multiple of one signature, and the
 * bytes allocated per decision (young-generation growth in rounds without a scavenge; run with the fixed
 * 64 MiB semi-space above so that a round fits). `--batch N` starts N decisions in the same turn before awaiting
 * them, as a busy server sees them (`bench/hot-loop.ts --batch`).
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { scenarioBody, scenarioCheckRequest, type ScenarioRequest } from '../src/cli/scenario.js';
import { authorizationService } from '../src/extauthz/envoy-protos.js';
import type * as AppModule from '../src/app.js';
import type * as ConfigModule from '../src/config.js';
import type * as MapRequestModule from '../src/extauthz/map-request.js';
import type * as MapResponseModule from '../src/extauthz/map-response.js';
import { TYPICAL_HEADERS } from './lib/typical-headers.js';

const { values } = parseArgs({
  options: {
    a: { type: 'string' },
    b: { type: 'string', default: resolve(import.meta.dirname, '..') },
    rounds: { type: 'string', default: '8' },
    n: { type: 'string', default: '400' },
    batch: { type: 'string', default: '1' },
    headers: { type: 'string', default: 'typical' },
  },
});
if (values.a === undefined) throw new Error('--a DIR (a copy of the tree to compare against) is required');
const rounds = Number(values.rounds);
const batch = Math.max(1, Number(values.batch));
const n = Math.ceil(Number(values.n) / batch) * batch;

const call: ScenarioRequest = {
  mcp: {
    tool: 'query_db',
    arguments: { database: 'analytics-replica', query: 'SELECT id, status FROM orders WHERE id = 42' },
  },
};
const headers = { ...TYPICAL_HEADERS, 'content-length': String(scenarioBody(call).length) };
const method = authorizationService().Check;
if (method === undefined) throw new Error('no Check method');
const wire = method.requestSerialize(
  scenarioCheckRequest({ ...call, ...(values.headers === 'typical' ? { headers } : {}) }),
);

interface Side {
  readonly name: string;
  readonly once: () => Promise<void>;
  readonly close: () => Promise<void>;
}

async function side(name: string, root: string): Promise<Side> {
  const load = async <T>(rel: string) => (await import(pathToFileURL(join(root, 'src', rel)).href)) as T;
  const app = await load<typeof AppModule>('app.ts');
  const cfg = await load<typeof ConfigModule>('config.ts');
  const mapReq = await load<typeof MapRequestModule>('extauthz/map-request.ts');
  const mapRes = await load<typeof MapResponseModule>('extauthz/map-response.ts');
  const home = mkdtempSync(join(tmpdir(), `writ-ab-${name}-`));
  const writ = await app.startWrit({
    // A long deadline: on a host this busy a decision can wait past 250 ms for the CPU, and a timeout is a deny.
    config: cfg.resolveConfig({ home, 'admin-port': '0', 'log-level': 'silent', 'deadline-ms': '60000' }, {}),
    logger: pino({ level: 'silent' }),
    listeners: [{ role: 'check', host: '127.0.0.1', port: 0 }],
    admin: false,
  });
  let ids = 0;
  const once = async () => {
    const req = method!.requestDeserialize(wire) as Parameters<typeof mapReq.mapCheckRequest>[0];
    const mapped = mapReq.mapCheckRequest(req, 'check', Date.now(), () => `ab-${ids++}`);
    if (!mapped.ok) throw new Error(mapped.message);
    const verdict = await writ.pipeline.run(mapped.raw);
    method!.responseSerialize(mapRes.mapVerdict(verdict));
    if (verdict.decision !== 'ALLOW')
      throw new Error(`${name}: not allowed: ${verdict.decision} ${JSON.stringify(verdict).slice(0, 600)}`);
  };
  for (let i = 0; i < 2000; i++) await once();
  return {
    name,
    once,
    close: async () => {
      await writ.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

let scavenges = 0;
const obs = new PerformanceObserver((list) => {
  scavenges += list.getEntries().length;
});
obs.observe({ entryTypes: ['gc'] });
const settle = () => new Promise((r) => setTimeout(r, 20));
/**
 * The main thread's own CPU where Node has it (`process.threadCpuUsage`, Node 23.9+): GC helper threads and
 * the inspection worker, and other load on the host, then count less. The process's CPU otherwise.
 */
const threadCpu = (process as { threadCpuUsage?: (prev?: NodeJS.CpuUsage) => NodeJS.CpuUsage })
  .threadCpuUsage;
const cpuUsage = (prev?: NodeJS.CpuUsage): NodeJS.CpuUsage =>
  threadCpu === undefined ? process.cpuUsage(prev) : threadCpu.call(process, prev);

/** CPU µs per decision and bytes allocated per decision (NaN when a collection ran during the round). */
async function round(s: Side): Promise<{ us: number; bytes: number }> {
  await settle();
  const gc0 = scavenges;
  const heap0 = getHeapStatistics().used_heap_size;
  const cpu0 = cpuUsage();
  for (let i = 0; i < n; i += batch) {
    if (batch === 1) await s.once();
    else await Promise.all(Array.from({ length: batch }, s.once));
  }
  const cpu = cpuUsage(cpu0);
  const heap1 = getHeapStatistics().used_heap_size;
  await settle();
  return { us: (cpu.user + cpu.system) / n, bytes: scavenges === gc0 ? (heap1 - heap0) / n : NaN };
}

const { privateKey } = generateKeyPairSync('ed25519');
const claims = Buffer.from(JSON.stringify({ iss: 'writ', sub: 'x'.repeat(40), act: 'y'.repeat(64), n: 1 }));
function signRound(): number {
  const k = 2000;
  const cpu0 = cpuUsage();
  for (let i = 0; i < k; i++) sign(null, claims, privateKey);
  const cpu = cpuUsage(cpu0);
  return (cpu.user + cpu.system) / k;
}

const median = (xs: number[]) => {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((x, y) => x - y);
  return s.length === 0 ? NaN : s[Math.floor(s.length / 2)]!;
};

const A = await side('A', resolve(values.a));
const B = await side('B', resolve(values.b));
const res = { A: [] as number[], B: [] as number[], Abytes: [] as number[], Bbytes: [] as number[] };
const signs: number[] = [];
const ratios: number[] = [];
for (let r = 0; r < rounds; r++) {
  signs.push(signRound());
  const order = r % 2 === 0 ? [A, B] : [B, A];
  const got: Record<string, number> = {};
  for (const s of order) {
    const { us, bytes } = await round(s);
    got[s.name] = us;
    res[s.name as 'A' | 'B'].push(us);
    res[`${s.name as 'A' | 'B'}bytes`].push(bytes);
  }
  ratios.push(got.B! / got.A!);
  process.stdout.write(
    `round ${r + 1}: A ${got.A!.toFixed(1)} µs, B ${got.B!.toFixed(1)} µs, B/A ${(got.B! / got.A!).toFixed(3)}, sign ${signs.at(-1)!.toFixed(1)} µs\n`,
  );
}
obs.disconnect();
const sig = median(signs);
process.stdout.write(
  `median over ${rounds} rounds of ${n} decisions (${batch} per turn, ${values.headers} headers, ${threadCpu === undefined ? 'process' : 'main-thread'} CPU): A ${median(res.A).toFixed(1)} µs ` +
    `(${(median(res.A) / sig).toFixed(2)}x sign), B ${median(res.B).toFixed(1)} µs (${(median(res.B) / sig).toFixed(2)}x sign), ` +
    `B/A median of per-round ratios ${median(ratios).toFixed(3)}, sign ${sig.toFixed(1)} µs; allocated per decision A ` +
    `${(median(res.Abytes) / 1024).toFixed(1)} KB, B ${(median(res.Bbytes) / 1024).toFixed(1)} KB\n`,
);
await A.close();
await B.close();
