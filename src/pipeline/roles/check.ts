/**
 * The check role: normalize, check quarantine, inspect, decide, enforce (approvals, rate caps,
 * quarantine signals), and bind an allowed action to a signed execution token.
 */
import { admitRequest } from '../admit.js';
import { bindAction, canonicalAuthority } from '../bind/canonical-action.js';
import { deepFreeze } from '../deep-freeze.js';
import type { PipelineDeps } from '../deps.js';
import type { PipelineMemo } from '../pipeline-memo.js';
import { approvalDetails, gateApproval } from '../enforce/approval-gate.js';
import { enforceRateCaps, quarantineSignal, rateLimitDenial } from '../enforce/obligations.js';
import { heldQuarantine, quarantineCaller, quarantineDenial, stateful } from '../enforce/quarantine.js';
import { WritError } from '../errors.js';
import type { IdentityStage } from '../identity/stage.js';
import { INSPECTOR_FAILED } from '../inspect/run-inspectors.js';
import type { RawRequest } from '../model/raw-request.js';
import { normalizePaced } from '../normalize-paced.js';
import { UNPACED, type Pace } from '../pace.js';
import { makeOutcome, type Outcome, type OutcomeInput } from '../outcome.js';
import { evaluatePolicy } from '../policy/evaluate.js';
import { shadowEvaluate } from '../policy/shadow.js';
import { unreadableShellArgument } from '../shell/read-shell.js';
import {
  evaluateElements,
  inspectElements,
  unreadableElementShell,
  type ElementDecision,
} from './batch-decision.js';
import { obligationsToJson, type Obligations } from '../policy/types.js';
import { withHopOrigin } from '../identity/trusted-hop.js';
import { mcpTokenAudience, tokenAudiences } from '../identity/mcp-token-audience.js';
import { decidedByTaint, readSessionTaint, taintVerdictParts } from '../taint/read-taint.js';
import { answersFact, matchAnswer, sessionRoots } from '../enforce/server-request-answer.js';
import { OBLIGATIONS_HEADER, SANDBOX_HEADER, TOKEN_HEADER, WRIT_UPSTREAM_HEADERS } from '../headers.js';

/** An allow without obligations sets the token and strips the other two. */
const REMOVE_ON_PLAIN_ALLOW: readonly string[] = Object.freeze([OBLIGATIONS_HEADER, SANDBOX_HEADER]);

/** Decides one outbound call. Throws WritError on malformed input (the caller denies and audits it). */
export async function decideCheck(
  deps: PipelineDeps,
  identityStage: IdentityStage,
  memo: PipelineMemo,
  raw: RawRequest,
  traceId: string,
  pace: Pace = UNPACED,
): Promise<Outcome> {
  const set = deps.policy();
  admitRequest(raw, deps.settings.maxBodyBytes);
  const inspectorConfig = memo.inspectorConfig(set);
  // Every stage below reads a costly request's arguments through the facts its thread answers (kept-arguments.ts).
  const normalized = await normalizePaced(
    deps,
    raw,
    memo.normalizeConfig(inspectorConfig, deps.settings),
    pace,
    'until-inspected',
  );
  // A costly decision lets other requests run between its stages, and stops once its deadline has passed.
  if (pace.costly) await pace.checkpoint();
  // The agent's own credentials and delegation chain (src/pipeline/identity/); denials come before policy.
  const identity = await identityStage.resolve(raw, normalized, {
    nowMs: deps.now(),
    trustAgentHeaders: deps.settings.trustAgentHeaders,
    strictBearer: false,
  });
  // `x-writ-origin` counts only from a configured origin hop (identity/trusted-hop.ts).
  const hops = deps.settings.originHops;
  const peer = hops === undefined ? '' : identityStage.boundWorkload(raw, normalized);
  const action = deepFreeze(withHopOrigin(identity.ok ? identity.action : normalized, raw, peer, hops));
  if (pace.costly) await pace.checkpoint();
  // A denial before inspection and policy: no findings, no rules, only the code and why.
  const denyEarly = (denial: Pick<OutcomeInput, 'code' | 'message' | 'details'>): Outcome =>
    makeOutcome({
      raw,
      role: raw.role,
      traceId,
      action,
      policyVersion: set.version,
      decision: 'DENY',
      removeHeaders: WRIT_UPSTREAM_HEADERS,
      ...denial,
    });
  if (!identity.ok) return denyEarly({ code: identity.code, message: identity.message });
  // SECURITY: MCP forbids token passthrough; a token one can tell was issued for another server is refused.
  if (set.mcpTokenAudience !== 'off') {
    const authorization = raw.headers['authorization'] ?? null;
    if (mcpTokenAudience(action, authorization) === 'other')
      return denyEarly({
        code: 'ERR_MCP_TOKEN_AUDIENCE',
        message: `the bearer token was issued for ${tokenAudiences(authorization).slice(0, 4).join(', ').slice(0, 200)}, not for this MCP server (${action.resource.scheme}://${action.resource.host}${action.resource.path.slice(0, 80)})`,
      });
  }
  const subject = action.subject.principal ?? 'anonymous';
  const sessionId = action.context.sessionId;
  // One quarantine read and one taint read per decision, together, before any inspection work: a
  // quarantined caller gets nothing further; the taint is what policy sees of the session's reads.
  const [held, taint] = await Promise.all([
    heldQuarantine(deps, subject, sessionId),
    readSessionTaint(deps, action, raw.headers),
  ]);
  if (held !== null) {
    return denyEarly({
      code: 'ERR_QUARANTINED',
      ...quarantineDenial(held),
    });
  }
  // An MCP answer is matched to the server request it answers (taken once); one that answers nothing
  // asked in a session where writ saw the server's requests is refused (enforce/server-request-answer.ts).
  const answer = await matchAnswer(deps, action, raw.headers);
  if (answer.kind === 'unsolicited') {
    return denyEarly({
      code: 'ERR_MCP_UNSOLICITED_RESPONSE',
      message: `the response with id ${answer.id} answers no request the MCP server sent in this session (never sent, lapsed, or already answered)`,
    });
  }
  // SECURITY: a command line writ cannot read completely is never harmless (src/pipeline/shell/).
  const elements = action.elements;
  const unreadable =
    elements === undefined
      ? unreadableShellArgument(action.action.arguments, memo.shell)
      : unreadableElementShell(elements, memo.shell);
  if (unreadable !== null) {
    return denyEarly({
      code: unreadable.code,
      message: unreadable.message,
    });
  }
  // A JSON-RPC batch: each message is inspected and decided as the action it is (roles/batch-decision.ts).
  const byElement =
    elements === undefined
      ? undefined
      : await inspectElements(
          deps,
          elements,
          raw.headers,
          inspectorConfig,
          pace.costly ? pace.checkpoint : undefined,
        );
  const findings =
    byElement !== undefined
      ? byElement.all
      : pace.costly
        ? await deps.inspect(action, raw.headers, inspectorConfig, pace.checkpoint)
        : await deps.inspect(action, raw.headers, inspectorConfig);
  if (pace.costly) await pace.checkpoint();
  const base = { raw, role: raw.role, traceId, action, findings, policyVersion: set.version } as const;
  const quarantine = (reason: string) => quarantineCaller(deps, subject, sessionId, reason, traceId);
  // SECURITY: an inspector that crashed saw something it could not handle; that is not a clean bill.
  if (findings.some((f) => f.id === INSPECTOR_FAILED)) {
    return makeOutcome({
      ...base,
      decision: 'DENY',
      code: 'ERR_INSPECTOR_FAILED',
      removeHeaders: WRIT_UPSTREAM_HEADERS,
    });
  }
  // SECURITY: a configured signal (a finding id or severity) quarantines the session before policy runs.
  const signal = quarantineSignal(findings, deps.settings.quarantineOn);
  if (signal !== null) {
    const record = await quarantine(`finding ${signal.id} (${signal.severity})`);
    return makeOutcome({
      ...base,
      decision: 'DENY',
      code: 'ERR_QUARANTINED',
      ...quarantineDenial(record),
      removeHeaders: WRIT_UPSTREAM_HEADERS,
    });
  }
  const answers = answersFact(answer);
  const roots = await sessionRoots(deps, action, raw.headers);
  const facts = {
    headers: raw.headers,
    taint,
    ...(answers === undefined ? {} : { mcpAnswers: answers }),
    ...(roots === undefined ? {} : { mcpRoots: roots }),
  };
  let policy;
  let batchElements: readonly ElementDecision[] | undefined;
  if (elements !== undefined && byElement !== undefined) {
    const batch = evaluateElements(deps, set, elements, byElement, facts, traceId, memo.shell);
    batchElements = batch.elements;
    if (!batch.ok) {
      return makeOutcome({
        ...base,
        elements: batchElements,
        decision: 'DENY',
        code: 'ERR_MCP_BATCH_OBLIGATIONS',
        message: batch.message,
        rules: batch.rules,
        removeHeaders: WRIT_UPSTREAM_HEADERS,
      });
    }
    policy = batch.policy;
  } else {
    policy = evaluatePolicy(set, action, findings, facts, memo.shell);
    // Shadow mode: the candidate set decides too, and only the difference is kept (it never enforces).
    if (deps.shadow !== undefined)
      deps.shadow.record(
        shadowEvaluate(deps.shadow.policy(), action, findings, policy, traceId, facts, memo.shell),
      );
  }
  // A decision a taint rule made says so: which read, from where, when, and what it carried.
  const byTaint =
    taint.tainted && policy.decision !== 'ALLOW' && decidedByTaint(set, policy.rules)
      ? taintVerdictParts(taint)
      : null;
  if (pace.costly) await pace.checkpoint();
  if (policy.decision === 'DENY') {
    return makeOutcome({
      ...base,
      elements: batchElements,
      decision: 'DENY',
      code: policy.code,
      rules: policy.rules,
      removeHeaders: WRIT_UPSTREAM_HEADERS,
      ...(byTaint === null ? {} : byTaint),
    });
  }
  // The envelope binds who asked (the workload identity verify must see again) and the bound headers.
  const binding = bindAction(raw, action, {
    subject: identityStage.boundWorkload(raw, action),
    unboundHeaders: set.unboundHeaderSets,
  });
  const bound = binding.parts;
  const ah = binding.hash;
  let decision = policy.decision;
  let code = policy.code;
  let rules = policy.rules;
  let granted: Obligations | undefined;
  if (policy.decision === 'REQUIRE_APPROVAL') {
    const now = deps.now();
    const q = raw.path.indexOf('?');
    const approvalSettings = policy.approval ?? { approvers: [], webhooks: [], ttlSeconds: 900 };
    const { resolution, record } = await stateful(
      gateApproval(deps.store, {
        action,
        path: q === -1 ? raw.path : raw.path.slice(0, q),
        actionHash: ah,
        findings,
        rules: policy.rules,
        settings: approvalSettings,
        traceId,
        policyVersion: set.version,
        nowMs: now,
        taint,
      }),
    );
    if (resolution === 'created') {
      try {
        deps.hooks?.approvalCreated?.(record, approvalSettings.webhooks);
      } catch (err) {
        // The approval exists; a failing notifier must not change the decision.
        deps.log.error({ err, approvalId: record.id }, 'approval notifier threw');
      }
    }
    const details = approvalDetails(record, resolution, now, deps.settings.approvalRetryAfterSeconds);
    const deny = {
      ...base,
      elements: batchElements,
      rules: policy.rules,
      actionHash: ah,
      bodySha256: binding.bodySha256,
      removeHeaders: WRIT_UPSTREAM_HEADERS,
      ...(byTaint === null
        ? { details }
        : { message: byTaint.message, details: { ...details, ...byTaint.details } }),
    } as const;
    switch (resolution) {
      case 'created':
        return makeOutcome({ ...deny, decision: 'REQUIRE_APPROVAL', code: policy.code });
      case 'pending':
        return makeOutcome({ ...deny, decision: 'REQUIRE_APPROVAL', code: 'APPROVAL_PENDING' });
      case 'denied':
        return makeOutcome({ ...deny, decision: 'DENY', code: 'APPROVAL_DENIED' });
      case 'expired':
        return makeOutcome({ ...deny, decision: 'DENY', code: 'ERR_APPROVAL_EXPIRED' });
      case 'granted':
        // INVARIANT: the store consumed the approval atomically; no other call can be granted by it.
        decision = 'ALLOW';
        code = 'APPROVAL_GRANTED' as typeof code;
        rules = [...policy.rules, `approval:${record.id}`];
        break;
    }
  } else if (policy.obligations !== undefined) {
    const exceeded = await stateful(
      enforceRateCaps(deps.store, set, policy.rules, subject, action.action.tool),
    );
    if (exceeded !== null) {
      return makeOutcome({
        ...base,
        elements: batchElements,
        ...rateLimitDenial(exceeded),
        rules: policy.rules,
        actionHash: ah,
        bodySha256: binding.bodySha256,
        removeHeaders: WRIT_UPSTREAM_HEADERS,
      });
    }
    granted = policy.obligations;
    // This call runs under its obligations; every further call of the session is denied.
    if (granted.quarantine === true) await quarantine(`obligation of rule(s) ${policy.rules.join(', ')}`);
  }
  const obligations = granted === undefined ? undefined : obligationsToJson(granted);
  // The replay memory the verifier must still have (a cached read; ERR_STATE_UNAVAILABLE when unknown).
  const epoch = await stateful(deps.store.replayEpoch());
  let minted;
  try {
    minted = await memo.tokens.mint(deps.signer, {
      epoch,
      subject,
      audience: canonicalAuthority(raw.authority, bound.scheme),
      actionHash: ah,
      bound,
      traceId,
      policyVersion: set.version,
      nowMs: deps.now(),
      ttlSeconds: deps.settings.tokenTtlSeconds,
      ...(obligations === undefined ? {} : { obligations }),
    });
  } catch (err) {
    throw new WritError('ERR_SIGNING_FAILED', err instanceof Error ? err.message : 'signing failed');
  }
  const obligationsText = obligations === undefined ? null : JSON.stringify(obligations);
  const sandbox = granted?.sandbox;
  // Literal keys and one shared removal list on the plain allow (the hot path); spreads and computed
  // keys here measured as a large share of decideCheck's own time.
  const upstreamHeaders: Record<string, string> =
    obligationsText === null && sandbox === undefined
      ? { [TOKEN_HEADER]: minted.token }
      : {
          [TOKEN_HEADER]: minted.token,
          ...(obligationsText === null ? {} : { [OBLIGATIONS_HEADER]: obligationsText }),
          ...(sandbox === undefined ? {} : { [SANDBOX_HEADER]: sandbox }),
        };
  return makeOutcome({
    elements: batchElements,
    raw,
    role: raw.role,
    traceId,
    action,
    findings,
    policyVersion: set.version,
    decision,
    code,
    rules,
    actionHash: ah,
    bodySha256: binding.bodySha256,
    tokenId: minted.claims.jti,
    tokenExpiresAt: minted.claims.exp,
    obligations: obligationsText,
    upstreamHeaders,
    // SECURITY: the agent's own x-writ-* headers are overwritten or stripped, never forwarded.
    removeHeaders:
      obligationsText === null && sandbox === undefined
        ? REMOVE_ON_PLAIN_ALLOW
        : WRIT_UPSTREAM_HEADERS.filter((h) => !(h in upstreamHeaders)),
  });
}
