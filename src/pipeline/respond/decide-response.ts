/**
 * Decides one upstream message by the policy set's response rules (docs/policy.md, Response rules). Every
 * matching rule counts: a block withholds the message whatever else matched; otherwise the message is
 * annotated, masked and its session tainted as the matching rules say. No matching rule is a block:
 * responses are closed by default, like requests.
 */
import type { ReasonCode } from '../errors.js';
import type { Action } from '../model/action.js';
import type { Finding } from '../model/finding.js';
import { ruleMatches } from '../policy/evaluate.js';
import { policyInput, type PolicyFacts } from '../policy/policy-input.js';
import type { PolicySet, ResponseEffect } from '../policy/types.js';

/** What the response rules decided for one message. */
export interface ResponseDecision {
  readonly block: boolean;
  readonly annotate: boolean;
  readonly mask: boolean;
  readonly taint: boolean;
  /** The reason code: the strongest outcome (block, mask, taint, annotate, pass) or the default block. */
  readonly code: ReasonCode;
  /** The ids of the matching rules whose effect applies, in evaluation order. */
  readonly rules: readonly string[];
  readonly policyVersion: string;
}

/** Decides a message from its action, findings and facts (`response.kind`, `response.status`). Pure. */
export function decideResponse(
  set: PolicySet,
  action: Action,
  findings: readonly Finding[],
  facts: PolicyFacts,
): ResponseDecision {
  const input = policyInput(action, findings, facts);
  const matched = set.responseRules.filter((r) => ruleMatches(r, input));
  const has = (e: ResponseEffect) => matched.some((r) => r.effect === e);
  const base = { policyVersion: set.version };
  if (matched.length === 0)
    return {
      ...base,
      block: true,
      annotate: false,
      mask: false,
      taint: false,
      code: 'RESPONSE_DEFAULT_BLOCK',
      rules: [],
    };
  if (has('block'))
    return {
      ...base,
      block: true,
      annotate: false,
      mask: false,
      taint: false,
      code: 'RESPONSE_BLOCKED',
      rules: matched.filter((r) => r.effect === 'block').map((r) => r.id),
    };
  const mask = has('mask');
  const taint = has('taint');
  const annotate = has('annotate');
  const code: ReasonCode = mask
    ? 'RESPONSE_MASKED'
    : taint
      ? 'RESPONSE_TAINTED'
      : annotate
        ? 'RESPONSE_ANNOTATED'
        : 'RESPONSE_PASS';
  // A pass rule is named only when nothing stronger applies: the record lists the rules that acted.
  const acting = code === 'RESPONSE_PASS' ? matched : matched.filter((r) => r.effect !== 'pass');
  return { ...base, block: false, annotate, mask, taint, code, rules: acting.map((r) => r.id) };
}
