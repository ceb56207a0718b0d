/**
 * `node --import tsx bench/hot-loop.ts [--n 20000] [--batch 1] [--app dist|src]`: allowed check decisions
 * in a loop, in process, without gRPC: decode a CheckRequest, map it, run the pipeline, map the verdict
 * back. `--batch N` starts N decisions in the same turn before awaiting them, as a busy server does.
 * Prints CPU µs per decision, heap allocated per decision and GC counts. Run with `--cpu-prof` to see
 * where the time goes without HTTP/2 in the picture. `--headers typical` sends the headers a real agent
 * call carries through the mesh (about 20: user agent, accept, an upstream credential, trace context,
 * Envoy's own), since every request header is inspected and bound.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
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
    n: { type: 'string', default: '20000' },
    batch: { type: 'string', default: '1' },
    app: { type: 'string', default: 'dist' },
    headers: { type: 'string', default: 'minimal' },
  },
});
const batch = Math.max(1, Number(values.batch));
const n = Math.ceil(Number(values.n) / batch) * batch;
const base = values.app === 'src' ? '../src' : '../dist';
const app = (await import(`${base}/app.js`)) as typeof AppModule;
const cfg = (await import(`${base}/config.js`)) as typeof ConfigModule;
const mapReq = (await import(`${base}/extauthz/map-request.js`)) as typeof MapRequestModule;
const mapRes = (await import(`${base}/extauthz/map-response.js`)) as typeof MapResponseModule;

const home = mkdtempSync(join(tmpdir(), 'writ-hot-'));
const writ = await app.startWrit({
  config: cfg.resolveConfig({ home, 'admin-port': '0', 'log-level': 'silent' }, {}),
  logger: pino({ level: 'silent' }),
  listeners: [{ role: 'check', host: '127.0.0.1', port: 0 }],
  admin: false,
});
const method = authorizationService().Check;
if (method === undefined) throw new Error('no Check method');
const call: ScenarioRequest = {
  mcp: {
    tool: 'query_db',
    arguments: { database: 'analytics-replica', query: 'SELECT id, status FROM orders WHERE id = 42' },
  },
};
// Envoy's content-length is the body's own (writ refuses any other: ERR_CONTENT_LENGTH_MISMATCH).
const headers = { ...TYPICAL_HEADERS, 'content-length': String(scenarioBody(call).length) };
const wire = method.requestSerialize(
  scenarioCheckRequest({ ...call, ...(values.headers === 'typical' ? { headers } : {}) }),
);

let ids = 0;
async function once(): Promise<string> {
  const req = method!.requestDeserialize(wire) as Parameters<typeof mapReq.mapCheckRequest>[0];
  const mapped = mapReq.mapCheckRequest(req, 'check', Date.now(), () => `hot-${ids++}`);
  if (!mapped.ok) throw new Error(mapped.message);
  const verdict = await writ.pipeline.run(mapped.raw);
  method!.responseSerialize(mapRes.mapVerdict(verdict));
  return verdict.decision;
}

for (let i = 0; i < 2000; i++) if ((await once()) !== 'ALLOW') throw new Error('not allowed');
let minor = 0;
let major = 0;
const obs = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind;
    if (kind === 1) minor++;
    else major++;
  }
});
obs.observe({ entryTypes: ['gc'] });
const cpu0 = process.cpuUsage();
const t0 = process.hrtime.bigint();
for (let i = 0; i < n; i += batch) {
  if (batch === 1) await once();
  else await Promise.all(Array.from({ length: batch }, once));
}
const cpu = process.cpuUsage(cpu0);
const wall = Number(process.hrtime.bigint() - t0) / 1e3;
await new Promise((r) => setTimeout(r, 50));
obs.disconnect();
process.stdout.write(
  `${n} allowed decisions in process (no gRPC, ${batch} per turn, ${values.headers} headers): CPU ${((cpu.user + cpu.system) / n).toFixed(1)} µs/call ` +
    `(user ${(cpu.user / n).toFixed(1)}, sys ${(cpu.system / n).toFixed(1)}), wall ${(wall / n).toFixed(1)} µs/call, ` +
    `GC minor ${((minor * 10000) / n).toFixed(1)} / major ${((major * 10000) / n).toFixed(1)} per 10k\n`,
);
await writ.close();
rmSync(home, { recursive: true, force: true });
