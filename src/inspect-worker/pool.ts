/**
 * Inspection of costly requests on its own thread (issue 15 F7). A costly body (src/pipeline/pace.ts) costs
 * up to a few hundred milliseconds to inspect, in steps the main thread cannot cut smaller (one inspector over
 * one 1 MiB string is one step); while it ran there, every other call waited for it. Here it runs on a worker
 * thread with the same registry, and the main thread keeps answering: it pays only the structured clone of
 * the action (serializing is the cheap half; the thread pays for reading it back). Measured choice:
 * docs/performance-budget.md ("Costly bodies").
 *
 * A costly single action's arguments stay on the thread (src/pipeline/kept-arguments.ts): `normalize` with
 * `keep` other than `no` answers the action with stand-ins and the facts the main thread's stages read of them, and `inspect`
 * of such an action sends the rest of it and has the thread put the kept arguments back.
 *
 * Fail closed: a thread that dies or cannot start rejects its jobs (the decision is denied, ERR_INSPECTION_THREAD); a
 * WritError raised there (ERR_INSPECTION_LIMIT) comes back as that WritError; a job whose decision is over
 * (its `between` throws ERR_TIMEOUT) is cancelled through shared memory and rejects with that error.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { WritError } from '../pipeline/errors.js';
import { keptFacts, keptStandIn, type KeepArguments, type KeptFacts } from '../pipeline/kept-arguments.js';
import type { InspectorConfig } from '../pipeline/inspect/inspector.js';
import type { Action } from '../pipeline/model/action.js';
import type { Finding } from '../pipeline/model/finding.js';
import type { RawRequest } from '../pipeline/model/raw-request.js';
import type { NormalizeConfig } from '../pipeline/normalize/index.js';
import type { WorkerJob, WorkerReply } from './messages.js';
import { asBuilt } from './prototypes.js';

/** How often the main thread asks the decision's pace whether it is still wanted while the thread works. */
const PACE_POLL_MS = 10;

interface Pending {
  /** A successful reply (findings or an action). */
  readonly answer: (reply: WorkerReply) => void;
  readonly reject: (err: unknown) => void;
}

/**
 * The thread: the compiled entry next to this file in dist/; from source (tsx, vitest) a one-line bootstrap
 * that registers tsx's loader in the thread first (an inherited `--import tsx` does not reach a thread's entry
 * on Node 20).
 */
function startThread(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./worker.js', import.meta.url));
  // tsx's API registers its loader in the thread that calls it (its `--import` entry skips threads).
  const tsxPackage = createRequire(import.meta.url).resolve('tsx/package.json');
  const api = pathToFileURL(join(dirname(tsxPackage), 'dist', 'esm', 'api', 'index.mjs')).href;
  const entry = new URL('./worker.ts', import.meta.url).href;
  return new Worker(
    `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`,
    { eval: true },
  );
}

/** The action the main thread decides on: the thread's answer with stand-ins for what it kept. */
function withStandIns(kept: { readonly action: Action; readonly facts: KeptFacts }): Action {
  const action = asBuilt(kept.action);
  const standIn = keptStandIn(kept.facts);
  return { ...action, action: { ...action.action, arguments: standIn }, payload: standIn };
}

/** A kept action without its stand-ins (which do not cross threads): null in their place. */
function bare(action: Action): Action {
  return { ...action, action: { ...action.action, arguments: null }, payload: null };
}

export class InspectWorker {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  /**
   * The action of a costly request, normalized on the thread (body parsed, every adapter's reading), with the
   * same adapters as the main thread. `between` as for `inspect`. The main thread pays only the clones: the
   * body's bytes there, the action back.
   */
  normalize(
    raw: RawRequest,
    config: NormalizeConfig,
    between: () => Promise<void>,
    keep: KeepArguments = 'no',
  ): Promise<Action> {
    // The memo and the shell reader speed the main thread's own readings up; they hold maps and stay here.
    const { memo: _memo, shell: _shell, ...plain } = config;
    return this.run(
      (id, cancel) => ({ kind: 'normalize', id, raw, config: plain, keep, cancel }),
      between,
      (reply) =>
        'action' in reply ? asBuilt(reply.action) : 'kept' in reply ? withStandIns(reply.kept) : undefined,
    );
  }

  /**
   * The findings of `action`, inspected on the thread. `between` is the decision's pace checkpoint: it is
   * polled while the thread works, and once it throws (the deadline passed) the job is cancelled with that error.
   */
  inspect(
    action: Action,
    headers: Readonly<Record<string, string>>,
    config: InspectorConfig,
    between: () => Promise<void>,
  ): Promise<readonly Finding[]> {
    // As for normalize: the main thread's reader of command lines stays here.
    const { shell: _shell, ...plain } = config;
    const kept = keptFacts(action.action.arguments);
    return this.run(
      (id, cancel) =>
        kept === undefined
          ? { kind: 'inspect', id, action, headers, config: plain, cancel }
          : // The thread holds the arguments and payload: the rest of the action goes, as decided here.
            {
              kind: 'inspect-kept',
              id,
              handle: kept.handle,
              action: bare(action),
              headers,
              config: plain,
              cancel,
            },
      between,
      (reply) => ('findings' in reply ? reply.findings : undefined),
    );
  }

  /** Sends one job and settles with what `read` takes from its reply (undefined: a reply of the wrong kind). */
  private run<T>(
    job: (id: number, cancel: SharedArrayBuffer) => WorkerJob,
    between: () => Promise<void>,
    read: (reply: WorkerReply) => T | undefined,
  ): Promise<T> {
    const worker = this.started();
    const id = this.nextId++;
    const cancel = new SharedArrayBuffer(4);
    return new Promise<T>((resolve, reject) => {
      const poll = setInterval(() => {
        between().catch((err: unknown) => {
          Atomics.store(new Int32Array(cancel), 0, 1);
          this.pending.get(id)?.reject(err);
        });
      }, PACE_POLL_MS);
      poll.unref();
      const settle = () => {
        clearInterval(poll);
        this.pending.delete(id);
      };
      this.pending.set(id, {
        answer: (reply) => {
          settle();
          const value = read(reply);
          if (value === undefined)
            reject(
              new WritError(
                'ERR_INSPECTION_THREAD',
                `inspection thread: job ${id} got a reply of another kind`,
              ),
            );
          else resolve(value);
        },
        reject: (err) => {
          settle();
          reject(err instanceof Error ? err : new Error(String(err)));
        },
      });
      // A decision already over starts no work: the pace is asked once before the job is sent, so a late
      // decision is rejected with its own error however fast the thread would have answered.
      between().then(
        () => {
          if (!this.pending.has(id)) return;
          try {
            worker.postMessage(job(id, cancel));
          } catch (err) {
            // A request that cannot be cloned is not decided anywhere else: the decision fails (denied).
            const message = err instanceof Error ? err.message : String(err);
            this.pending
              .get(id)
              ?.reject(new WritError('ERR_INSPECTION_THREAD', `inspection thread: ${message}`));
          }
        },
        (err: unknown) => this.pending.get(id)?.reject(err),
      );
    });
  }

  /** Stops the thread; jobs still in flight reject (their decisions are denied). */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    this.failAll(new WritError('ERR_INSPECTION_THREAD', 'the inspection thread was closed'));
    if (worker !== null) await worker.terminate();
  }

  /** Jobs sent and not yet answered (tests, metrics). */
  get inFlight(): number {
    return this.pending.size;
  }

  private started(): Worker {
    if (this.worker !== null) return this.worker;
    const worker = startThread();
    // Idle, the thread must not keep a closing process up; a job in flight holds its own request open.
    worker.unref();
    worker.on('message', (reply: WorkerReply) => {
      const p = this.pending.get(reply.id);
      if (p === undefined) return;
      if (!('error' in reply)) p.answer(reply);
      else if (reply.error.code !== null) p.reject(new WritError(reply.error.code, reply.error.message));
      else p.reject(new WritError('ERR_INSPECTION_THREAD', `inspection thread: ${reply.error.message}`));
    });
    const lost = (err: Error) => {
      if (this.worker === worker) this.worker = null;
      this.failAll(new WritError('ERR_INSPECTION_THREAD', `the inspection thread failed: ${err.message}`));
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`the inspection thread exited (${code})`)));
    this.worker = worker;
    return worker;
  }

  private failAll(err: Error): void {
    for (const p of [...this.pending.values()]) p.reject(err);
  }
}
