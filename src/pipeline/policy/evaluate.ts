/**
 * Evaluates a compiled policy set. Combining: deny overrides; require_approval beats allow;
 * obligations of every matching allow_with_obligations rule are merged; nothing matching is a deny.
 */
import type { Action } from '../model/action.js';
import type { Finding } from '../model/finding.js';
import { policyInput, type PolicyInput } from './policy-input.js';
import type { ApprovalSettings, CompiledRule, Obligations, PolicyDecision, PolicySet } from './types.js';

/** True when one of the rule's condition groups holds entirely. */
export function ruleMatches(rule: CompiledRule, input: PolicyInput): boolean {
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
    if (o.rate !== undefined && (rate === undefined || o.rate.limit / o.rate.windowSeconds < rate.limit / rate.windowSeconds)) rate = o.rate;
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
function mergeApprovals(list: readonly ApprovalSettings[]): ApprovalSettings {
  return {
    approvers: [...new Set(list.flatMap((a) => a.approvers))].sort(),
    webhooks: [...new Set(list.flatMap((a) => a.webhooks))].sort(),
    ttlSeconds: Math.min(...list.map((a) => a.ttlSeconds)),
  };
}

/** Decides an action. Pure and total: it cannot fail on a validated policy set. */
export function evaluatePolicy(set: PolicySet, action: Action, findings: readonly Finding[]): PolicyDecision {
  const input = policyInput(action, findings);
  const deny: CompiledRule[] = [];
  const approval: CompiledRule[] = [];
  const obligation: CompiledRule[] = [];
  const allow: CompiledRule[] = [];
  for (const rule of set.rules) {
    if (!ruleMatches(rule, input)) continue;
    switch (rule.effect) {
      case 'deny':
        deny.push(rule);
        break;
      case 'require_approval':
        approval.push(rule);
        break;
      case 'allow_with_obligations':
        obligation.push(rule);
        break;
      case 'allow':
        allow.push(rule);
        break;
    }
  }
  const ids = (rules: CompiledRule[]) => rules.map((r) => r.id);
  const policyVersion = set.version;
  if (deny.length > 0) return { decision: 'DENY', code: 'POLICY_DENY', rules: ids(deny), policyVersion };
  if (approval.length > 0) {
    return {
      decision: 'REQUIRE_APPROVAL',
      code: 'POLICY_REQUIRE_APPROVAL',
      rules: ids(approval),
      approval: mergeApprovals(approval.map((r) => r.approval ?? { approvers: [], webhooks: [], ttlSeconds: 900 })),
      policyVersion,
    };
  }
  if (obligation.length > 0) {
    return {
      decision: 'ALLOW_WITH_OBLIGATIONS',
      code: 'POLICY_ALLOW_WITH_OBLIGATIONS',
      rules: ids(obligation),
      obligations: mergeObligations(obligation.map((r) => r.obligations ?? {})),
      policyVersion,
    };
  }
  if (allow.length > 0) return { decision: 'ALLOW', code: 'POLICY_ALLOW', rules: ids(allow), policyVersion };
  return { decision: 'DENY', code: 'POLICY_DEFAULT_DENY', rules: [], policyVersion };
}
