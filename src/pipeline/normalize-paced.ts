/**
 * The normalize stage of a paced decision (issue 15 F7). A costly request's body is parsed and read by every
 * adapter in one synchronous step: up to ~100-300 ms of CPU for a worst-case body within the bounds, during
 * which every other call would wait. Where the pipeline has a thread for it (`deps.normalizeCostly`), that step
 * runs there; a cheap request, or a pipeline without one (the CLI, tests of one stage), normalizes in line.
 * Either way the action is the same one (test/inspect/inspect-worker.test.ts holds the two equal).
 *
 * With `keepArguments` (the check and verify roles) a single action's arguments and payload stay on the thread
 * too, and the action answered holds stand-ins for them (kept-arguments.ts): the main thread then never clones,
 * freezes or serializes a worst-case body's keys. A role whose stages are not all prepared for stand-ins (the
 * inbound role) leaves it `no`.
 */
import type { PipelineDeps } from './deps.js';
import type { Action } from './model/action.js';
import type { RawRequest } from './model/raw-request.js';
import { normalizeRequest, type NormalizeConfig } from './normalize/index.js';
import type { Pace } from './pace.js';
import type { KeepArguments } from './kept-arguments.js';

export function normalizePaced(
  deps: PipelineDeps,
  raw: RawRequest,
  config: NormalizeConfig,
  pace: Pace,
  keepArguments: KeepArguments = 'no',
): Action | Promise<Action> {
  return pace.costly && deps.normalizeCostly !== undefined
    ? deps.normalizeCostly(raw, config, pace.checkpoint, keepArguments)
    : normalizeRequest(raw, config);
}
