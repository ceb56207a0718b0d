/**
 * `node --import tsx bench/stall.bench.ts [--quick] [--app src|dist] [--seconds N] [--rate N]` (issue 15 F7):
 * can one caller's costly bodies stall everyone else? writ's check role in its own process; two clients send
 * worst-case bodies back to back while an open-loop generator sends normal calls at a fixed rate and
 * measures each from the moment it was due. Target: normal calls' p99 under 50 ms, none failed. As in
 * bench/run.ts the latency target is reported (met / MISSED), not asserted; the exit code is non-zero when a
 * normal call was not allowed or the harness failed. Figures and their reading: docs/performance-budget.md.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { connectCheckClient, structField, type CheckClient } from '../src/cli/check-client.js';
import { scenarioCheckRequest } from '../src/cli/scenario.js';
import { installExitCleanup, killAllChildren, spawnTracked } from './lib/children.js';
import { percentile } from './lib/stats.js';
import { NORMAL, WORST } from './lib/worst-case-bodies.js';
import { startWritServer } from './lib/writ-server-process.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    app: { type: 'string', default: 'src' },
    seconds: { type: 'string' },
    rate: { type: 'string', default: '100' },
    // Internal: run as the worst-case client process against this address.
    hammer: { type: 'string' },
  },
  strict: true,
});
const quick = flags.quick === true;
const seconds = Number(flags.seconds ?? (quick ? 4 : 20));
const rate = Number(flags.rate);
const P99_TARGET_MS = 50;
installExitCleanup(killAllChildren);

function ms(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

async function main(): Promise<number> {
  const server = await startWritServer(flags.app ?? 'src');
  const address = `127.0.0.1:${server.port}`;
  const normalClient = connectCheckClient(address);
  const normalReq = scenarioCheckRequest(NORMAL);
  try {
    // Warm up, and measure each worst case alone: the cost one request puts on the event loop.
    for (let i = 0; i < 50; i++) await normalClient.check(normalReq);
    const alone: Record<string, { ms: number; decision: string }> = {};
    for (const [name, make] of Object.entries(WORST)) {
      const req = scenarioCheckRequest(make());
      const times: number[] = [];
      let decision = '';
      for (let i = 0; i < 3; i++) {
        const t0 = process.hrtime.bigint();
        const res = await normalClient.check(req);
        times.push(ms(t0));
        decision = `${String(structField(res, 'writ_decision'))} ${String(structField(res, 'writ_code'))}`;
      }
      alone[name] = { ms: Math.min(...times), decision };
      process.stdout.write(
        `alone  ${name.padEnd(14)} ${alone[name].ms.toFixed(0).padStart(6)} ms  ${decision}\n`,
      );
    }

    // Open loop: call k is due at start + k/rate whatever happened to the calls before it.
    const openLoop = async (label: string) => {
      const total = Math.round(seconds * rate);
      const latencies = new Float64Array(total);
      let failed = 0;
      const start = process.hrtime.bigint();
      const calls: Promise<void>[] = [];
      for (let k = 0; k < total; k++) {
        const due = start + BigInt(Math.round((k * 1e9) / rate));
        const wait = Number(due - process.hrtime.bigint()) / 1e6;
        if (wait > 1) await new Promise((r) => setTimeout(r, wait));
        const settle = (allowed: boolean) => {
          latencies[k] = Number(process.hrtime.bigint() - due) / 1e6;
          if (!allowed) failed++;
        };
        calls.push(
          normalClient.check(normalReq).then(
            (res) => settle(structField(res, 'writ_decision') === 'ALLOW'),
            () => settle(false),
          ),
        );
      }
      await Promise.all(calls);
      const sorted = Float64Array.from(latencies).sort();
      const p = (q: number) => percentile(sorted, q).toFixed(1);
      const over500 = sorted.filter((v) => v > 500).length;
      process.stdout.write(
        `${label}: ${total} calls at ${rate}/s, ${failed} not allowed, p50 ${p(0.5)} ms, p90 ${p(0.9)} ms, ` +
          `p99 ${p(0.99)} ms, max ${p(1)} ms, ${((over500 / total) * 100).toFixed(1)}% over Envoy's 0.5 s\n`,
      );
      return { failed, p99: percentile(sorted, 0.99) };
    };

    // The floor: normal calls alone, on the same (shared) machine.
    process.stdout.write('\n');
    await openLoop('normal calls alone');

    // Two clients in their own process (so building 1 MiB requests does not delay the measuring loop), each
    // on its own connection, send worst cases back to back until told to stop.
    const hammers = spawnTracked(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(import.meta.url), '--hammer', address],
      {
        cwd: ROOT,
        stdio: ['pipe', 'pipe', 'inherit'],
      },
    );
    await new Promise<void>((resolve) => hammers.stdout!.once('data', () => resolve()));
    const { failed, p99 } = await openLoop('beside two worst-case clients');
    hammers.stdin!.end('stop\n');
    const worstDone = await new Promise<number>((resolve) =>
      hammers.stdout!.on('data', (d: Buffer) => {
        const m = /done (\d+)/.exec(d.toString());
        if (m !== null) resolve(Number(m[1]));
      }),
    );
    process.stdout.write(
      `  (${worstDone} worst-case bodies decided meanwhile) target p99 < ${P99_TARGET_MS} ms: ${p99 < P99_TARGET_MS ? 'met' : 'MISSED'}\n`,
    );
    return failed === 0 ? 0 : 1;
  } finally {
    normalClient.close();
    await server.stop(10_000);
  }
}

/** The worst-case client process: two connections sending every worst case back to back until stdin says stop. */
async function hammer(address: string): Promise<number> {
  const reqs = Object.values(WORST).map((make) => scenarioCheckRequest(make()));
  const clients = [connectCheckClient(address), connectCheckClient(address)];
  let stop = false;
  let done = 0;
  process.stdin.once('data', () => {
    stop = true;
  });
  const loop = async (client: CheckClient, offset: number) => {
    for (let i = offset; !stop; i++) {
      await client.check(reqs[i % reqs.length]!);
      done++;
    }
  };
  const running = clients.map((c, i) => loop(c, i));
  process.stdout.write('started\n');
  await Promise.all(running);
  for (const c of clients) c.close();
  process.stdout.write(`done ${done}\n`);
  return 0;
}

process.exitCode = flags.hammer === undefined ? await main() : await hammer(flags.hammer);
