/** Builds a frozen-shape Action for unit tests: the policy action template, defaulting to an MCP `query_db` read. */
import type { Action } from '../../src/pipeline/model/action.js';
import { actionFrom, type PartialAction } from '../../src/cli/action-template.js';

/** An action with sensible defaults; override any part. */
export function makeAction(over: PartialAction = {}): Action {
  return actionFrom({
    ...over,
    action: { tool: 'query_db', operation: 'read', ...over.action },
    context: { requestId: 'test-request', ...over.context },
  });
}
