/** What rules are evaluated over: the frozen action, the inspector findings, and the decision time. */
import type { Action } from '../model/action.js';
import type { Finding } from '../model/finding.js';

export interface PolicyInput {
  readonly action: Action;
  readonly findings: readonly Finding[];
  /** Memo for dimensions that cost something to compute (time parts, signal maxima); per decision. */
  readonly memo: Map<string, unknown>;
}

/** Makes the input for one evaluation. */
export function policyInput(action: Action, findings: readonly Finding[]): PolicyInput {
  return { action, findings, memo: new Map() };
}
