/**
 * The evaluator's index, built once at load: rules grouped by effect (strongest first), and within an
 * effect bucketed by a dimension value that every alternative of the rule requires by equality. With a
 * thousand rules a decision then evaluates only the rules whose tool or host can match.
 */
import type { DimensionValue } from './dimensions.js';
import type { PolicyInput } from './policy-input.js';
import {
  EFFECT_STRENGTH,
  type CompiledRule,
  type Effect,
  type EffectIndex,
  type RuleIndex,
} from './types.js';

/** Dimensions worth indexing on, most selective first; any other equality dimension comes after them. */
const PREFERRED = [
  'action.tool',
  'resource.host',
  'resource.database',
  'resource.table',
  'action.command',
  'subject.agent',
  'subject.spiffe_id',
  'subject.principal',
  'subject.service_account',
  'subject.tenant',
  'subject.namespace',
  'action.mcp_method',
  'action.api_operation',
  'action.adapter',
  'action.operation',
  'action.http_method',
];
const rank = (dimension: string) => {
  const i = PREFERRED.indexOf(dimension);
  return i === -1 ? PREFERRED.length : i;
};

/** The dimension and values a rule can be bucketed by, or null when some alternative has no equality. */
function indexKey(
  rule: CompiledRule,
): { dimension: string; values: Set<DimensionValue>; read: (i: PolicyInput) => DimensionValue } | null {
  const first = rule.anyOf[0];
  if (first === undefined) return null;
  const candidates = first
    .filter((c) => c.oneOf !== undefined)
    .sort((a, b) => rank(a.dimension) - rank(b.dimension));
  for (const cand of candidates) {
    const values = new Set<DimensionValue>();
    // INVARIANT: the rule goes only into the buckets of values some alternative requires, so every
    // alternative must pin the dimension down; one that does not makes the rule unindexable on it.
    const pinned = rule.anyOf.every((group) => {
      const c = group.find((x) => x.dimension === cand.dimension && x.oneOf !== undefined);
      if (c === undefined || c.oneOf === undefined) return false;
      for (const v of c.oneOf) values.add(v);
      return true;
    });
    if (pinned) return { dimension: cand.dimension, values, read: cand.read };
  }
  return null;
}

/** Builds the index for rules already sorted in evaluation order. */
export function buildRuleIndex(rules: readonly CompiledRule[]): RuleIndex {
  const effects = (Object.keys(EFFECT_STRENGTH) as Effect[]).sort(
    (a, b) => EFFECT_STRENGTH[b] - EFFECT_STRENGTH[a],
  );
  return effects.map((effect) => {
    const unindexed: CompiledRule[] = [];
    const keyed = new Map<
      string,
      {
        dimension: string;
        read: (i: PolicyInput) => DimensionValue;
        buckets: Map<DimensionValue, CompiledRule[]>;
      }
    >();
    for (const rule of rules) {
      if (rule.effect !== effect) continue;
      const key = indexKey(rule);
      if (key === null) {
        unindexed.push(rule);
        continue;
      }
      let entry = keyed.get(key.dimension);
      if (entry === undefined) {
        entry = { dimension: key.dimension, read: key.read, buckets: new Map() };
        keyed.set(key.dimension, entry);
      }
      for (const v of key.values) {
        const bucket = entry.buckets.get(v);
        if (bucket === undefined) entry.buckets.set(v, [rule]);
        else bucket.push(rule);
      }
    }
    const index: EffectIndex = {
      unindexed,
      keyed: [...keyed.values()].sort((a, b) => rank(a.dimension) - rank(b.dimension)),
    };
    return { effect, index };
  });
}
