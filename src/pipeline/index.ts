/**
 * The pipeline: createPipeline(deps).run(raw) -> Verdict. Never throws and never allows by accident:
 * every error, timeout and malformed input becomes a deny with its own code, and every outcome is
 * appended to the audit chain before it is answered.
 */
import { decideCheck } from './roles/check.js';
import { DeadlineQueue } from './deadline-queue.js';
import type { PipelineDeps } from './deps.js';
import { WritError, type ReasonCode } from './errors.js';
import { WRIT_UPSTREAM_HEADERS } from './headers.js';
import { createIdentityStage } from './identity/stage.js';
import { decideInbound } from './roles/inbound.js';
import type { RawRequest, Role } from './model/raw-request.js';
import { makeOutcome, type Outcome } from './outcome.js';
import type { Verdict } from './verdict.js';
import { decideVerify } from './roles/verify.js';

export interface Pipeline {
  /** Decides one request for its role. */
  run(raw: RawRequest): Promise<Verdict>;
  /** Denies and audits a request the transport could not even map (no HTTP attributes, bad protobuf). */
  reject(role: Role, code: ReasonCode, message: string, raw?: RawRequest | null): Verdict;
}

export function createPipeline(deps: PipelineDeps): Pipeline {
  // One identity stage per pipeline: its memo of peer principals belongs to this pipeline, not the module.
  const identity = createIdentityStage(deps.identity);
  const failure = (
    raw: RawRequest | null,
    role: Role,
    traceId: string,
    code: ReasonCode,
    message?: string,
  ): Outcome =>
    makeOutcome({
      raw,
      role,
      traceId,
      decision: 'DENY',
      code,
      ...(message === undefined ? {} : { message }),
      policyVersion: safePolicyVersion(deps),
      removeHeaders: WRIT_UPSTREAM_HEADERS,
    });

  const record = (outcome: Outcome): Verdict => {
    try {
      const rec = deps.audit.append(outcome.event, deps.now());
      return { ...outcome.verdict, trace: { ...outcome.verdict.trace, audit: rec } };
    } catch (err) {
      // SECURITY: a decision that cannot be recorded is not made; the token (if any) is never released.
      deps.log.error(
        { err, traceId: outcome.verdict.traceId, wanted: outcome.verdict.decision },
        'audit append failed; denying',
      );
      const raw = null;
      return failure(raw, outcome.verdict.role, outcome.verdict.traceId, 'ERR_AUDIT_WRITE').verdict;
    }
  };

  // Synchronous where it can be: the check role decides without awaiting anything, and a timer could
  // not interrupt CPU-bound work anyway. Only decisions that wait on I/O race the deadline.
  const decide = (raw: RawRequest, traceId: string): Outcome | Promise<Outcome> => {
    switch (raw.role) {
      case 'check':
        return decideCheck(deps, identity, raw, traceId);
      case 'verify':
        return decideVerify(deps, identity, raw, traceId);
      case 'inbound':
        return decideInbound(deps, identity, raw, traceId);
    }
  };

  const failed = (raw: RawRequest, traceId: string, err: unknown): Outcome => {
    if (err instanceof WritError) return failure(raw, raw.role, traceId, err.code, err.message);
    deps.log.error({ err, traceId }, 'internal error; denying');
    return failure(raw, raw.role, traceId, 'ERR_INTERNAL');
  };

  // One timer for every decision in flight (src/pipeline/deadline-queue.ts), not one per call.
  const deadlines = new DeadlineQueue(deps.settings.deadlineMs);
  const withDeadline = (pending: Promise<Outcome>, raw: RawRequest, traceId: string): Promise<Outcome> =>
    deadlines.race(
      pending,
      () => failure(raw, raw.role, traceId, 'ERR_TIMEOUT'),
      (err) => failed(raw, traceId, err),
    );

  const finish = (raw: RawRequest, traceId: string, outcome: Outcome): Verdict => {
    if (outcome.verdict.code.startsWith('ERR_')) {
      deps.log.warn(
        { traceId, role: raw.role, code: outcome.verdict.code, reason: outcome.verdict.message },
        'denied',
      );
    }
    return record(outcome);
  };

  return {
    run(raw) {
      const traceId = deps.newTraceId();
      let pending: Outcome | Promise<Outcome>;
      try {
        pending = decide(raw, traceId);
      } catch (err) {
        return Promise.resolve(finish(raw, traceId, failed(raw, traceId, err)));
      }
      if (pending instanceof Promise)
        return withDeadline(pending, raw, traceId).then((o) => finish(raw, traceId, o));
      return Promise.resolve(finish(raw, traceId, pending));
    },

    reject(role, code, message, raw = null) {
      const traceId = deps.newTraceId();
      deps.log.warn({ traceId, role, code, reason: message }, 'rejected before the pipeline');
      return record(failure(raw, role, traceId, code, message));
    },
  };
}

function safePolicyVersion(deps: PipelineDeps): string {
  try {
    return deps.policy().version;
  } catch {
    return '';
  }
}
