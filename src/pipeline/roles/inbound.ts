/**
 * The inbound role: calls from external systems into a governed agent. Admit (body limits, a valid
 * session token), authenticate and check the delegation chain, refuse a quarantined caller, inspect what
 * is handed to the agent, then decide by the same policy set (rules target it with `context.role:
 * inbound`). Every stage can deny; quarantine signals and obligations hold the caller as on the check role.
 */
import { admitRequest } from '../admit.js';
import { IDENTITY_SECRET_HEADERS, OBLIGATIONS_HEADER, WRIT_UPSTREAM_HEADERS } from '../headers.js';
import { deepFreeze } from '../deep-freeze.js';
import type { PipelineDeps } from '../deps.js';
import type { PipelineMemo } from '../pipeline-memo.js';
import { enforceRateCaps, quarantineSignal, rateLimitDenial } from '../enforce/obligations.js';
import { heldQuarantine, quarantineCaller, quarantineDenial, stateful } from '../enforce/quarantine.js';
import type { IdentityStage } from '../identity/stage.js';
import { withHopOrigin } from '../identity/trusted-hop.js';
import { INSPECTOR_FAILED } from '../inspect/run-inspectors.js';
import type { RawRequest } from '../model/raw-request.js';
import { normalizePaced } from '../normalize-paced.js';
import { UNPACED, type Pace } from '../pace.js';
import { makeOutcome, type Outcome } from '../outcome.js';
import { evaluatePolicy } from '../policy/evaluate.js';
import { evaluateElements, inspectElements, type ElementDecision } from './batch-decision.js';
import { obligationsToJson } from '../policy/types.js';

/**
 * Stripped before the call reaches the agent: writ's own upstream headers (an outside caller must not
 * forge them) and the credentials writ consumed (the agent has no use for them and must not replay them).
 */
export const INBOUND_STRIPPED_HEADERS: readonly string[] = [
  ...WRIT_UPSTREAM_HEADERS,
  ...IDENTITY_SECRET_HEADERS,
];

/** Decides one inbound call. Throws WritError on malformed input (the caller denies and audits it). */
export async function decideInbound(
  deps: PipelineDeps,
  identityStage: IdentityStage,
  memo: PipelineMemo,
  raw: RawRequest,
  traceId: string,
  pace: Pace = UNPACED,
): Promise<Outcome> {
  const set = deps.policy();
  admitRequest(raw, deps.settings.maxBodyBytes);
  const nowMs = deps.now();
  const head = {
    raw,
    role: raw.role,
    traceId,
    policyVersion: set.version,
    removeHeaders: INBOUND_STRIPPED_HEADERS,
  } as const;
  // Admission by session first: an unauthenticated caller's body is not even parsed.
  const session = await identityStage.authenticateSession(raw, nowMs);
  if (!session.ok) {
    return makeOutcome({
      ...head,
      decision: 'DENY',
      code: session.code,
      message: session.message,
      ...(session.cause === undefined ? {} : { details: { cause: session.cause } }),
    });
  }
  const cfg = memo.inspectorConfig(set);
  const normalized = await normalizePaced(deps, raw, memo.normalizeConfig(cfg, deps.settings), pace);
  // A costly decision lets other requests run between its stages, and stops once its deadline has passed.
  if (pace.costly) await pace.checkpoint();
  const identity = await identityStage.resolve(raw, normalized, {
    nowMs,
    trustAgentHeaders: deps.settings.trustAgentHeaders,
    strictBearer: true,
    session,
  });
  // `x-writ-origin` counts only from a configured origin hop (identity/trusted-hop.ts).
  const hops = deps.settings.originHops;
  const peer = hops === undefined ? '' : identityStage.boundWorkload(raw, normalized);
  if (!identity.ok) {
    // Denied before policy: the record names the identity code and no rule.
    return makeOutcome({
      ...head,
      action: deepFreeze(withHopOrigin(normalized, raw, peer, hops)),
      decision: 'DENY',
      code: identity.code,
      message: identity.message,
    });
  }
  const action = deepFreeze(withHopOrigin(identity.action, raw, peer, hops));
  const principal = action.subject.principal ?? 'anonymous';
  const sessionId = action.context.sessionId;
  // A held caller gets nothing further, as on the check role: no inspection, no policy.
  const held = await heldQuarantine(deps, principal, sessionId);
  if (held !== null) {
    return makeOutcome({
      ...head,
      action,
      decision: 'DENY',
      code: 'ERR_QUARANTINED',
      ...quarantineDenial(held),
    });
  }
  // The inspectors see exactly what the agent will be handed (prompt injection above all); a batch's every
  // message is inspected and decided as the action it is (roles/batch-decision.ts).
  const elements = action.elements;
  const byElement =
    elements === undefined
      ? undefined
      : await inspectElements(deps, elements, raw.headers, cfg, pace.costly ? pace.checkpoint : undefined);
  const findings =
    byElement !== undefined
      ? byElement.all
      : pace.costly
        ? await deps.inspect(action, raw.headers, cfg, pace.checkpoint)
        : await deps.inspect(action, raw.headers, cfg);
  if (pace.costly) await pace.checkpoint();
  const base = { ...head, action, findings } as const;
  if (findings.some((f) => f.id === INSPECTOR_FAILED)) {
    return makeOutcome({ ...base, decision: 'DENY', code: 'ERR_INSPECTOR_FAILED' });
  }
  // SECURITY: a configured signal quarantines the outside caller's session before policy runs.
  const signal = quarantineSignal(findings, deps.settings.quarantineOn);
  if (signal !== null) {
    const record = await quarantineCaller(
      deps,
      principal,
      sessionId,
      `finding ${signal.id} (${signal.severity})`,
      traceId,
    );
    return makeOutcome({ ...base, decision: 'DENY', code: 'ERR_QUARANTINED', ...quarantineDenial(record) });
  }
  const facts = { headers: raw.headers };
  let policy;
  let batchElements: readonly ElementDecision[] | undefined;
  if (elements !== undefined && byElement !== undefined) {
    const batch = evaluateElements(deps, set, elements, byElement, facts, traceId, memo.shell);
    batchElements = batch.elements;
    if (!batch.ok)
      return makeOutcome({
        ...base,
        elements: batchElements,
        decision: 'DENY',
        code: 'ERR_MCP_BATCH_OBLIGATIONS',
        message: batch.message,
        rules: batch.rules,
      });
    policy = batch.policy;
  } else policy = evaluatePolicy(set, action, findings, facts, memo.shell);
  switch (policy.decision) {
    case 'DENY':
      return makeOutcome({
        ...base,
        elements: batchElements,
        decision: 'DENY',
        code: policy.code,
        rules: policy.rules,
      });
    case 'REQUIRE_APPROVAL':
      // An external caller has no way to wait for or retry against a human approval: deny, naming the rule.
      return makeOutcome({
        ...base,
        elements: batchElements,
        decision: 'DENY',
        code: policy.code,
        message: 'a rule requires approval, which the inbound role cannot hold; denied',
        rules: policy.rules,
      });
    case 'ALLOW':
      return makeOutcome({
        ...base,
        elements: batchElements,
        decision: 'ALLOW',
        code: policy.code,
        rules: policy.rules,
      });
    case 'ALLOW_WITH_OBLIGATIONS': {
      const exceeded = await stateful(
        enforceRateCaps(deps.store, set, policy.rules, principal, action.action.tool),
      );
      if (exceeded !== null) {
        return makeOutcome({ ...base, ...rateLimitDenial(exceeded), rules: policy.rules });
      }
      // This call runs under its obligations; every further call of the session is denied.
      if (policy.obligations?.quarantine === true)
        await quarantineCaller(
          deps,
          principal,
          sessionId,
          `obligation of rule(s) ${policy.rules.join(', ')}`,
          traceId,
        );
      // The agent's runtime applies the remaining obligations (masking, sandbox); writ states them.
      const obligations =
        policy.obligations === undefined ? null : JSON.stringify(obligationsToJson(policy.obligations));
      return makeOutcome({
        ...base,
        decision: 'ALLOW_WITH_OBLIGATIONS',
        code: policy.code,
        rules: policy.rules,
        obligations,
        ...(obligations === null
          ? {}
          : {
              upstreamHeaders: { [OBLIGATIONS_HEADER]: obligations },
              removeHeaders: INBOUND_STRIPPED_HEADERS.filter((x) => x !== OBLIGATIONS_HEADER),
            }),
      });
    }
  }
}
