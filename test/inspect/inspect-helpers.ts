/** Test helpers: run one inspector on an action built with makeAction, with a default config. */
import { collectLeaves } from '../../src/pipeline/inspect/collect-leaves.js';
import type { Inspector, InspectorConfig } from '../../src/pipeline/inspect/inspector.js';
import type { Finding } from '../../src/pipeline/model/finding.js';
import type { JsonValue } from '../../src/pipeline/model/json.js';
import { makeAction } from '../support/make-action.js';

/** The config the seed scenarios use. */
export const TEST_CONFIG: InspectorConfig = {
  egressAllowlist: ['api.github.com'],
  internalDomains: ['*.svc.cluster.local', 'corp.example'],
  productionDatabases: ['prod', 'customers-prod'],
  protectedBranches: ['main', 'release'],
};

type Over = Parameters<typeof makeAction>[0];

/** Runs an inspector over an action with the given overrides. */
export function runOn(
  inspector: Inspector,
  over: Over,
  config: InspectorConfig = TEST_CONFIG,
): readonly Finding[] {
  const action = makeAction(over);
  return inspector.inspect({ action, leaves: collectLeaves(action, {}), config });
}

/** Runs an inspector on a tool call with the given arguments. */
export function runArgs(
  inspector: Inspector,
  tool: string,
  args: JsonValue,
  config: InspectorConfig = TEST_CONFIG,
): readonly Finding[] {
  return runOn(inspector, { action: { tool, arguments: args } }, config);
}

/** The finding ids, for compact assertions. */
export function ids(findings: readonly Finding[]): string[] {
  return findings.map((f) => f.id);
}
