/** The check role: normalize, inspect, decide, and bind an allowed action to a signed execution token. */
import { admitRequest } from './admit.js';
import { actionHash, canonicalAuthority } from './bind/canonical-action.js';
import { mintExecutionToken } from './bind/execution-token.js';
import { deepFreeze } from './deep-freeze.js';
import { inspectorConfigFrom, type PipelineDeps } from './deps.js';
import { WritError } from './errors.js';
import { INSPECTOR_FAILED } from './inspect/run-inspectors.js';
import type { RawRequest } from './model/raw-request.js';
import { normalizeRequest } from './normalize/index.js';
import { makeOutcome, type Outcome } from './outcome.js';
import { evaluatePolicy } from './policy/evaluate.js';
import { obligationsToJson } from './policy/types.js';

/** Header that carries the execution token upstream. */
export const TOKEN_HEADER = 'x-writ-token';
export const OBLIGATIONS_HEADER = 'x-writ-obligations';
export const SANDBOX_HEADER = 'x-writ-sandbox';
/** Headers only writ may set on the upstream request. */
export const WRIT_UPSTREAM_HEADERS: readonly string[] = [TOKEN_HEADER, OBLIGATIONS_HEADER, SANDBOX_HEADER];

/** Decides one outbound call. Throws WritError on malformed input (the caller denies and audits it). */
export function decideCheck(deps: PipelineDeps, raw: RawRequest, traceId: string): Outcome {
  const set = deps.policy();
  admitRequest(raw, deps.settings.maxBodyBytes);
  const inspectorConfig = inspectorConfigFrom(set);
  const action = deepFreeze(
    normalizeRequest(raw, {
      internalDomains: inspectorConfig.internalDomains,
      productionDatabases: inspectorConfig.productionDatabases,
      trustAgentHeaders: deps.settings.trustAgentHeaders,
    }),
  );
  const findings = deps.inspect(action, raw.headers, inspectorConfig);
  const base = { raw, role: raw.role, traceId, action, findings, policyVersion: set.version } as const;
  // SECURITY: an inspector that crashed saw something it could not handle; that is not a clean bill.
  if (findings.some((f) => f.id === INSPECTOR_FAILED)) {
    return makeOutcome({
      ...base,
      decision: 'DENY',
      code: 'ERR_INSPECTOR_FAILED',
      removeHeaders: WRIT_UPSTREAM_HEADERS,
    });
  }
  const policy = evaluatePolicy(set, action, findings);
  if (policy.decision === 'DENY') {
    return makeOutcome({
      ...base,
      decision: 'DENY',
      code: policy.code,
      rules: policy.rules,
      removeHeaders: WRIT_UPSTREAM_HEADERS,
    });
  }
  if (policy.decision === 'REQUIRE_APPROVAL') {
    const approval = policy.approval;
    return makeOutcome({
      ...base,
      decision: 'REQUIRE_APPROVAL',
      code: policy.code,
      rules: policy.rules,
      actionHash: actionHash(raw, action),
      removeHeaders: WRIT_UPSTREAM_HEADERS,
      details: { approval_ttl_s: approval?.ttlSeconds ?? 0, approvers: approval?.approvers ?? [] },
    });
  }
  const ah = actionHash(raw, action);
  const obligations = policy.obligations === undefined ? undefined : obligationsToJson(policy.obligations);
  let minted;
  try {
    minted = mintExecutionToken(deps.signer, {
      subject: action.subject.spiffeId ?? 'anonymous',
      audience: canonicalAuthority(raw.authority, raw.scheme || 'https'),
      actionHash: ah,
      traceId,
      policyVersion: set.version,
      nowMs: deps.now(),
      ttlSeconds: deps.settings.tokenTtlSeconds,
      ...(obligations === undefined ? {} : { obligations }),
    });
  } catch (err) {
    throw new WritError('ERR_SIGNING_FAILED', err instanceof Error ? err.message : 'signing failed');
  }
  const upstreamHeaders: Record<string, string> = { [TOKEN_HEADER]: minted.token };
  const obligationsText = obligations === undefined ? null : JSON.stringify(obligations);
  if (obligationsText !== null) upstreamHeaders[OBLIGATIONS_HEADER] = obligationsText;
  if (policy.obligations?.sandbox !== undefined) upstreamHeaders[SANDBOX_HEADER] = policy.obligations.sandbox;
  return makeOutcome({
    ...base,
    decision: policy.decision,
    code: policy.code,
    rules: policy.rules,
    actionHash: ah,
    tokenId: minted.claims.jti,
    tokenExpiresAt: minted.claims.exp,
    obligations: obligationsText,
    upstreamHeaders,
    // SECURITY: the agent's own x-writ-* headers are overwritten or stripped, never forwarded.
    removeHeaders: WRIT_UPSTREAM_HEADERS.filter((h) => !(h in upstreamHeaders)),
  });
}
