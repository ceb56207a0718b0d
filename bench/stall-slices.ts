/**
 * `node --import tsx bench/stall-slices.ts [--rounds N] [--deadline-ms N]` (issue 15 F7): the longest slice of
 * main-thread CPU each worst-case body costs writ's check role. A normal call that arrives meanwhile waits for
 * that slice whatever else happens, so it is the floor under the stall bench's p99 (bench/stall.bench.ts),
 * and unlike that p99 it can be read on a busy host: it is CPU time of this thread, not wall time.
 *
 * writ runs in this process (startWrit, check role on loopback) and each body is sent over real gRPC; a 1 ms
 * timer reads `process.threadCpuUsage()` (Node 23.9+: the main thread alone, not the inspection thread) at
 * each tick, and the largest difference between two ticks during a decision is its longest slice. On an older
 * Node it falls back to `process.cpuUsage()` (the whole process, both threads) and says so. The deadline is
 * raised (default 10 s) so the whole decision runs rather than stopping at ERR_TIMEOUT.
 * Run it with Node 24: `npx -y -p node@24 -- node --import tsx bench/stall-slices.ts`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { startWrit } from '../src/app.js';
import { connectCheckClient, structField } from '../src/cli/check-client.js';
import { scenarioCheckRequest } from '../src/cli/scenario.js';
import { resolveConfig } from '../src/config.js';
import { NORMAL, WORST } from './lib/worst-case-bodies.js';

const { values: flags } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    'deadline-ms': { type: 'string', default: '10000' },
  },
  strict: true,
});
const rounds = Number(flags.rounds);

type CpuReader = () => number;
const threadCpu = (process as { threadCpuUsage?: () => NodeJS.CpuUsage }).threadCpuUsage;
/** Microseconds of CPU so far: this thread's where Node can tell, else the process's. */
const cpuMicros: CpuReader =
  threadCpu === undefined
    ? () => {
        const u = process.cpuUsage();
        return u.user + u.system;
      }
    : () => {
        const u = threadCpu.call(process);
        return u.user + u.system;
      };

/** Runs `work` while a 1 ms timer records the CPU between its ticks; answers the largest gap (ms). */
async function longestSlice(work: () => Promise<unknown>): Promise<number> {
  let last = cpuMicros();
  let longest = 0;
  const timer = setInterval(() => {
    const now = cpuMicros();
    longest = Math.max(longest, now - last);
    last = now;
  }, 1);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  longest = Math.max(longest, cpuMicros() - last);
  return longest / 1000;
}

async function main(): Promise<void> {
  const home = mkdtempSync(join(tmpdir(), 'writ-slices-'));
  const config = resolveConfig({ home, 'deadline-ms': flags['deadline-ms'] }, {});
  const writ = await startWrit({
    config,
    logger: pino({ level: 'silent' }),
    listeners: [{ role: 'check', host: '127.0.0.1', port: 0 }],
    admin: false,
  });
  const client = connectCheckClient(`127.0.0.1:${writ.ports.check}`);
  try {
    process.stdout.write(
      `${process.version}, CPU of ${threadCpu === undefined ? 'the whole process (both threads: overstates the main thread)' : 'the main thread only'}; ${rounds} rounds, longest slice per decision in CPU ms (min / median / max)\n`,
    );
    const normal = scenarioCheckRequest(NORMAL);
    for (let i = 0; i < 50; i++) await client.check(normal);
    const cases = { normal: () => NORMAL, ...WORST };
    for (const [name, make] of Object.entries(cases)) {
      const req = scenarioCheckRequest(make());
      const slices: number[] = [];
      let decision = '';
      for (let r = 0; r < rounds; r++) {
        slices.push(
          await longestSlice(async () => {
            const res = await client.check(req);
            decision = `${String(structField(res, 'writ_decision'))} ${String(structField(res, 'writ_code'))}`;
          }),
        );
      }
      slices.sort((a, b) => a - b);
      const median = slices[Math.floor(slices.length / 2)]!;
      process.stdout.write(
        `${name.padEnd(14)} ${slices[0]!.toFixed(1).padStart(7)} / ${median.toFixed(1).padStart(7)} / ${slices.at(-1)!.toFixed(1).padStart(7)}  ${decision}\n`,
      );
    }
  } finally {
    client.close();
    await writ.close();
    rmSync(home, { recursive: true, force: true });
  }
}

await main();
