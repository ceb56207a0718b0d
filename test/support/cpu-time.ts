/**
 * CPU time of a synchronous call, for tests that bound an algorithm's cost or its growth. Wall time on a
 * loaded 2-core host is stretched by whatever else runs (seen at load 8: 4x input took 8.6x the wall time
 * where its CPU time, measured apart at the same load, grew 3.3x), and that stretch is the host's, not a growth rate. `process.cpuUsage` counts
 * this process only, and vitest's `forks` pool gives each test file its own process. The bounds each test
 * states are unchanged; only the clock is the one that measures the code. Not for inputs large enough that V8
 * collects on its helper threads: process CPU counts those too (test/inspect/inspector.case.ts keeps wall time).
 */

/** Milliseconds of CPU (user and system) this process spent running `call`. */
export function cpuMsOf(call: () => unknown): number {
  const before = process.cpuUsage();
  call();
  const spent = process.cpuUsage(before);
  return (spent.user + spent.system) / 1000;
}

/** The least CPU time of `runs` runs of `call`: its own cost, without a collection that fell in one run. */
export function fastestCpuMs(runs: number, call: () => unknown): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) best = Math.min(best, cpuMsOf(call));
  return best;
}
