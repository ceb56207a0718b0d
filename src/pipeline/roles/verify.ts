/** The verify role: the upstream side recomputes the action, checks its token, and consumes it once. */
import { admitRequest } from '../admit.js';
import { bindAction, canonicalAuthority } from '../bind/canonical-action.js';
import { claimedSubject } from '../bind/execution-token.js';
import { OBLIGATIONS_HEADER, SANDBOX_HEADER, TOKEN_HEADER, WRIT_UPSTREAM_HEADERS } from '../headers.js';
import type { PipelineDeps } from '../deps.js';
import type { PipelineMemo } from '../pipeline-memo.js';
import { WritError } from '../errors.js';
import type { IdentityStage } from '../identity/stage.js';
import { isTrustedHop } from '../identity/trusted-hop.js';
import type { TokenConsumption } from '../../state/store.js';
import type { RawRequest } from '../model/raw-request.js';
import { normalizePaced } from '../normalize-paced.js';
import { UNPACED, type Pace } from '../pace.js';
import { makeOutcome, type Outcome } from '../outcome.js';
import { canonicalJson } from '../bind/canonical-json.js';
import type { ExecutionClaims } from '../bind/execution-token.js';

/**
 * Why the obligation headers on the request disagree with the signed claims, or null when they agree.
 * A header that is absent is fine (writ re-emits it from the claims); one that is present must match,
 * because a tool may read it: a changed mask, rate or sandbox on the way is tampering.
 */
function obligationHeaderMismatch(
  headers: Readonly<Record<string, string>>,
  claims: ExecutionClaims,
): string | null {
  const sent = headers[OBLIGATIONS_HEADER];
  if (sent !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(sent);
    } catch {
      return `${OBLIGATIONS_HEADER} is not JSON`;
    }
    if (claims.obl === undefined || canonicalJson(parsed) !== canonicalJson(claims.obl))
      return `${OBLIGATIONS_HEADER} differs from the signed obligations`;
  }
  const sandbox = headers[SANDBOX_HEADER];
  if (sandbox !== undefined && sandbox !== claims.obl?.['sandbox'])
    return `${SANDBOX_HEADER} differs from the signed sandbox profile`;
  return null;
}

/** Checks the execution token against the request about to run. Throws WritError on malformed input. */
export async function decideVerify(
  deps: PipelineDeps,
  identityStage: IdentityStage,
  memo: PipelineMemo,
  raw: RawRequest,
  traceId: string,
  pace: Pace = UNPACED,
): Promise<Outcome> {
  const set = deps.policy();
  admitRequest(raw, deps.settings.maxBodyBytes);
  const cfg = memo.inspectorConfig(set);
  // The hash reads a costly request's arguments through the facts its thread answers (kept-arguments.ts); this
  // role inspects nothing, so the thread keeps nothing.
  const action = await normalizePaced(
    deps,
    raw,
    memo.normalizeConfig(cfg, deps.settings),
    pace,
    'facts-only',
  );
  // A costly request lets other requests run before its hash is taken, and stops once its deadline has passed.
  if (pace.costly) await pace.checkpoint();
  // What this role sees: the workload presenting the token, the scheme, the headers about to reach the tool.
  const token = raw.headers[TOKEN_HEADER];
  const presenter = identityStage.boundWorkload(raw, action);
  // SECURITY: a configured forwarder (the egress gateway whose own check role minted the token and set it
  // on this very request, replacing anything the agent sent) presents it on the agent's behalf: the subject
  // is then the one the token names, and the signature over that subject and the action hash proves it.
  // Any other presenter must be the subject itself (F8: another agent's token is ERR_TOKEN_SUBJECT).
  const forwarded = token !== undefined && isTrustedHop(presenter, deps.settings.tokenForwarders);
  const binding = bindAction(raw, action, {
    subject: forwarded ? (claimedSubject(token) ?? presenter) : presenter,
    unboundHeaders: set.unboundHeaderSets,
  });
  const bound = binding.parts;
  const ah = binding.hash;
  const base = {
    raw,
    role: raw.role,
    traceId,
    action,
    actionHash: ah,
    bodySha256: binding.bodySha256,
    removeHeaders: WRIT_UPSTREAM_HEADERS,
  } as const;
  if (token === undefined || token.length === 0) {
    return makeOutcome({ ...base, decision: 'DENY', code: 'ERR_TOKEN_MISSING', policyVersion: '' });
  }
  const now = deps.now();
  const check = memo.tokens.verify(token, deps.keys, {
    actionHash: ah,
    bound,
    audience: canonicalAuthority(raw.authority, bound.scheme),
    nowMs: now,
    skewSeconds: deps.settings.clockSkewSeconds,
  });
  if (!check.ok)
    return makeOutcome({
      ...base,
      decision: 'DENY',
      code: check.code,
      message: check.message,
      policyVersion: '',
    });
  const { claims } = check;
  // SECURITY: checked before the jti is consumed, so a tampered copy cannot burn the genuine token.
  const mismatch = obligationHeaderMismatch(raw.headers, claims);
  if (mismatch !== null) {
    return makeOutcome({
      ...base,
      decision: 'DENY',
      code: 'ERR_OBLIGATIONS_TAMPERED',
      message: mismatch,
      tokenId: claims.jti,
      tokenExpiresAt: claims.exp,
      policyVersion: claims.pv,
    });
  }
  const withToken = {
    ...base,
    tokenId: claims.jti,
    tokenExpiresAt: claims.exp,
    policyVersion: claims.pv,
  } as const;
  // SECURITY: a token names the replay memory it was minted under; one this memory did not witness may
  // already have been spent (the store restarted without persistence, or lost its data), so it is refused.
  if (claims.ep === undefined)
    return makeOutcome({
      ...withToken,
      decision: 'DENY',
      code: 'ERR_TOKEN_EPOCH',
      message: 'token names no replay epoch',
    });
  let consumed: TokenConsumption;
  try {
    // Remember the jti until the token could no longer verify anyway.
    const ttlMs = Math.max(1000, (claims.exp + deps.settings.clockSkewSeconds) * 1000 - now + 1000);
    consumed = await deps.store.consumeToken(claims.jti, ttlMs, claims.ep);
  } catch (err) {
    throw new WritError('ERR_STATE_UNAVAILABLE', err instanceof Error ? err.message : 'state store failed');
  }
  if (consumed === 'stale-epoch')
    return makeOutcome({
      ...withToken,
      decision: 'DENY',
      code: 'ERR_TOKEN_EPOCH',
      message: `token was minted under replay epoch "${claims.ep}", before this verifier's replay memory started`,
    });
  if (consumed === 'replayed')
    return makeOutcome({ ...withToken, decision: 'DENY', code: 'ERR_TOKEN_REPLAYED' });
  const upstreamHeaders: Record<string, string> = {};
  if (claims.obl !== undefined) {
    upstreamHeaders[OBLIGATIONS_HEADER] = JSON.stringify(claims.obl);
    if (typeof claims.obl['sandbox'] === 'string') upstreamHeaders[SANDBOX_HEADER] = claims.obl['sandbox'];
  }
  return makeOutcome({
    ...withToken,
    decision: 'ALLOW',
    code: 'VERIFY_OK',
    upstreamHeaders,
    // SECURITY: the token never reaches the tool; obligation headers come only from the signed claims.
    removeHeaders: WRIT_UPSTREAM_HEADERS.filter((h) => !(h in upstreamHeaders)),
    ...(claims.obl === undefined ? {} : { obligations: JSON.stringify(claims.obl) }),
  });
}
