/**
 * The check role's one taint read per decision: the call's agent session, MCP session and principal,
 * read together before policy. Nothing is kept between decisions (issue 14: no module-level caches).
 */
import type { PipelineDeps } from '../deps.js';
import { stateful } from '../enforce/quarantine.js';
import type { Action } from '../model/action.js';
import type { Verdict } from '../verdict.js';
import type { PolicySet } from '../policy/types.js';
import { readsTaint } from '../policy/evaluate.js';
import { taintFacts, taintReason, type TaintFacts } from './taint-facts.js';
import { readKeys, taintScopeOf } from './taint-keys.js';

/** The call's taint; a store that fails makes the decision ERR_STATE_UNAVAILABLE (never "untainted"). */
export async function readSessionTaint(
  deps: Pick<PipelineDeps, 'store' | 'now'>,
  action: Action,
  headers: Readonly<Record<string, string>>,
): Promise<TaintFacts> {
  const now = deps.now();
  const records = await stateful(deps.store.taintOf(readKeys(taintScopeOf(action, headers)), now));
  return taintFacts(records, now);
}

/** True when a rule among `rules` reads a `taint.*` dimension: the decision is then the taint's doing. */
export function decidedByTaint(set: PolicySet, rules: readonly string[]): boolean {
  return rules.some((id) => {
    const rule = set.ruleById.get(id);
    return rule !== undefined && readsTaint(rule);
  });
}

/** What a decision made by the taint tells the agent: why, and which reads (for its approver too). */
export function taintVerdictParts(facts: TaintFacts): {
  readonly message: string;
  readonly details: NonNullable<Verdict['details']>;
} {
  const recent = facts.sources.slice(-8);
  return {
    message: taintReason(facts),
    details: {
      taint_sources: recent.map((s) => `${s.method} ${s.tool} @ ${s.server}`),
      taint_findings: facts.findings,
      tainted_at: new Date(recent[recent.length - 1]?.at ?? 0).toISOString(),
    },
  };
}
