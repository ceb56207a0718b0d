/** The inspector registry and the inspect stage entry point. (Bootstrap version; the inspectors issue extends it.) */
import type { Action } from '../model/action.js';
import type { Finding } from '../model/finding.js';
import { collectLeaves } from './collect-leaves.js';
import type { Inspector, InspectorConfig } from './inspector.js';
import { destructiveOpInspector } from './inspectors/destructive-op.js';
import { pathTraversalInspector } from './inspectors/path-traversal.js';
import { ssrfEgressInspector } from './inspectors/ssrf-egress.js';
import { runInspectors } from './run-inspectors.js';

/** The inspectors the server runs, in order. */
export const DEFAULT_INSPECTORS: readonly Inspector[] = [destructiveOpInspector, pathTraversalInspector, ssrfEgressInspector];

/** Collects the action's string leaves and runs the inspectors over them. */
export function inspectAction(
  action: Action,
  headers: Readonly<Record<string, string>>,
  config: InspectorConfig,
  inspectors: readonly Inspector[] = DEFAULT_INSPECTORS,
): { findings: Finding[]; leaves: number } {
  const leaves = collectLeaves(action, headers);
  return { findings: runInspectors(inspectors, { action, leaves, config }), leaves: leaves.length };
}
