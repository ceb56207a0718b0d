/**
 * Runs inside each bench server process: announces the bound port on stdout, answers SIGUSR2 with
 * its own CPU, memory and GC counters, and exits on SIGTERM. Shared so writ and the no-op report alike.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { PerformanceObserver, constants } from 'node:perf_hooks';
import { createInterface } from 'node:readline';

/** One SIGUSR2 answer, printed as a single JSON line `{"stats": ...}`. */
export interface ServerStats {
  readonly cpuUserUs: number;
  readonly cpuSystemUs: number;
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  readonly gcMinor: number;
  readonly gcMajor: number;
  readonly gcOther: number;
  /** Total time V8 reported in GC pauses, ms. */
  readonly gcPauseMs: number;
}

/** Where a server's code comes from: the compiled `dist/` (the default) or `src/` through tsx. */
export type AppSource = 'dist' | 'src';

/** Parses `--port N` and `--app dist|src` from a server's argv. */
export function serverArgs(argv: readonly string[]): {
  port: number;
  app: AppSource;
  home: string | undefined;
} {
  let port = 0;
  let app: AppSource = 'dist';
  let home: string | undefined;
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (value === undefined) throw new TypeError(`missing value for ${flag}`);
    if (flag === '--port') port = Number(value);
    else if (flag === '--app' && (value === 'dist' || value === 'src')) app = value;
    else if (flag === '--home') home = value;
    else throw new TypeError(`unknown argument ${flag} ${value}`);
  }
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new TypeError(`bad --port ${port}`);
  return { port, app, home };
}

/**
 * Installs the GC observer, the SIGUSR2 stats answer and the SIGTERM exit, then prints the port.
 * tsx turns on source maps for the whole process; they are turned off again here so that any
 * Error.stack built on the hot path costs what it costs under plain `node dist/...`.
 */
export function announce(port: number, close: () => Promise<void>): void {
  process.setSourceMapsEnabled(false);
  const gc = { minor: 0, major: 0, other: 0, pauseMs: 0 };
  // One callback per GC, not per call: cheap enough to leave on in both servers alike.
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = (e as { detail?: { kind?: number } }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MINOR) gc.minor++;
      else if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) gc.major++;
      else gc.other++;
      gc.pauseMs += e.duration;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  process.on('SIGUSR2', () => {
    const cpu = process.cpuUsage();
    const mem = process.memoryUsage();
    const stats: ServerStats = {
      cpuUserUs: cpu.user,
      cpuSystemUs: cpu.system,
      rssBytes: mem.rss,
      heapUsedBytes: mem.heapUsed,
      gcMinor: gc.minor,
      gcMajor: gc.major,
      gcOther: gc.other,
      gcPauseMs: gc.pauseMs,
    };
    process.stdout.write(`${JSON.stringify({ stats })}\n`);
  });
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    observer.disconnect();
    close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // The bench harness dies with its servers: a closed stdin means the parent is gone.
  process.stdin.on('end', stop);
  listenForProfileCommands();
  process.stdout.write(`${JSON.stringify({ ready: true, port, pid: process.pid })}\n`);
}

let session: Session | undefined;

/**
 * `profile-start` / `profile-stop <file>` on stdin: V8's CPU profiler (what `--cpu-prof` uses) over
 * exactly the measured window, so start-up, module loading and warm-up stay out of the profile.
 */
function listenForProfileCommands(): void {
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    const [command, file] = line.trim().split(' ');
    if (command === 'profile-start') {
      session ??= new Session();
      session.connect();
      session.post('Profiler.enable', () =>
        session?.post('Profiler.start', () =>
          process.stdout.write(`${JSON.stringify({ profiling: true })}\n`),
        ),
      );
    } else if (command === 'profile-stop' && file !== undefined) {
      session?.post('Profiler.stop', (err, result) => {
        if (err === null) writeFileSync(file, JSON.stringify(result.profile));
        session?.disconnect();
        process.stdout.write(`${JSON.stringify({ profiled: err === null ? file : null })}\n`);
      });
    }
  });
}
