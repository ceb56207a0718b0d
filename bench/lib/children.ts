/**
 * Every process the bench spawns is registered here and killed when the bench exits, errs or is
 * interrupted, so no server or load generator outlives a run.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

const live = new Set<ChildProcess>();

/** Spawns a child (never through a shell) and tracks it until it exits. */
export function spawnTracked(command: string, args: readonly string[], options: SpawnOptions): ChildProcess {
  const child = spawn(command, args, options);
  live.add(child);
  child.once('exit', () => live.delete(child));
  child.once('error', () => live.delete(child));
  return child;
}

/** Sends SIGKILL to every child still running: the last resort on exit or error. */
export function killAllChildren(): void {
  for (const child of live) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  live.clear();
}

/** Waits for a child to exit, killing it with SIGKILL once `timeoutMs` has passed. */
export function waitForExit(child: ChildProcess, timeoutMs: number): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

let installed = false;

/** Kills the children when the bench process ends, however it ends. */
export function installExitCleanup(onExit: () => void): void {
  if (installed) return;
  installed = true;
  process.on('exit', () => {
    killAllChildren();
    onExit();
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      killAllChildren();
      onExit();
      process.exit(130);
    });
  }
}
