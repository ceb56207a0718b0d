/**
 * The inspection thread's entry (src/inspect-worker/pool.ts): normalizes or inspects one costly request at a
 * time with the same adapters and registry the main thread uses, and answers the action, its findings, or the
 * WritError that stopped it. A single action normalized with `keep: until-inspected` stays here, and only its facts go back
 * (src/pipeline/kept-arguments.ts); its inspection is asked for by handle.
 */
import { parentPort } from 'node:worker_threads';
import { WritError } from '../pipeline/errors.js';
import { InspectorRegistry } from '../pipeline/inspect/registry.js';
import type { Action } from '../pipeline/model/action.js';
import { normalizeRequest } from '../pipeline/normalize/index.js';
import { ShellReadingMemo } from '../pipeline/shell/shell-reader.js';
import { KeptActions } from './kept-actions.js';
import { keptFactsOf } from './kept-facts.js';
import type { InspectJob, InspectKeptJob, NormalizeJob, WorkerReply } from './messages.js';
import { asBuilt } from './prototypes.js';

const port = parentPort;
if (port === null) throw new Error('src/inspect-worker/worker.ts runs only as a worker thread');

/** This thread's reader of command lines: one per inspection thread, as the main thread has one per pipeline. */
const shell = new ShellReadingMemo();
/** This thread's inspectors and their keyword vocabulary, built once when the thread starts. */
const inspectors = new InspectorRegistry();
/** Actions normalized with `keep: until-inspected`, until inspected. */
const kept = new KeptActions();

function failure(id: number, err: unknown): WorkerReply {
  return {
    id,
    error:
      err instanceof WritError
        ? { code: err.code, message: err.message }
        : { code: null, message: err instanceof Error ? err.message : String(err) },
  };
}

/** One synchronous step (nothing inside normalization can be cut). */
function normalize(job: NormalizeJob): WorkerReply {
  try {
    const action = normalizeRequest(job.raw, { ...job.config, shell });
    if (job.keep === 'no' || action.elements !== undefined) return { id: job.id, action };
    const facts = keptFactsOf(action, job.id, shell);
    if (job.keep === 'until-inspected') kept.keep(job.id, action);
    return { id: job.id, kept: { action: withoutArguments(action), facts } };
  } catch (err) {
    return failure(job.id, err);
  }
}

/** The action without its arguments and payload (null in their place): what crosses back to the main thread. */
function withoutArguments(action: Action): Action {
  return { ...action, action: { ...action.action, arguments: null }, payload: null };
}

/** The action to inspect: the main thread's own for an InspectJob; for a kept one, its kept values put back. */
function toInspect(job: InspectJob | InspectKeptJob): Action {
  const sent = asBuilt(job.action);
  if (job.kind === 'inspect') return sent;
  const whole = kept.take(job.handle);
  if (whole === undefined)
    throw new WritError(
      'ERR_INSPECTION_THREAD',
      `the inspection thread no longer holds request ${job.handle}`,
    );
  return { ...sent, action: { ...sent.action, arguments: whole.action.arguments }, payload: whole.payload };
}

port.on('message', (job: NormalizeJob | InspectJob | InspectKeptJob) => {
  if (job.kind === 'normalize') {
    port.postMessage(normalize(job));
    return;
  }
  const cancelled = new Int32Array(job.cancel);
  // Between inspection steps: stop once the main thread says the decision is over (its deadline passed).
  const between = (): Promise<void> =>
    Atomics.load(cancelled, 0) === 0
      ? Promise.resolve()
      : Promise.reject(new WritError('ERR_TIMEOUT', 'the decision passed its deadline during inspection'));
  let action: Action;
  try {
    action = toInspect(job);
  } catch (err) {
    port.postMessage(failure(job.id, err));
    return;
  }
  inspectors.inspectPaced(action, job.headers, { ...job.config, shell }, between).then(
    (r) => port.postMessage({ id: job.id, findings: r.findings } satisfies WorkerReply),
    (err: unknown) => port.postMessage(failure(job.id, err)),
  );
});
