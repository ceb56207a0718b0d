/**
 * One server under test, in its own process: started, asked for its port, measured from outside
 * (CPU time from /proc/<pid>/stat, which needs no cooperation) and, when it can, from inside (GC).
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { ServerStats } from './server-stats.js';
import { spawnTracked, waitForExit } from './children.js';

export interface ServerSpec {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  /** Whether the server answers SIGUSR2 with a stats line (bench/lib/server-stats.ts). */
  readonly answersStats: boolean;
  /** A known port, for servers that cannot announce theirs (then `waitForPort` is used). */
  readonly fixedPort?: number;
}

export interface ServerProcess {
  readonly name: string;
  readonly pid: number;
  readonly port: number;
  /** User plus system CPU time of the process so far, in microseconds. */
  cpuMicros(): number;
  /** The server's own counters, or undefined if it does not answer SIGUSR2. */
  stats(): Promise<ServerStats | undefined>;
  /** Sends a command line to the server's stdin and waits for its JSON answer carrying `key`. */
  command(line: string, key: string, timeoutMs: number): Promise<Record<string, unknown>>;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  stderr(): string;
}

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return ticksPerSecond;
}

/** utime + stime of a process from /proc/<pid>/stat, in microseconds (resolution 1/CLK_TCK s). */
export function procCpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) / clockTicks()) * 1e6;
}

/** Starts a server and waits (at most `startTimeoutMs`) for its `{"ready":true,"port":N}` line. */
export async function startServer(spec: ServerSpec, startTimeoutMs = 30_000): Promise<ServerProcess> {
  const child = spawnTracked(spec.command, spec.args, { cwd: spec.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    // Keep only the tail: a chatty server must not grow the bench's memory.
    stderr = (stderr + d).slice(-8192);
  });
  const statsWaiters: ((s: ServerStats) => void)[] = [];
  const replyWaiters: { key: string; resolve: (m: Record<string, unknown>) => void }[] = [];
  let onEarlyExit: ((code: number | null, signal: NodeJS.Signals | null) => void) | undefined;
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${spec.name} did not start within ${startTimeoutMs} ms\n${stderr}`)),
      startTimeoutMs,
    );
    onEarlyExit = (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${spec.name} exited (${code ?? signal}) before it was ready\n${stderr}`));
    };
    child.once('exit', onEarlyExit);
    if (spec.fixedPort !== undefined) {
      clearTimeout(timer);
      waitForPort(spec.fixedPort, startTimeoutMs).then(() => resolve(spec.fixedPort!), reject);
    }
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      let msg: { ready?: boolean; port?: number; stats?: ServerStats } & Record<string, unknown>;
      try {
        msg = JSON.parse(line) as typeof msg;
      } catch {
        return; // not ours: a server may print other lines
      }
      if (msg.ready === true && typeof msg.port === 'number') {
        clearTimeout(timer);
        resolve(msg.port);
      } else if (msg.stats !== undefined) {
        statsWaiters.shift()?.(msg.stats);
      } else {
        const i = replyWaiters.findIndex((w) => w.key in msg);
        if (i >= 0) replyWaiters.splice(i, 1)[0]?.resolve(msg);
      }
    });
  });
  if (onEarlyExit !== undefined) child.off('exit', onEarlyExit);
  return handle(spec, child, port, statsWaiters, replyWaiters, () => stderr);
}

function handle(
  spec: ServerSpec,
  child: ChildProcess,
  port: number,
  statsWaiters: ((s: ServerStats) => void)[],
  replyWaiters: { key: string; resolve: (m: Record<string, unknown>) => void }[],
  stderr: () => string,
): ServerProcess {
  const pid = child.pid!;
  return {
    name: spec.name,
    pid,
    port,
    cpuMicros: () => procCpuMicros(pid),
    stats() {
      if (!spec.answersStats) return Promise.resolve(undefined);
      return new Promise((resolve) => {
        const timer = setTimeout(() => resolve(undefined), 2000);
        statsWaiters.push((s) => {
          clearTimeout(timer);
          resolve(s);
        });
        child.kill('SIGUSR2');
      });
    },
    command(line, key, timeoutMs) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${spec.name} did not answer "${line}"`)), timeoutMs);
        replyWaiters.push({
          key,
          resolve: (m) => {
            clearTimeout(timer);
            resolve(m);
          },
        });
        child.stdin?.write(`${line}\n`);
      });
    },
    async stop(graceMs = 5000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await waitForExit(child, graceMs);
    },
    stderr,
  };
}

/** Polls a TCP port on 127.0.0.1 until it accepts a connection (bounded by `timeoutMs`). */
async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const { connect } = await import('node:net');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`port ${port} did not open within ${timeoutMs} ms`);
}

/** A free TCP port on 127.0.0.1, for servers that cannot bind port 0 and report it. */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}
