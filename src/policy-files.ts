/**
 * The policy files: the one place that reads a policy folder and watches it for hot reload. A folder is
 * read as one snapshot (a Kubernetes ConfigMap volume through its `..data` symlink, so an atomic swap is
 * never read half old and half new), compiled by the core (`compilePolicySources`), and swapped into the
 * live set atomically. A set that fails to load never replaces the last good one, and a file that ended
 * with the end marker `...` never goes live without it (cut short) or without the file (being rewritten).
 */
import { lstatSync, readdirSync, readFileSync, realpathSync, statSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import {
  compilePolicySources,
  PolicyLoadError,
  type LoadOptions,
  type SourceFile,
} from './pipeline/policy/load.js';
import type { PipelineLogger } from './pipeline/deps.js';
import { isSealed } from './pipeline/policy/end-marker.js';
import type { PolicySet } from './pipeline/policy/types.js';

/** How a folder is read and compiled. */
export interface PolicyFolderOptions extends LoadOptions {
  /** Shown in messages instead of absolute paths. */
  readonly baseDir?: string;
}

/** The symlink kubelet swaps atomically to publish a new version of a ConfigMap volume. */
const CONFIGMAP_DATA = '..data';
/** Reads of a ConfigMap folder retried when a swap lands in the middle of one. */
const SNAPSHOT_ATTEMPTS = 3;

const isPolicyFile = (f: string) => /\.ya?ml$/.test(f) && !f.startsWith('.');

/** Where `..data` points now, or null when the folder is not a ConfigMap volume. */
function configMapTarget(dir: string): string | null {
  try {
    if (!lstatSync(join(dir, CONFIGMAP_DATA)).isSymbolicLink()) return null;
    return realpathSync(join(dir, CONFIGMAP_DATA));
  } catch {
    return null;
  }
}

/** One read of the folder: through one `..data` target when there is one, else the files as they are. */
function readOnce(dir: string, baseDir: string, target: string | null): SourceFile[] {
  const names = new Map<string, string>();
  // The keys of a ConfigMap are the files of the version `..data` names, read from that version only.
  if (target !== null)
    for (const f of readdirSync(target)) if (isPolicyFile(f)) names.set(f, join(target, f));
  for (const f of readdirSync(dir)) {
    if (!isPolicyFile(f) || names.has(f)) continue;
    const path = join(dir, f);
    // A ConfigMap's top-level symlinks into `..data` are read through the snapshot above, never again.
    if (target !== null && lstatSync(path).isSymbolicLink()) continue;
    names.set(f, path);
  }
  return [...names.keys()]
    .sort()
    .map((f) => ({ name: relative(baseDir, join(dir, f)) || f, text: readFileSync(names.get(f)!, 'utf8') }));
}

/** A problem with the folder itself: one line naming it (line 0), never an ENOENT stack trace. */
function folderProblem(dir: string, message: string): PolicyLoadError {
  return new PolicyLoadError([
    { file: dir, line: 0, column: 0, message: `policy folder "${dir}" ${message}` },
  ]);
}

/** Throws a one-line PolicyLoadError when `dir` is missing, unreadable, not a folder, or holds no policy file. */
function checkFolder(dir: string): void {
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) throw folderProblem(dir, 'is not a folder');
    names = readdirSync(dir);
  } catch (err) {
    if (err instanceof PolicyLoadError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw folderProblem(
      dir,
      code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? String(err)})`,
    );
  }
  if (!names.some(isPolicyFile)) throw folderProblem(dir, 'holds no policy file (*.yaml)');
}

/** Reads every `*.yaml`/`*.yml` file of a folder (not its tests/ subfolder), sorted by name, as one snapshot. */
export function readPolicyFolder(dir: string, baseDir = process.cwd()): SourceFile[] {
  checkFolder(dir);
  for (let attempt = 0; attempt < SNAPSHOT_ATTEMPTS; attempt++) {
    const target = configMapTarget(dir);
    let files: SourceFile[];
    try {
      files = readOnce(dir, baseDir, target);
    } catch (err) {
      // kubelet deletes the old version right after the swap: a read of it that lost the race retries.
      if (target !== null && configMapTarget(dir) !== target) continue;
      throw err;
    }
    // INVARIANT: every file came from the one version `..data` named before and after the read.
    if (configMapTarget(dir) === target) return files;
  }
  throw new PolicyLoadError([
    { file: dir, line: 1, column: 1, message: `${CONFIGMAP_DATA} kept changing while the folder was read` },
  ]);
}

/** Loads a folder into a validated, compiled policy set, or throws PolicyLoadError. */
export function loadPolicyFolder(dir: string, options: PolicyFolderOptions = {}): PolicySet {
  return compilePolicySources(readPolicyFolder(dir, options.baseDir), options);
}

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

/**
 * Why a reload is refused, or null: a file the live set read sealed (ending with `...`) that is now
 * missing or has lost its marker is what a partial write leaves (a file cut short, or deleted and not yet
 * written again, as editors save), so the set waits for the rest of the write.
 */
function partialWrite(live: PolicySet, next: readonly SourceFile[]): PolicyLoadError | null {
  const problems = live.sealedFiles
    .filter((name) => !next.some((f) => f.name === name && isSealed(f.text)))
    .map((name) => ({
      file: name,
      line: 1,
      column: 1,
      message: next.some((f) => f.name === name)
        ? 'file no longer ends with the end marker "...": partially written? the last good set stays live'
        : 'file ending with the end marker "..." disappeared: partially written? the last good set stays live (to remove it, remove its marker first)',
    }));
  return problems.length === 0 ? null : new PolicyLoadError(problems);
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
      const sources = readPolicyFolder(folder);
      // SECURITY: once sealed, always sealed: a file cut short has lost its marker, so it waits for the rest.
      // Checked on the snapshot before compiling: a cut file is refused as partial, whatever it would compile to.
      const partial = partialWrite(live, sources);
      if (partial !== null) throw partial;
      next = compilePolicySources(
        sources,
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

/** The live policy set and, in shadow mode, the candidate set, each kept current by its own watcher. */
export interface PolicyPart {
  /** The live set (read per decision). */
  current(): PolicySet;
  /** The shadow candidate set, when `--shadow-policy-dir` is set. */
  readonly shadow?: { current(): PolicySet };
  /** Stops both watchers. */
  close(): void;
}

/**
 * Loads the policy folder (an invalid policy throws PolicyLoadError with file:line, stopping startup) and
 * watches it; loads and watches the shadow folder too when one is configured. Closes what it opened
 * when the shadow folder fails to load.
 */
export function openPolicyFromConfig(
  config: { readonly policyDir: string; readonly shadowPolicyDir: string },
  ctx: {
    readonly knownInspectors: ReadonlySet<string>;
    readonly log: PipelineLogger;
    /** Called with the set that goes live: the initial one, then each reloaded one. */
    readonly onLive?: (set: PolicySet) => void;
    /** Called when a changed folder failed to load (the last good set stays live). */
    readonly onReloadError?: () => void;
  },
): PolicyPart {
  const { knownInspectors, log } = ctx;
  const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));
  const initial = loadPolicyFolder(config.policyDir, { knownInspectors });
  // Hot reload: a new valid set is swapped in atomically between decisions; an invalid one is reported and ignored.
  const live = watchPolicyFolder(config.policyDir, {
    initial,
    knownInspectors,
    onReload: (next, prev) => {
      log.info({ from: prev.version, to: next.version, rules: next.rules.length }, 'policy reloaded');
      ctx.onLive?.(next);
    },
    onError: (err) => {
      log.error({ err: errorText(err) }, 'policy reload failed; keeping the last good set');
      ctx.onReloadError?.();
    },
  });
  log.info(
    { policyDir: config.policyDir, version: initial.version, rules: initial.rules.length },
    'policy loaded',
  );
  ctx.onLive?.(initial);
  if (config.shadowPolicyDir === '') return { current: () => live.current(), close: () => live.close() };
  let shadow: PolicyWatcher;
  try {
    // Shadow mode: a candidate folder, watched like the live one, decides beside it and never enforces.
    shadow = watchPolicyFolder(config.shadowPolicyDir, {
      initial: loadPolicyFolder(config.shadowPolicyDir, { knownInspectors }),
      knownInspectors,
      onError: (err) => log.error({ err: errorText(err) }, 'shadow policy reload failed'),
    });
  } catch (err) {
    live.close();
    throw err;
  }
  return {
    current: () => live.current(),
    shadow: { current: () => shadow.current() },
    close() {
      live.close();
      shadow.close();
    },
  };
}
