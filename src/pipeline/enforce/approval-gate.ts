/**
 * The approval gate: a REQUIRE_APPROVAL decision becomes a pending approval bound to (subject, action
 * hash), and an identical retry after an approver granted it proceeds, once.
 */
import { randomBytes } from 'node:crypto';
import type { Finding } from '../model/finding.js';
import type { Action } from '../model/action.js';
import type { JsonValue } from '../model/json.js';
import { keptFacts } from '../kept-arguments.js';
import type { ApprovalSettings } from '../policy/types.js';
import { summarizeFindings } from '../summarize-findings.js';
import type { Verdict } from '../verdict.js';
import type { ApprovalRecord, ApprovalResolution, StateStore } from '../../state/store.js';
import type { TaintFacts } from '../taint/taint-facts.js';

/** An approval keeps this many of the session's tainting reads for its approver (the newest). */
const APPROVAL_TAINT_SOURCES = 8;

/** Approval arguments shown to approvers are cut here: enough to judge, bounded in the store. */
export const APPROVAL_ARGUMENTS_MAX = 8192;
/** What a pending approval asks a client to wait before retrying, at most. */
export const DEFAULT_RETRY_AFTER_S = 30;

/** Everything a new approval records about the decision that asked for it. */
export interface ApprovalRequest {
  readonly action: Action;
  readonly path: string;
  readonly actionHash: string;
  readonly findings: readonly Finding[];
  readonly rules: readonly string[];
  readonly settings: ApprovalSettings;
  readonly traceId: string;
  readonly policyVersion: string;
  readonly nowMs: number;
  /** The session's taint when the decision was made (absent: not read, as for an untainted call). */
  readonly taint?: TaintFacts;
}

/** A call's arguments as an approval shows them: their JSON, cut at {@link APPROVAL_ARGUMENTS_MAX}. */
export function approvalArgumentsText(args: JsonValue): string {
  // Arguments kept on the inspection thread were written there by this same function (kept-arguments.ts).
  const kept = keptFacts(args);
  if (kept !== undefined) return kept.approvalArguments;
  const text = JSON.stringify(args) ?? 'null';
  return text.length > APPROVAL_ARGUMENTS_MAX ? `${text.slice(0, APPROVAL_ARGUMENTS_MAX)}…` : text;
}

/** A fresh pending approval for a request; the id is 128 random bits, base64url. */
export function approvalCandidate(r: ApprovalRequest): ApprovalRecord {
  return {
    id: randomBytes(16).toString('base64url'),
    subject: r.action.subject.principal ?? 'anonymous',
    agent: r.action.subject.agent,
    actionHash: r.actionHash,
    status: 'pending',
    createdAt: r.nowMs,
    expiresAt: r.nowMs + r.settings.ttlSeconds * 1000,
    rules: [...r.rules],
    approvers: [...r.settings.approvers],
    traceId: r.traceId,
    policyVersion: r.policyVersion,
    action: {
      adapter: r.action.action.adapter,
      tool: r.action.action.tool,
      operation: r.action.action.operation,
      method: r.action.action.httpMethod,
      host: r.action.resource.host,
      path: r.path,
      arguments: approvalArgumentsText(r.action.action.arguments),
    },
    findings: summarizeFindings(r.findings).map((f) => ({
      id: f.id,
      severity: f.severity,
      path: f.path,
      occurrences: f.occurrences,
    })),
    ...(r.taint?.tainted === true
      ? { taint: { keys: [...r.taint.keys], sources: r.taint.sources.slice(-APPROVAL_TAINT_SOURCES) } }
      : {}),
    decidedBy: null,
    decidedAt: null,
    reason: null,
    consumedAt: null,
  };
}

/** Resolves the approval for a request in one atomic store step. Rejects when the store is unreachable. */
export async function gateApproval(
  store: StateStore,
  request: ApprovalRequest,
): Promise<{ readonly resolution: ApprovalResolution; readonly record: ApprovalRecord }> {
  return store.resolveApproval(approvalCandidate(request), request.nowMs);
}

/** The deny-body fields that tell a client which approval it waits on and when to retry. */
export function approvalDetails(
  record: ApprovalRecord,
  resolution: ApprovalResolution,
  nowMs: number,
  retryCapSeconds: number = DEFAULT_RETRY_AFTER_S,
): NonNullable<Verdict['details']> {
  const base = {
    approval_id: record.id,
    status: resolution === 'created' ? 'pending' : record.status,
    expires_at: new Date(record.expiresAt).toISOString(),
    approvers: record.approvers,
  };
  if (resolution === 'created' || resolution === 'pending') {
    const left = Math.ceil((record.expiresAt - nowMs) / 1000);
    return {
      ...base,
      approval_ttl_s: Math.max(0, left),
      retry_after_s: Math.max(1, Math.min(retryCapSeconds, left)),
    };
  }
  if (resolution === 'denied') {
    return { ...base, decided_by: record.decidedBy ?? '', approver_reason: record.reason ?? '' };
  }
  return base;
}
