/**
 * Explanations: every rule considered, which conditions held and which failed, and the final decision.
 * Works on a live input, or on dimension values recovered later (an audit record), where a value that
 * was not recorded makes its conditions "unknown" rather than guessed.
 */
import type { DimensionValue } from './dimensions.js';
import { combine, evaluateInput } from './evaluate.js';
import type { PolicyInput } from './policy-input.js';
import type { CompiledRule, Effect, PolicyDecision, PolicySet, SourceLocation } from './types.js';
import { EFFECT_STRENGTH } from './types.js';

/** A condition's outcome: held, failed, or unknown (its dimension was not recorded). */
export type ConditionResult = 'held' | 'failed' | 'unknown';

/** One condition as evaluated. */
export interface ConditionExplanation {
  readonly dimension: string;
  readonly condition: string;
  /** The value the condition saw; undefined when it was not recorded. */
  readonly value: DimensionValue | undefined;
  readonly result: ConditionResult;
  readonly location: SourceLocation;
}

/** One rule as evaluated: its alternatives (AND groups), and whether it matched. */
export interface RuleExplanation {
  readonly id: string;
  readonly effect: Effect;
  readonly priority: number;
  readonly description: string;
  readonly location: SourceLocation;
  readonly result: ConditionResult;
  readonly alternatives: ReadonlyArray<{
    readonly result: ConditionResult;
    readonly conditions: readonly ConditionExplanation[];
  }>;
}

/** The full explanation of one decision. */
export interface PolicyExplanation {
  readonly policyVersion: string;
  readonly decision: PolicyDecision;
  /** True when unknown conditions could have changed the decision (only for recovered values). */
  readonly uncertain: boolean;
  readonly rules: readonly RuleExplanation[];
}

/** Reads a dimension's value for an explanation; `undefined` means the value is not known. */
export type ValueSource = (
  dimension: string,
  read: (input: PolicyInput) => DimensionValue,
) => DimensionValue | undefined;

const and = (results: readonly ConditionResult[]): ConditionResult =>
  results.includes('failed') ? 'failed' : results.includes('unknown') ? 'unknown' : 'held';
const or = (results: readonly ConditionResult[]): ConditionResult =>
  results.includes('held') ? 'held' : results.includes('unknown') ? 'unknown' : 'failed';

function explainRule(rule: CompiledRule, values: ValueSource): RuleExplanation {
  const alternatives = rule.anyOf.map((group) => {
    const conditions = group.map((c): ConditionExplanation => {
      const value = values(c.dimension, c.read);
      return {
        dimension: c.dimension,
        condition: c.source,
        value,
        result: value === undefined ? 'unknown' : c.holds(value) ? 'held' : 'failed',
        location: c.location,
      };
    });
    return { result: and(conditions.map((c) => c.result)), conditions };
  });
  return {
    id: rule.id,
    effect: rule.effect,
    priority: rule.priority,
    description: rule.description,
    location: rule.location,
    result: or(alternatives.map((a) => a.result)),
    alternatives,
  };
}

/** Explains a live decision: every rule of the set, evaluated in full (no short-circuit). */
export function explainInput(set: PolicySet, input: PolicyInput): PolicyExplanation {
  const rules = set.rules.map((r) => explainRule(r, (_d, read) => read(input)));
  return { policyVersion: set.version, decision: evaluateInput(set, input), uncertain: false, rules };
}

/**
 * Explains a decision from recorded dimension values. The decision shown is the one the known values
 * force; `uncertain` says whether a rule with unknown conditions could have decided otherwise.
 */
export function explainValues(set: PolicySet, known: ReadonlyMap<string, DimensionValue>): PolicyExplanation {
  const rules = set.rules.map((r) => explainRule(r, (d) => known.get(d)));
  let effect: Effect | null = null;
  for (const r of rules)
    if (r.result === 'held' && (effect === null || EFFECT_STRENGTH[r.effect] > EFFECT_STRENGTH[effect]))
      effect = r.effect;
  const floor = effect === null ? -1 : EFFECT_STRENGTH[effect];
  const uncertain = rules.some((r) => r.result === 'unknown' && EFFECT_STRENGTH[r.effect] >= floor);
  const deciding = set.rules.filter((r, i) => r.effect === effect && rules[i]?.result === 'held');
  return { policyVersion: set.version, decision: combine(effect, deciding, set.version), uncertain, rules };
}

/** Renders an explanation as text for a terminal. */
export function formatExplanation(e: PolicyExplanation): string {
  const mark: Record<ConditionResult, string> = { held: '✓', failed: '✗', unknown: '?' };
  const lines: string[] = [];
  for (const r of e.rules) {
    lines.push(
      `${mark[r.result]} ${r.id} (${r.effect}, priority ${r.priority}) ${r.location.file}:${r.location.line}`,
    );
    r.alternatives.forEach((alt, i) => {
      if (r.alternatives.length > 1) lines.push(`    alternative ${i + 1}: ${alt.result}`);
      if (alt.conditions.length === 0) lines.push('    (no conditions: matches every request)');
      for (const c of alt.conditions) {
        const seen = c.value === undefined ? 'not recorded' : JSON.stringify(c.value);
        lines.push(`    ${mark[c.result]} ${c.dimension} ${c.condition}  (value: ${seen})`);
      }
    });
  }
  const d = e.decision;
  lines.push('');
  lines.push(`decision: ${d.decision} (${d.code})${d.rules.length > 0 ? ` by ${d.rules.join(', ')}` : ''}`);
  if (d.obligations !== undefined) lines.push(`obligations: ${JSON.stringify(d.obligations)}`);
  if (d.approval !== undefined) lines.push(`approval: ${JSON.stringify(d.approval)}`);
  lines.push(`policy version: ${e.policyVersion}`);
  if (e.uncertain)
    lines.push(
      'note: some conditions read values the audit record does not keep; a rule marked ? could have changed this',
    );
  return `${lines.join('\n')}\n`;
}
