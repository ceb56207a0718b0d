/**
 * Check-role latency with the Redis state backend versus the memory backend, at the same fixed rate.
 * Each backend runs `writ serve` in its own process; h2load sends a pre-framed CheckRequest open loop.
 * Two calls are measured: a plain allow (one store read: quarantine) and a rate-capped allow (the read
 * plus the INCR/PEXPIRE script).
 * Run: node --import tsx bench/redis.bench.ts [--rate 1000] [--seconds 10] [--redis redis://127.0.0.1:6379]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { scenarioCheckRequest, type ScenarioRequest } from '../src/cli/scenario.js';
import { authorizationService } from '../src/extauthz/envoy-protos.js';
import { installExitCleanup, killAllChildren } from './lib/children.js';
import { readLatencies, RPS_PER_CLIENT, runH2load } from './lib/h2load.js';
import { freePort, startServer } from './lib/server-process.js';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '10' },
    redis: { type: 'string', default: 'redis://127.0.0.1:6379' },
  },
});
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const ROOT = join(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'writ-redis-bench-'));
installExitCleanup(() => rmSync(work, { recursive: true, force: true }));

const POLICY = `apiVersion: writ.dev/v1
kind: PolicySet
rules:
  - id: analytics-read
    effect: allow
    when: { action.tool: query_db }
  - id: weather-capped
    effect: allow_with_obligations
    when: { action.tool: get_weather }
    obligations: { rate: { limit: 1000000000, window: 1h } }
`;
mkdirSync(join(work, 'policies'));
writeFileSync(join(work, 'policies', 'bench.yaml'), POLICY);

const CALLS: Record<string, ScenarioRequest> = {
  allow: { mcp: { tool: 'query_db', arguments: { database: 'analytics', query: 'SELECT 1' } } },
  'rate-capped': { mcp: { tool: 'get_weather', arguments: { city: 'Lyon' } } },
};

function bodyFile(name: string, r: ScenarioRequest): string {
  const method = authorizationService()['Check'];
  if (method === undefined) throw new Error('Authorization/Check not found');
  const message = method.requestSerialize(scenarioCheckRequest(r));
  const frame = Buffer.alloc(5 + message.length);
  frame.writeUInt32BE(message.length, 1);
  message.copy(frame, 5);
  const file = join(work, `${name}.bin`);
  writeFileSync(file, frame);
  return file;
}

interface Row {
  backend: string;
  call: string;
  sentPerSec: number;
  p50: number;
  p99: number;
  p999: number;
  failed: number;
}

async function measure(backend: 'memory' | 'redis'): Promise<Row[]> {
  const port = await freePort();
  const flags = [
    'src/cli/main.ts',
    'serve',
    '--home',
    join(work, backend),
    '--policy-dir',
    join(work, 'policies'),
    '--check-port',
    String(port),
    '--verify-port',
    String(await freePort()),
    '--admin-port',
    '0',
    '--extproc-port',
    '0',
    '--inbound-port',
    '0',
    '--log-level',
    'silent',
    ...(backend === 'redis'
      ? [
          '--redis-url',
          values.redis,
          '--redis-prefix',
          `{writ-bench-${process.pid}}:`,
          // The bench measures latency; a Redis without persistence is accepted explicitly.
          '--allow-volatile-state',
          'true',
        ]
      : []),
  ];
  const server = await startServer({
    name: `writ (${backend})`,
    command: process.execPath,
    args: ['--import', 'tsx', ...flags],
    cwd: ROOT,
    answersStats: false,
    fixedPort: port,
  });
  const rows: Row[] = [];
  try {
    const url = `http://127.0.0.1:${port}/envoy.service.auth.v3.Authorization/Check`;
    for (const [name, call] of Object.entries(CALLS)) {
      const body = bodyFile(name, call);
      // Warm up the JIT and the connections before the measured run.
      await runH2load({ url, bodyFile: body, clients: 2, streams: 8, durationS: 2, timeoutMs: 60_000 });
      const logFile = join(work, `${backend}-${name}.tsv`);
      const summary = await runH2load({
        url,
        bodyFile: body,
        clients: Math.max(1, rate / RPS_PER_CLIENT),
        streams: 64,
        requests: rate * seconds,
        rpsPerClient: Math.min(rate, RPS_PER_CLIENT),
        logFile,
        timeoutMs: (seconds + 60) * 1000,
      });
      const lat = readLatencies(logFile);
      rows.push({
        backend,
        call: name,
        sentPerSec: Math.round(lat.sentPerSec),
        p50: lat.p50 / 1000,
        p99: lat.p99 / 1000,
        p999: lat.p999 / 1000,
        failed: summary.failed + summary.errored + summary.timeout,
      });
    }
  } finally {
    await server.stop();
  }
  return rows;
}

try {
  const rows = [...(await measure('memory')), ...(await measure('redis'))];
  const ms = (n: number) => n.toFixed(2);
  process.stdout.write(
    `check role at ${rate} calls/s for ${seconds} s (h2load open loop), latency in ms\n\n`,
  );
  process.stdout.write(
    '| backend | call | sent/s | p50 | p99 | p99.9 | failed |\n| --- | --- | --- | --- | --- | --- | --- |\n',
  );
  for (const r of rows)
    process.stdout.write(
      `| ${r.backend} | ${r.call} | ${r.sentPerSec} | ${ms(r.p50)} | ${ms(r.p99)} | ${ms(r.p999)} | ${r.failed} |\n`,
    );
} finally {
  killAllChildren();
}
