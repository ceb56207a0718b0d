/**
 * The inspection thread's entry (src/inspect-worker/pool.ts): normalizes or inspects one costly request at a
 * time with the same adapters and registry the main thread uses, and answers the action, its findings, or the
 * WritError that stopped it.
 */
import { parentPort } from 'node:worker_threads';
import { WritError } from '../pipeline/errors.js';
import { InspectorRegistry } from '../pipeline/inspect/registry.js';
import { normalizeRequest } from '../pipeline/normalize/index.js';
import { ShellReadingMemo } from '../pipeline/shell/shell-reader.js';
import type { WorkerJob, WorkerReply } from './messages.js';
import { asBuilt } from './prototypes.js';

const port = parentPort;
if (port === null) throw new Error('src/inspect-worker/worker.ts runs only as a worker thread');

/** This thread's reader of command lines: one per inspection thread, as the main thread has one per pipeline. */
const shell = new ShellReadingMemo();
/** This thread's inspectors and their keyword vocabulary, built once when the thread starts. */
const inspectors = new InspectorRegistry();

function failure(id: number, err: unknown): WorkerReply {
  return {
    id,
    error:
      err instanceof WritError
        ? { code: err.code, message: err.message }
        : { code: null, message: err instanceof Error ? err.message : String(err) },
  };
}

port.on('message', (job: WorkerJob) => {
  if (job.kind === 'normalize') {
    // One synchronous step (nothing inside normalization can be cut); a cancelled job is answered and dropped.
    let reply: WorkerReply;
    try {
      reply = { id: job.id, action: normalizeRequest(job.raw, { ...job.config, shell }) };
    } catch (err) {
      reply = failure(job.id, err);
    }
    port.postMessage(reply);
    return;
  }
  const cancelled = new Int32Array(job.cancel);
  // Between inspection steps: stop once the main thread says the decision is over (its deadline passed).
  const between = (): Promise<void> =>
    Atomics.load(cancelled, 0) === 0
      ? Promise.resolve()
      : Promise.reject(new WritError('ERR_TIMEOUT', 'the decision passed its deadline during inspection'));
  inspectors.inspectPaced(asBuilt(job.action), job.headers, { ...job.config, shell }, between).then(
    (r) => port.postMessage({ id: job.id, findings: r.findings } satisfies WorkerReply),
    (err: unknown) => port.postMessage(failure(job.id, err)),
  );
});
