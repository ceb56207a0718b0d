/**
 * The normalize stage of a paced decision (issue 15 F7). A costly request's body is parsed and read by every
 * adapter in one synchronous step: up to ~100-300 ms of CPU for a worst-case body within the bounds, during
 * which every other call would wait. Where the pipeline has a thread for it (`deps.normalizeCostly`), that step
 * runs there; a cheap request, or a pipeline without one (the CLI, tests of one stage), normalizes in line.
 * Either way the action is the same one (test/inspect/inspect-worker.test.ts holds the two equal).
 */
import type { PipelineDeps } from './deps.js';
import type { Action } from './model/action.js';
import type { RawRequest } from './model/raw-request.js';
import { normalizeRequest, type NormalizeConfig } from './normalize/index.js';
import type { Pace } from './pace.js';

export function normalizePaced(
  deps: PipelineDeps,
  raw: RawRequest,
  config: NormalizeConfig,
  pace: Pace,
): Action | Promise<Action> {
  return pace.costly && deps.normalizeCostly !== undefined
    ? deps.normalizeCostly(raw, config, pace.checkpoint)
    : normalizeRequest(raw, config);
}
