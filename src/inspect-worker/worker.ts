/**
 * The inspection thread's entry (src/inspect-worker/pool.ts): inspects one costly action at a time with the
 * same registry the main thread uses, and answers its findings or the WritError that stopped it.
 */
import { parentPort } from 'node:worker_threads';
import { WritError } from '../pipeline/errors.js';
import { inspectActionPaced } from '../pipeline/inspect/registry.js';
import type { InspectJob, InspectReply } from './messages.js';

const port = parentPort;
if (port === null) throw new Error('src/inspect-worker/worker.ts runs only as a worker thread');

port.on('message', (job: InspectJob) => {
  const cancelled = new Int32Array(job.cancel);
  // Between inspection steps: stop once the main thread says the decision is over (its deadline passed).
  const between = (): Promise<void> =>
    Atomics.load(cancelled, 0) === 0
      ? Promise.resolve()
      : Promise.reject(new WritError('ERR_TIMEOUT', 'the decision passed its deadline during inspection'));
  inspectActionPaced(job.action, job.headers, job.config, between).then(
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
