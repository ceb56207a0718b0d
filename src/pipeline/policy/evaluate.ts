/**
 * Evaluates a compiled policy set. Combining: deny overrides; require_approval beats allow;
 * obligations of every matching allow_with_obligations rule are merged; nothing matching is a deny.
 * Effects are tried strongest first through the load-time index, so a decision evaluates only the
 * rules of the deciding effect (and of stronger ones) whose indexed tool or host can match.
 */
import type { Action } from '../model/action.js';
import type { Finding } from '../model/finding.js';
import { policyInput, type PolicyFacts, type PolicyInput } from './policy-input.js';
import { READ_AFRESH, type ShellReader } from '../shell/shell-reader.js';
import type {
  ApprovalSettings,
  CompiledRule,
  Effect,
  Obligations,
  PolicyDecision,
  PolicySet,
} from './types.js';

/** True when one of the rule's condition groups holds entirely. */
export function ruleMatches(rule: Pick<CompiledRule, 'anyOf'>, input: PolicyInput): boolean {
  for (const group of rule.anyOf) {
    let all = true;
    for (const c of group) {
      if (!c.test(input)) {
        all = false;
        break;
      }
    }
    if (all) return true;
  }
  return false;
}

/** Merges obligations: masks are unioned, the strictest rate wins, any quarantine holds, sandboxes must agree. */
export function mergeObligations(list: readonly Obligations[]): Obligations {
  const mask = new Set<string>();
  let rate: Obligations['rate'];
  let sandbox: string | undefined;
  let quarantine = false;
  for (const o of list) {
    for (const m of o.mask ?? []) mask.add(m);
    if (
      o.rate !== undefined &&
      (rate === undefined || o.rate.limit / o.rate.windowSeconds < rate.limit / rate.windowSeconds)
    )
      rate = o.rate;
    // Two different sandbox profiles cannot both be honoured: the lexically first is chosen, deterministically.
    if (o.sandbox !== undefined && (sandbox === undefined || o.sandbox < sandbox)) sandbox = o.sandbox;
    if (o.quarantine === true) quarantine = true;
  }
  return {
    ...(mask.size > 0 ? { mask: [...mask].sort() } : {}),
    ...(rate === undefined ? {} : { rate }),
    ...(sandbox === undefined ? {} : { sandbox }),
    ...(quarantine ? { quarantine } : {}),
  };
}

/** Merges approval settings: every approver group and webhook, the shortest TTL. */
export function mergeApprovals(list: readonly ApprovalSettings[]): ApprovalSettings {
  return {
    approvers: [...new Set(list.flatMap((a) => a.approvers))].sort(),
    webhooks: [...new Set(list.flatMap((a) => a.webhooks))].sort(),
    ttlSeconds: Math.min(...list.map((a) => a.ttlSeconds)),
  };
}

const DEFAULT_APPROVAL: ApprovalSettings = { approvers: [], webhooks: [], ttlSeconds: 900 };

/** The decision for the matching rules of the strongest effect that matched (`rules` in evaluation order). */
export function combine(
  effect: Effect | null,
  rules: readonly CompiledRule[],
  policyVersion: string,
): PolicyDecision {
  const ids = rules.map((r) => r.id);
  switch (effect) {
    case null:
      return { decision: 'DENY', code: 'POLICY_DEFAULT_DENY', rules: [], policyVersion };
    case 'deny':
      return { decision: 'DENY', code: 'POLICY_DENY', rules: ids, policyVersion };
    case 'require_approval':
      return {
        decision: 'REQUIRE_APPROVAL',
        code: 'POLICY_REQUIRE_APPROVAL',
        rules: ids,
        approval: mergeApprovals(rules.map((r) => r.approval ?? DEFAULT_APPROVAL)),
        policyVersion,
      };
    case 'allow_with_obligations':
      return {
        decision: 'ALLOW_WITH_OBLIGATIONS',
        code: 'POLICY_ALLOW_WITH_OBLIGATIONS',
        rules: ids,
        obligations: mergeObligations(rules.map((r) => r.obligations ?? {})),
        policyVersion,
      };
    case 'allow':
      return { decision: 'ALLOW', code: 'POLICY_ALLOW', rules: ids, policyVersion };
  }
}

/** Decides a prepared input. Pure and total: it cannot fail on a validated policy set. */
export function evaluateInput(set: PolicySet, input: PolicyInput): PolicyDecision {
  /** A hold only taint rules made: it stands only if a weaker rule would let the call through. */
  let taintHold: PolicyDecision | null = null;
  for (const { effect, index } of set.index) {
    let matched: CompiledRule[] | undefined;
    for (const rule of index.unindexed) if (ruleMatches(rule, input)) (matched ??= []).push(rule);
    for (const key of index.keyed) {
      const bucket = key.buckets.get(key.read(input));
      if (bucket === undefined) continue;
      for (const rule of bucket) if (ruleMatches(rule, input)) (matched ??= []).push(rule);
    }
    if (matched === undefined) continue;
    if (taintHold !== null) return taintHold;
    // Candidates come from several buckets; the decision lists its rules in evaluation order.
    if (index.keyed.length > 0) matched.sort((a, b) => a.ordinal - b.ordinal);
    // SECURITY: a session's taint can raise a decision, never lower one: a call no other rule allows
    // stays a default deny rather than becoming one an approver could let through (docs/policy.md).
    if (effect === 'require_approval' && matched.every(readsTaint)) {
      taintHold = combine(effect, matched, set.version);
      continue;
    }
    return combine(effect, matched, set.version);
  }
  return combine(null, [], set.version);
}

/** True when the rule reads the session's taint (a `taint.*` dimension) in every alternative. */
export function readsTaint(rule: CompiledRule): boolean {
  return rule.anyOf.every((alt) => alt.some((c) => c.dimension.startsWith('taint.')));
}

/**
 * Decides an action. Pure and total: it cannot fail on a validated policy set. `shell` reads its command
 * lines (the pipeline's reader; afresh by default).
 */
export function evaluatePolicy(
  set: PolicySet,
  action: Action,
  findings: readonly Finding[],
  facts: PolicyFacts = {},
  shell: ShellReader = READ_AFRESH,
): PolicyDecision {
  return evaluateInput(set, policyInput(action, findings, facts, shell));
}
