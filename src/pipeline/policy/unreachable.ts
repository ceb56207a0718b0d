/**
 * Unreachable-rule detection: a rule that can never change a decision because another rule, whose effect
 * wins over it, matches every input it matches. Sound and conservative: it proves coverage only by
 * structure (identical conditions, or an equality set inside another), so it never reports a rule that
 * could still decide something; it may miss coverage that needs reasoning about values.
 */
import { EFFECT_STRENGTH, type CompiledCondition, type CompiledRule } from './types.js';

/** One rule that can never change a decision, and the rule that covers it. */
export interface UnreachableRule {
  readonly rule: CompiledRule;
  readonly coveredBy: CompiledRule;
}

/** True when `narrow` holding implies `broad` holds: same dimension and the same condition, or a smaller equality set. */
function implies(narrow: CompiledCondition, broad: CompiledCondition): boolean {
  if (narrow.dimension !== broad.dimension) return false;
  if (narrow.source === broad.source) return true;
  if (narrow.oneOf === undefined || broad.oneOf === undefined) return false;
  for (const v of narrow.oneOf) if (!broad.oneOf.has(v)) return false;
  return true;
}

/** True when every input one alternative (AND group) of `narrow` accepts is accepted by the `broad` group. */
function groupCovers(broad: readonly CompiledCondition[], narrow: readonly CompiledCondition[]): boolean {
  // Each broad condition must be implied by some narrow condition: the narrow group is at least as strict.
  return broad.every((b) => narrow.some((n) => implies(n, b)));
}

/** True when `broad` matches every input `narrow` matches (each alternative of narrow is covered by one of broad). */
export function ruleCovers(broad: CompiledRule, narrow: CompiledRule): boolean {
  return narrow.anyOf.every((ng) => broad.anyOf.some((bg) => groupCovers(bg, ng)));
}

/**
 * Whether `a` covering `b` makes `b` unable to change a decision. A stronger effect always wins
 * (deny overrides, whatever the priority). The same effect makes `b` redundant only for deny and allow,
 * which carry nothing to merge, and only when `a` comes first (higher priority, or the same priority and
 * an earlier id), so two identical rules report the later one, not both.
 */
function overrides(a: CompiledRule, b: CompiledRule): boolean {
  const sa = EFFECT_STRENGTH[a.effect];
  const sb = EFFECT_STRENGTH[b.effect];
  if (sa > sb) return true;
  if (sa < sb || a.effect === 'require_approval' || a.effect === 'allow_with_obligations') return false;
  return a.ordinal < b.ordinal;
}

/** Every rule another rule makes unreachable, with the first such rule in evaluation order. */
export function findUnreachableRules(rules: readonly CompiledRule[]): UnreachableRule[] {
  const out: UnreachableRule[] = [];
  for (const b of rules) {
    for (const a of rules) {
      if (a === b || !overrides(a, b)) continue;
      if (ruleCovers(a, b)) {
        out.push({ rule: b, coveredBy: a });
        break;
      }
    }
  }
  return out;
}
