/**
 * Shadow mode: a candidate policy set decides every call beside the live one, and the differences are
 * recorded and counted, never enforced. Istio's dry-run annotation does not reach CUSTOM providers, so a
 * policy change is rehearsed here, on real traffic, before it is promoted.
 */
import type { Action } from '../model/action.js';
import type { Finding } from '../model/finding.js';
import { evaluateInput } from './evaluate.js';
import { policyInput, type PolicyFacts } from './policy-input.js';
import { READ_AFRESH, type ShellReader } from '../shell/shell-reader.js';
import type { Decision, PolicyDecision, PolicySet } from './types.js';

/** How a candidate's decision differs from the live one. */
export type ShadowDiffKind = 'loosened' | 'tightened' | 'rules-changed' | 'obligations-changed';

/** One difference, as logged: both decisions and their rules, never the request itself. */
export interface ShadowDiff {
  readonly traceId: string;
  readonly kind: ShadowDiffKind;
  readonly live: { readonly decision: Decision; readonly rules: readonly string[]; readonly version: string };
  readonly candidate: {
    readonly decision: Decision;
    readonly rules: readonly string[];
    readonly version: string;
  };
}

/** How restrictive each decision is; a candidate lower than live would let more through. */
const STRICTNESS: Readonly<Record<Decision, number>> = {
  ALLOW: 0,
  ALLOW_WITH_OBLIGATIONS: 1,
  REQUIRE_APPROVAL: 2,
  DENY: 3,
};

/** Compares a live and a candidate decision; null when they agree in decision, rules and obligations. */
export function compareDecisions(
  live: PolicyDecision,
  candidate: PolicyDecision,
  traceId: string,
): ShadowDiff | null {
  let kind: ShadowDiffKind;
  const delta = STRICTNESS[candidate.decision] - STRICTNESS[live.decision];
  if (delta < 0) kind = 'loosened';
  else if (delta > 0) kind = 'tightened';
  else if (live.rules.join('\0') !== candidate.rules.join('\0')) kind = 'rules-changed';
  else if (JSON.stringify(live.obligations ?? null) !== JSON.stringify(candidate.obligations ?? null))
    kind = 'obligations-changed';
  else return null;
  return {
    traceId,
    kind,
    live: { decision: live.decision, rules: live.rules, version: live.policyVersion },
    candidate: { decision: candidate.decision, rules: candidate.rules, version: candidate.policyVersion },
  };
}

/** Decides an action under the candidate set and compares it with the live decision. Pure. */
export function shadowEvaluate(
  candidate: PolicySet,
  action: Action,
  findings: readonly Finding[],
  live: PolicyDecision,
  traceId: string,
  facts: PolicyFacts = {},
  shell: ShellReader = READ_AFRESH,
): ShadowDiff | null {
  return compareDecisions(
    live,
    evaluateInput(candidate, policyInput(action, findings, facts, shell)),
    traceId,
  );
}

/** Counts of shadow comparisons, by kind of difference, for the metrics endpoint. */
export interface ShadowCounts {
  evaluated: number;
  differed: number;
  byKind: Record<ShadowDiffKind, number>;
}

/** A counter of shadow comparisons: feed it every result (null when they agreed). */
export function createShadowCounter(): { record(diff: ShadowDiff | null): void; counts(): ShadowCounts } {
  const counts: ShadowCounts = {
    evaluated: 0,
    differed: 0,
    byKind: { loosened: 0, tightened: 0, 'rules-changed': 0, 'obligations-changed': 0 },
  };
  return {
    record(diff) {
      counts.evaluated++;
      if (diff === null) return;
      counts.differed++;
      counts.byKind[diff.kind]++;
    },
    counts: () => ({ ...counts, byKind: { ...counts.byKind } }),
  };
}
