/**
 * A JSON-RPC batch decided element by element (docs/mcp.md, "Batches"): each message is inspected and
 * evaluated as the action it is; the batch takes the strictest decision of its elements (deny, then approval,
 * then allow), keeps every element's findings (their paths say which element) and the rules that decided,
 * and records each element's decision. An element allowed only under obligations denies the batch: a rate
 * cap, a mask or a sandbox binds one call, and a batch answer is not one.
 */
import type { PipelineDeps } from '../deps.js';
import type { InspectorConfig } from '../inspect/inspector.js';
import type { Action } from '../model/action.js';
import type { Finding } from '../model/finding.js';
import type { AuditElement } from '../audit-record/audit-event.js';
import { evaluatePolicy } from '../policy/evaluate.js';
import type { PolicyFacts } from '../policy/policy-input.js';
import { shadowEvaluate } from '../policy/shadow.js';
import type { ApprovalSettings, PolicyDecision, PolicySet } from '../policy/types.js';
import { unreadableShellArgument } from '../shell/read-shell.js';
import type { ShellReader } from '../shell/shell-reader.js';

/** What one element came to, for the audit record. */
export type ElementDecision = Required<AuditElement>;

/** The elements' findings, each element's own list kept apart for its policy evaluation. */
export interface ElementFindings {
  /** Every element's findings, their paths under `$.elements[i]`. */
  readonly all: readonly Finding[];
  readonly perElement: readonly (readonly Finding[])[];
}

/** The first element argument no shell reader can read, naming the element; null when every one reads. */
export function unreadableElementShell(
  elements: readonly Action[],
  shell: ShellReader,
): {
  readonly code: NonNullable<ReturnType<typeof unreadableShellArgument>>['code'];
  readonly message: string;
} | null {
  for (let i = 0; i < elements.length; i++) {
    const unreadable = unreadableShellArgument(elements[i]!.action.arguments, shell);
    if (unreadable !== null)
      return { code: unreadable.code, message: `batch element ${i}: ${unreadable.message}` };
  }
  return null;
}

/** Inspects each element as the action it is; paths are moved under `$.elements[i]` so they say which. */
export async function inspectElements(
  deps: PipelineDeps,
  elements: readonly Action[],
  headers: Readonly<Record<string, string>>,
  config: InspectorConfig,
  between?: () => Promise<void>,
): Promise<ElementFindings> {
  const all: Finding[] = [];
  const perElement: (readonly Finding[])[] = [];
  for (let i = 0; i < elements.length; i++) {
    const found =
      between === undefined
        ? await deps.inspect(elements[i]!, headers, config)
        : await deps.inspect(elements[i]!, headers, config, between);
    perElement.push(found);
    for (const f of found) all.push({ ...f, path: `$.elements[${i}]${f.path.slice(1)}` });
  }
  return { all, perElement };
}

/** The batch's policy decision, or the refusal of a batch holding an element allowed under obligations. */
export type BatchPolicy =
  | { readonly ok: true; readonly policy: PolicyDecision; readonly elements: readonly ElementDecision[] }
  | {
      readonly ok: false;
      readonly rules: readonly string[];
      readonly message: string;
      readonly elements: readonly ElementDecision[];
    };

const STRICTNESS: Readonly<Record<string, number>> = {
  ALLOW: 0,
  ALLOW_WITH_OBLIGATIONS: 1,
  REQUIRE_APPROVAL: 2,
  DENY: 3,
};

/**
 * Evaluates every element and combines: the strictest decision wins; its code, approval settings and the
 * union of the rules that decided it at that strictness are the batch's. Shadow mode compares each element.
 */
export function evaluateElements(
  deps: PipelineDeps,
  set: PolicySet,
  elements: readonly Action[],
  findings: ElementFindings,
  facts: PolicyFacts,
  traceId: string,
  shell: ShellReader,
): BatchPolicy {
  const decisions: PolicyDecision[] = [];
  const records: ElementDecision[] = [];
  for (let i = 0; i < elements.length; i++) {
    const element = elements[i]!;
    const own = findings.perElement[i] ?? [];
    const decision = evaluatePolicy(set, element, own, facts, shell);
    if (deps.shadow !== undefined)
      deps.shadow.record(shadowEvaluate(deps.shadow.policy(), element, own, decision, traceId, facts, shell));
    decisions.push(decision);
    records.push({
      tool: element.action.tool,
      operation: element.action.operation,
      mcp_kind: element.action.mcpKind ?? null,
      mcp_method: element.action.mcpMethod,
      decision: decision.decision,
      rules: decision.rules,
    });
  }
  let strictest = decisions[0]!;
  for (const d of decisions)
    if ((STRICTNESS[d.decision] ?? 3) > (STRICTNESS[strictest.decision] ?? 3)) strictest = d;
  const deciding = decisions.filter((d) => d.decision === strictest.decision);
  const rules = [...new Set(deciding.flatMap((d) => d.rules))];
  // SECURITY: obligations bind one call; an approval granted for the batch must not shed them either.
  const bound = decisions.findIndex((d) => d.decision === 'ALLOW_WITH_OBLIGATIONS');
  if (bound !== -1 && strictest.decision !== 'DENY') {
    const boundRules = decisions[bound]!.rules;
    return {
      ok: false,
      rules: boundRules,
      message: `batch element ${bound} is allowed only under the obligations of rule(s) ${boundRules.join(', ')}: send it on its own`,
      elements: records,
    };
  }
  const approval = strictest.decision === 'REQUIRE_APPROVAL' ? mergedApproval(deciding) : undefined;
  return {
    ok: true,
    policy: { ...strictest, rules, ...(approval === undefined ? {} : { approval }) },
    elements: records,
  };
}

/**
 * One approval for every element that needs one: only an approver every element's rule names (an approver of
 * one element must not approve another's call by batching them), every webhook, the shortest TTL.
 */
function mergedApproval(deciding: readonly PolicyDecision[]): ApprovalSettings | undefined {
  const settings = deciding.flatMap((d) => (d.approval === undefined ? [] : [d.approval]));
  if (settings.length === 0) return undefined;
  const [first, ...rest] = settings;
  return {
    approvers: first!.approvers.filter((a) => rest.every((s) => s.approvers.includes(a))),
    webhooks: [...new Set(settings.flatMap((s) => s.webhooks))],
    ttlSeconds: Math.min(...settings.map((s) => s.ttlSeconds)),
  };
}
