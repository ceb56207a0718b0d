/**
 * The state store interface: single-use token ids, approvals, rate counters, quarantines and tool
 * definition pins, session taint, server requests awaiting their answer. One implementation per backend (memory, Redis); all pass
 * test/state/store.case.ts.
 */
import type { ServerRequestStore } from './server-requests.js';
import type { SessionTaintStore, TaintSource } from './session-taint.js';

// The taint port is part of the store's: the pipeline imports it from here (.dependency-cruiser.cjs).
export {
  DEFAULT_TAINT_TTL_MS,
  MAX_TAINT_SOURCES,
  type SessionTaintStore,
  type TaintRecord,
  type TaintSource,
} from './session-taint.js';
export {
  DEFAULT_ROOTS_TTL_MS,
  DEFAULT_SERVER_REQUEST_TTL_MS,
  rpcIdKey,
  type ServerRequestMatch,
  type ServerRequestStore,
} from './server-requests.js';

/** Where an approval stands. Only `pending`, `approved` and `denied` are bound to their action. */
export type ApprovalStatus = 'pending' | 'approved' | 'denied' | 'consumed' | 'expired';

/** What an approver sees of the action: enough to decide, bounded in size. */
export interface ApprovalAction {
  readonly adapter: string;
  readonly tool: string;
  readonly operation: string;
  readonly method: string;
  readonly host: string;
  readonly path: string;
  /** The tool arguments as JSON text, cut at 8 KiB (attacker-controlled: escape before display). */
  readonly arguments: string;
}

/** One inspector finding as the approver sees it (already redacted by the inspector). */
export interface ApprovalFinding {
  readonly id: string;
  readonly severity: string;
  readonly path: string;
  readonly occurrences: number;
}

/** The session taint an approval was asked under: what the agent had read, for its approver to judge. */
export interface ApprovalTaint {
  /** The taint keys found (`session:...`, `mcp:...`, `subject:...`): what an approver clears. */
  readonly keys: readonly string[];
  /** The newest reads that tainted the session (attacker-influenced names: escape before display). */
  readonly sources: readonly TaintSource[];
}

/** A human approval of one exact action (`actionHash`) for one subject. */
export interface ApprovalRecord {
  /** 128 random bits, base64url. */
  readonly id: string;
  /** The subject's SPIFFE ID, or `anonymous`. */
  readonly subject: string;
  /** The agent's name (service account or trusted header), when known. */
  readonly agent: string | null;
  readonly actionHash: string;
  readonly status: ApprovalStatus;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
  readonly expiresAt: number;
  /** The policy rules that required the approval. */
  readonly rules: readonly string[];
  /** Approver groups the policy names: only a member of one may decide; empty, any approver may. */
  readonly approvers: readonly string[];
  /** The trace id of the decision that created it. */
  readonly traceId: string;
  readonly policyVersion: string;
  readonly action: ApprovalAction;
  readonly findings: readonly ApprovalFinding[];
  /** The session's taint when the approval was asked; absent when the session was not tainted. */
  readonly taint?: ApprovalTaint;
  readonly decidedBy: string | null;
  readonly decidedAt: number | null;
  readonly reason: string | null;
  readonly consumedAt: number | null;
}

/** What a REQUIRE_APPROVAL decision found or did, atomically, for one (subject, action hash). */
export type ApprovalResolution =
  /** None was bound: `candidate` was stored as pending. */
  | 'created'
  | 'pending'
  /** It was approved and unexpired: this call consumed it (no other call ever will). */
  | 'granted'
  | 'denied'
  /** It outlived its TTL: it is now marked expired and unbound, so the next call starts a new one. */
  | 'expired';

/** The answer of an approver's decision on an approval. */
export type DecideResult =
  | { readonly ok: true; readonly record: ApprovalRecord }
  | {
      readonly ok: false;
      readonly why: 'not-found' | 'not-pending' | 'expired';
      readonly record: ApprovalRecord | null;
    };

/** Why a session or subject is quarantined. */
export interface QuarantineRecord {
  /** `session:<id>` or `subject:<principal>` (src/pipeline/model/action.ts: the SPIFFE ID, else the token caller). */
  readonly key: string;
  readonly reason: string;
  readonly traceId: string;
  readonly at: number;
}

/** A fixed-window counter after one hit. */
export interface RateHit {
  /** Hits in the current window, this one included. */
  readonly count: number;
  /** Milliseconds until the window resets. */
  readonly resetInMs: number;
}

/** What consuming a token id under a replay epoch found. */
export type TokenConsumption =
  /** First use in this epoch's replay memory. */
  | 'first'
  | 'replayed'
  /** The replay memory is not the token's: it started after the token was minted (restart, data loss). */
  | 'stale-epoch';

/** Shared state. Every method rejects when the backend is unreachable; callers turn that into a deny. */
export interface StateStore extends SessionTaintStore, ServerRequestStore {
  /**
   * The id of the store's replay memory (spent token ids): made when that memory starts (a new memory
   * store, a Redis whose data is gone) and unchanged while it lasts. The check role puts it in every token
   * (`ep`); a verifier whose memory has another epoch refuses the token, since it cannot know whether it
   * was spent before (issue 15 F6).
   */
  replayEpoch(): Promise<string>;
  /** Consumes a token id for `ttlMs` when the replay memory is still `epoch`'s, atomically. */
  consumeToken(jti: string, ttlMs: number, epoch: string): Promise<TokenConsumption>;

  /** Marks `key` used for `ttlMs`; true on the first call, false on every later one (atomic across replicas). */
  consumeOnce(key: string, ttlMs: number): Promise<boolean>;

  /**
   * Finds the approval bound to (candidate.subject, candidate.actionHash) and acts on it in one atomic
   * step: stores the candidate if none is bound, consumes an approved one, expires a stale one.
   */
  resolveApproval(
    candidate: ApprovalRecord,
    nowMs: number,
  ): Promise<{ readonly resolution: ApprovalResolution; readonly record: ApprovalRecord }>;
  /** One approval by id, in any status, while it is retained. */
  getApproval(id: string): Promise<ApprovalRecord | null>;
  /** Retained approvals, newest first, at most `limit`. */
  listApprovals(limit: number): Promise<ApprovalRecord[]>;
  /** Approves or denies a pending, unexpired approval (compare-and-set: one decision wins). */
  decideApproval(
    id: string,
    decision: 'approved' | 'denied',
    by: string,
    reason: string,
    nowMs: number,
  ): Promise<DecideResult>;

  /** Counts one hit in the fixed window `key` of `windowMs` (atomic increment and expiry). */
  hitRate(key: string, windowMs: number): Promise<RateHit>;

  /** Quarantines a session or subject until released; keeps an existing record (first reason wins). */
  quarantine(record: QuarantineRecord): Promise<void>;
  /**
   * The quarantine holding this subject or this session, if any: one read on the decision path.
   * `sessionId` null checks the subject only.
   */
  quarantineOf(subject: string, sessionId: string | null): Promise<QuarantineRecord | null>;
  /** Releases a quarantine; false when none was held under `key`. */
  releaseQuarantine(key: string): Promise<boolean>;
  listQuarantines(): Promise<QuarantineRecord[]>;

  /** Pins `value` under `key` unless one is pinned already; returns the pinned value (first wins). */
  pinOnce(key: string, value: string): Promise<string>;
  /**
   * Removes every pin whose key starts with `prefix` (an operator re-pinning a server after a legitimate
   * update); returns how many were removed. The next `pinOnce` of such a key pins afresh.
   */
  resetPins(prefix: string): Promise<number>;

  close(): Promise<void>;
}

/** How long an approval stays readable (console, API) after it expires, in ms. */
export const APPROVAL_RETAIN_MS = 60 * 60 * 1000;

/** The quarantine key of a session. */
export const sessionKey = (sessionId: string): string => `session:${sessionId}`;
/** The quarantine key of a subject. */
export const subjectKey = (subject: string): string => `subject:${subject}`;

/** Thrown when the backing store cannot be reached; the decision becomes ERR_STATE_UNAVAILABLE. */
export class StateUnavailableError extends Error {
  override readonly name = 'StateUnavailableError';
}
