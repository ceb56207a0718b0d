/**
 * The pipeline: createPipeline(deps).run(raw) -> Verdict. Never throws and never allows by accident:
 * every error, timeout and malformed input becomes a deny with its own code, and every outcome is
 * appended to the audit chain before it is answered.
 */
import { decideCheck } from './roles/check.js';
import { DeadlineQueue } from './deadline-queue.js';
import type { PipelineDeps } from './deps.js';
import { performance } from 'node:perf_hooks';
import { WritError, type ReasonCode } from './errors.js';
import { WRIT_UPSTREAM_HEADERS } from './headers.js';
import { createIdentityStage } from './identity/stage.js';
import { decideInbound } from './roles/inbound.js';
import type { RawRequest, Role } from './model/raw-request.js';
import { makeOutcome, type Outcome } from './outcome.js';
import { PipelineMemo } from './pipeline-memo.js';
import { CostlyTurns, isCostly, makePace, type Pace } from './pace.js';
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
  // Every other cache the decisions share lives here too (test/pipeline/no-module-state.test.ts).
  const memo = new PipelineMemo();
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

  // A timer cannot interrupt CPU-bound work: the deadline counts from the start of run(), costly decisions
  // check it between stages (src/pipeline/pace.ts), and an answer that comes late is ERR_TIMEOUT anyway.
  const decide = (raw: RawRequest, traceId: string, pace: Pace): Outcome | Promise<Outcome> => {
    switch (raw.role) {
      case 'check':
        return decideCheck(deps, identity, memo, raw, traceId, pace);
      case 'verify':
        return decideVerify(deps, identity, memo, raw, traceId, pace);
      case 'inbound':
        return decideInbound(deps, identity, memo, raw, traceId, pace);
    }
  };

  // One costly decision on the CPU at a time (measured on 2 cores: docs/performance-budget.md); the others
  // wait holding nothing, and their deadline keeps running while they wait.
  const costlyTurns = new CostlyTurns(1);
  const decideCostly = async (raw: RawRequest, traceId: string, pace: Pace): Promise<Outcome> => {
    const release = await costlyTurns.acquire();
    try {
      await pace.checkpoint();
      return await decide(raw, traceId, pace);
    } finally {
      release();
    }
  };

  const failed = (raw: RawRequest, traceId: string, err: unknown): Outcome => {
    if (err instanceof WritError) return failure(raw, raw.role, traceId, err.code, err.message);
    deps.log.error({ err, traceId }, 'internal error; denying');
    return failure(raw, raw.role, traceId, 'ERR_INTERNAL');
  };

  // One timer for every decision in flight (src/pipeline/deadline-queue.ts), not one per call.
  const deadlines = new DeadlineQueue(deps.settings.deadlineMs);
  const withDeadline = (
    pending: Promise<Outcome>,
    raw: RawRequest,
    traceId: string,
    startedAt: number,
  ): Promise<Outcome> =>
    deadlines.race(
      pending,
      () => failure(raw, raw.role, traceId, 'ERR_TIMEOUT'),
      (err) => failed(raw, traceId, err),
      startedAt,
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
      // INVARIANT: the deadline covers the whole decision, the synchronous work of decide() included.
      const startedAt = performance.now();
      const traceId = deps.newTraceId();
      const costly = isCostly(raw);
      const pace = makePace(startedAt, deps.settings.deadlineMs, costly);
      let pending: Outcome | Promise<Outcome>;
      try {
        pending = costly ? decideCostly(raw, traceId, pace) : decide(raw, traceId, pace);
      } catch (err) {
        const outcome =
          performance.now() > pace.deadlineAt
            ? failure(raw, raw.role, traceId, 'ERR_TIMEOUT')
            : failed(raw, traceId, err);
        return Promise.resolve(finish(raw, traceId, outcome));
      }
      const settled = pending instanceof Promise ? pending : Promise.resolve(pending);
      return withDeadline(settled, raw, traceId, startedAt).then((o) => finish(raw, traceId, o));
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
