/**
 * Hot reload of the policy folder: watches it and its parent (a Kubernetes ConfigMap volume swaps a
 * `..data` symlink, and a mounted folder may itself be replaced), reloads after a quiet period, and
 * swaps the live set atomically. A set that fails to load never replaces the last good one.
 */
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { loadPolicyFolder } from './pipeline/policy/load.js';
import type { PolicySet } from './pipeline/policy/types.js';

/** How the watcher loads and reports. */
export interface PolicyWatcherOptions {
  /** The set already loaded at start (an invalid policy must stop startup before watching begins). */
  readonly initial: PolicySet;
  /** Called after a new, valid set (with a different version) went live. */
  readonly onReload?: (next: PolicySet, previous: PolicySet) => void;
  /** Called when a changed folder failed to load; the last good set stays live. */
  readonly onError?: (err: unknown) => void;
  readonly knownInspectors?: ReadonlySet<string>;
  /** Quiet period after the last change before reloading; editors and kubelet write in several steps. */
  readonly debounceMs?: number;
  /** Also re-check on this interval (0: off), for filesystems where inotify misses changes. */
  readonly pollMs?: number;
}

/** A running watcher: the live set, a manual reload, and close. */
export interface PolicyWatcher {
  /** The live set; read it per decision (it is what `PipelineDeps.policy` should return). */
  current(): PolicySet;
  /** Reloads now; true when a new set went live. */
  reload(): boolean;
  close(): void;
}

/** Watches a policy folder and keeps the last good policy set live. */
export function watchPolicyFolder(dir: string, options: PolicyWatcherOptions): PolicyWatcher {
  const folder = resolve(dir);
  const name = basename(folder);
  let live = options.initial;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const watchers: FSWatcher[] = [];

  const reload = (): boolean => {
    if (closed) return false;
    let next: PolicySet;
    try {
      next = loadPolicyFolder(
        folder,
        options.knownInspectors === undefined ? {} : { knownInspectors: options.knownInspectors },
      );
    } catch (err) {
      options.onError?.(err);
      return false;
    }
    if (next.version === live.version) return false;
    const previous = live;
    // INVARIANT: one assignment; a decision reads either the old set or the new one, never a mix.
    live = next;
    options.onReload?.(next, previous);
    return true;
  };

  const schedule = () => {
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      reload();
      // The folder may have been replaced by a new inode (a symlinked mount retargeted): watch the new one.
      armFolder();
    }, options.debounceMs ?? 200);
  };

  const tryWatch = (
    path: string,
    listener: (event: string, file: string | null) => void,
  ): FSWatcher | null => {
    try {
      const w = watch(path, { persistent: false }, listener);
      w.on('error', () => schedule());
      return w;
    } catch {
      return null;
    }
  };

  let folderWatcher: FSWatcher | null = null;
  const armFolder = () => {
    if (closed) return;
    folderWatcher?.close();
    folderWatcher = tryWatch(folder, () => schedule());
  };
  armFolder();
  const parentWatcher = tryWatch(dirname(folder), (_event, file) => {
    if (file === null || file === name) schedule();
  });
  if (parentWatcher !== null) watchers.push(parentWatcher);
  const poll =
    options.pollMs !== undefined && options.pollMs > 0 ? setInterval(schedule, options.pollMs) : undefined;
  poll?.unref();

  return {
    current: () => live,
    reload,
    close() {
      closed = true;
      clearTimeout(timer);
      clearInterval(poll);
      folderWatcher?.close();
      for (const w of watchers) w.close();
    },
  };
}
