/**
 * A scenario request read the way the check role reads it, without a server: mapped from the CheckRequest
 * Envoy would send (at a fixed time, so actions compare equal across runs) and normalized with no internal
 * domains and no production databases unless the test gives them.
 */
import { scenarioCheckRequest, type ScenarioRequest } from '../../src/cli/scenario.js';
import { mapCheckRequest } from '../../src/extauthz/map-request.js';
import type { Action } from '../../src/pipeline/model/action.js';
import type { RawRequest } from '../../src/pipeline/model/raw-request.js';
import { normalizeRequest } from '../../src/pipeline/normalize/index.js';
import type { NormalizeConfig } from '../../src/pipeline/normalize/index.js';

/** The raw request and the action normalization makes of it; throws with the mapper's message if refused. */
export function scenarioAction(
  request: ScenarioRequest,
  headers: Record<string, string>,
  config: Partial<NormalizeConfig> = {},
): { action: Action; raw: RawRequest } {
  const mapped = mapCheckRequest(
    scenarioCheckRequest(request, headers),
    'check',
    Date.UTC(2026, 0, 5, 10, 0, 0),
    () => 'scenario-action',
  );
  if (!mapped.ok) throw new Error(mapped.message);
  const action = normalizeRequest(mapped.raw, {
    internalDomains: [],
    productionDatabases: [],
    trustAgentHeaders: false,
    ...config,
  });
  return { action, raw: mapped.raw };
}
