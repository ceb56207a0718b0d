/** Policy types: what a validated, compiled policy set looks like, and what evaluating it yields. */
import type { UnboundHeaderRule, UnboundHeaderSets } from '../bind/bound-headers.js';
import type { JsonObject } from '../model/json.js';
import type { DimensionValue } from './dimensions.js';
import type { PolicyInput } from './policy-input.js';
import type { ParanoiaLevel } from '../inspect/lib/paranoia.js';

/** What a rule does when it matches. */
export type Effect = 'allow' | 'deny' | 'require_approval' | 'allow_with_obligations';

/** Effects from weakest to strongest, in combining order: a stronger matching effect decides. */
export const EFFECT_STRENGTH: Readonly<Record<Effect, number>> = {
  allow: 0,
  allow_with_obligations: 1,
  require_approval: 2,
  deny: 3,
};

/**
 * What a response rule (`response_rules:`, docs/policy.md) does to an upstream's answer when it matches:
 * let it pass, say what was found (annotate), mask secrets and personal data in place, withhold it (block),
 * or mark the agent's session as having read it (taint). Matching outcomes combine; block overrides all.
 */
export type ResponseEffect = 'pass' | 'annotate' | 'mask' | 'block' | 'taint';

/** What a policy decides. */
export type Decision = 'ALLOW' | 'DENY' | 'REQUIRE_APPROVAL' | 'ALLOW_WITH_OBLIGATIONS';

/** Settings for a require_approval rule. */
export interface ApprovalSettings {
  readonly approvers: readonly string[];
  readonly webhooks: readonly string[];
  readonly ttlSeconds: number;
}

/** Obligations a rule attaches to an allow; they travel signed inside the execution token. */
export interface Obligations {
  readonly mask?: readonly string[];
  readonly rate?: { readonly limit: number; readonly windowSeconds: number };
  readonly sandbox?: string;
  readonly quarantine?: boolean;
}

/** Where a rule or condition was written, for messages and explanations. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** One condition of a rule, compiled: the dimension it reads and a predicate over the value. */
export interface CompiledCondition {
  readonly dimension: string;
  /** The condition as written, for explanations (`{"in":"$production_databases"}`). */
  readonly source: string;
  /** Reads the dimension's value from an input. */
  readonly read: (input: PolicyInput) => DimensionValue;
  /** The compiled predicate over a dimension value. */
  readonly holds: (value: DimensionValue) => boolean;
  /** `holds(read(input))`. */
  readonly test: (input: PolicyInput) => boolean;
  /**
   * When the condition holds exactly for a finite set of scalar values (`equals`, `in`, a bare scalar or
   * list), that set: the evaluator indexes on it and the shadow check compares it.
   */
  readonly oneOf?: ReadonlySet<string | number | boolean>;
  readonly location: SourceLocation;
}

/** A rule after validation: conditions compiled, settings parsed, position kept for messages. */
export interface CompiledRule {
  readonly id: string;
  readonly description: string;
  readonly priority: number;
  readonly effect: Effect;
  /** Alternatives (OR) of condition groups (AND). A rule with no conditions matches everything. */
  readonly anyOf: ReadonlyArray<readonly CompiledCondition[]>;
  readonly approval?: ApprovalSettings;
  readonly obligations?: Obligations;
  readonly location: SourceLocation;
  /** Position in the set's evaluation order (priority descending, then id); decisions list ids in it. */
  readonly ordinal: number;
}

/** A response-direction rule: the same conditions as a request rule, with a response effect. */
export interface CompiledResponseRule extends Omit<CompiledRule, 'effect' | 'approval' | 'obligations'> {
  readonly effect: ResponseEffect;
}

/** A validated policy set: only `loadPolicySet` makes one, so evaluation never meets a parse error. */
export interface PolicySet {
  /** sha256 over the loaded files (names and bytes), first 16 hex digits. */
  readonly version: string;
  readonly rules: readonly CompiledRule[];
  /** `response_rules:`, in evaluation order (priority descending, then id); empty: every response is blocked. */
  readonly responseRules: readonly CompiledResponseRule[];
  readonly lists: Readonly<Record<string, readonly string[]>>;
  readonly timezone: string;
  /** `settings.paranoia` (1-4): how widely inspectors judge values (inspect/lib/paranoia.ts); absent: 1. */
  readonly paranoia?: ParanoiaLevel;
  /**
   * `settings.mcp_token_audience`: `enforce` (absent: the same) refuses an MCP call whose bearer token was
   * issued for another server (ERR_MCP_TOKEN_AUDIENCE, identity/mcp-token-audience.ts); `off` leaves it to rules.
   */
  readonly mcpTokenAudience?: 'enforce' | 'off';
  /** `settings.unbound_headers`: per host, headers execution tokens leave unbound besides the mesh's own. */
  readonly unboundHeaders?: readonly UnboundHeaderRule[];
  /** The same rules with the header set of each host, built at load and owned by this set. */
  readonly unboundHeaderSets?: UnboundHeaderSets;
  readonly files: readonly string[];
  /**
   * The files that end with the end marker `...` (policy/end-marker.ts): a reload refuses a set in which
   * one of them lost it or is missing, since that is what a partial write looks like.
   */
  readonly sealedFiles: readonly string[];
  /** The rules by id, built once at load (rate caps look a deciding rule up by its id). */
  readonly ruleById: ReadonlyMap<string, CompiledRule>;
  /** The evaluator's lookup structure, built once at load. */
  readonly index: RuleIndex;
}

/** Rules of one effect, bucketed by the value of a dimension every one of their alternatives pins down. */
export interface EffectIndex {
  /** Rules no single equality pins down: always evaluated. */
  readonly unindexed: readonly CompiledRule[];
  readonly keyed: ReadonlyArray<{
    readonly dimension: string;
    readonly read: (input: PolicyInput) => DimensionValue;
    readonly buckets: ReadonlyMap<DimensionValue, readonly CompiledRule[]>;
  }>;
}

/** One EffectIndex per effect, strongest first: evaluation stops at the first effect with a match. */
export type RuleIndex = ReadonlyArray<{ readonly effect: Effect; readonly index: EffectIndex }>;

/** What policy decided, and which rules decided it. */
export interface PolicyDecision {
  readonly decision: Decision;
  readonly code:
    | 'POLICY_ALLOW'
    | 'POLICY_DENY'
    | 'POLICY_DEFAULT_DENY'
    | 'POLICY_REQUIRE_APPROVAL'
    | 'POLICY_ALLOW_WITH_OBLIGATIONS';
  /** The ids of the rules that made the decision (the deciding effect's matches), in priority order. */
  readonly rules: readonly string[];
  readonly approval?: ApprovalSettings;
  readonly obligations?: Obligations;
  readonly policyVersion: string;
}

/** Obligations as signed into a token. */
export function obligationsToJson(o: Obligations): JsonObject {
  const out: JsonObject = {};
  if (o.mask !== undefined) out['mask'] = [...o.mask];
  if (o.rate !== undefined) out['rate'] = { limit: o.rate.limit, window_s: o.rate.windowSeconds };
  if (o.sandbox !== undefined) out['sandbox'] = o.sandbox;
  if (o.quarantine !== undefined) out['quarantine'] = o.quarantine;
  return out;
}
