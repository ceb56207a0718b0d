/**
 * The inspection thread's entry (src/inspect-worker/pool.ts): inspects one costly action at a time with the
 * same registry the main thread uses, and answers its findings or the WritError that stopped it.
 */
import { parentPort } from 'node:worker_threads';
import { WritError } from '../pipeline/errors.js';
import { inspectActionPaced } from '../pipeline/inspect/registry.js';
import type { Action } from '../pipeline/model/action.js';
import type { JsonValue } from '../pipeline/model/json.js';
import type { InspectJob, InspectReply } from './messages.js';

const port = parentPort;
if (port === null) throw new Error('src/inspect-worker/worker.ts runs only as a worker thread');

/**
 * The parsed JSON a job carries, with the prototype it had on the main thread: strict JSON builds objects
 * without one (normalize/strict-json.ts), and a structured clone gives every object Object.prototype back, so
 * a lookup of `constructor` or `toString` in an argument would find a function here and nothing there.
 */
function withoutPrototypes(value: JsonValue, seen: Set<object>): void {
  if (value === null || typeof value !== 'object' || seen.has(value)) return;
  seen.add(value);
  if (Array.isArray(value)) {
    for (const item of value) withoutPrototypes(item, seen);
    return;
  }
  Object.setPrototypeOf(value, null);
  for (const key of Object.keys(value)) withoutPrototypes(value[key] as JsonValue, seen);
}

function asOnMainThread(action: Action): Action {
  const seen = new Set<object>();
  const visit = (a: Action): void => {
    withoutPrototypes(a.action.arguments, seen);
    withoutPrototypes(a.payload, seen);
    for (const e of a.elements ?? []) visit(e);
  };
  visit(action);
  return action;
}

port.on('message', (job: InspectJob) => {
  const cancelled = new Int32Array(job.cancel);
  // Between inspection steps: stop once the main thread says the decision is over (its deadline passed).
  const between = (): Promise<void> =>
    Atomics.load(cancelled, 0) === 0
      ? Promise.resolve()
      : Promise.reject(new WritError('ERR_TIMEOUT', 'the decision passed its deadline during inspection'));
  inspectActionPaced(asOnMainThread(job.action), job.headers, job.config, between).then(
    (r) => port.postMessage({ id: job.id, findings: r.findings } satisfies InspectReply),
    (err: unknown) =>
      port.postMessage({
        id: job.id,
        error:
          err instanceof WritError
            ? { code: err.code, message: err.message }
            : { code: null, message: err instanceof Error ? err.message : String(err) },
      } satisfies InspectReply),
  );
});
