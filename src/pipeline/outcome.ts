/** Builds verdicts and their audit events together, so what is answered and what is recorded agree. */
import { hash } from 'node:crypto';
import { bodySha256 } from './bind/canonical-action.js';
import { REASON_CODES, type ReasonCode } from './errors.js';
import type { Action } from './model/action.js';
import type { Finding } from './model/finding.js';
import type { RawRequest, Role } from './model/raw-request.js';
import type { Decision } from './policy/types.js';
import { summarizeFindings } from './summarize-findings.js';
import type { AuditElement, DecisionEvent } from './audit-record/audit-event.js';
import type { DecisionTrace, Verdict } from './verdict.js';

export interface Outcome {
  readonly verdict: Verdict;
  readonly event: DecisionEvent;
}

export interface OutcomeInput {
  readonly raw: RawRequest | null;
  readonly role: Role;
  readonly traceId: string;
  readonly decision: Decision;
  readonly code: ReasonCode;
  readonly message?: string;
  readonly rules?: readonly string[];
  readonly policyVersion: string;
  readonly action?: Action | null;
  readonly findings?: readonly Finding[];
  readonly actionHash?: string | null;
  /** The body's digest when the role took it already for the envelope (`bindAction`); else taken here. */
  readonly bodySha256?: string;
  readonly tokenId?: string | null;
  readonly tokenExpiresAt?: number | null;
  readonly obligations?: string | null;
  readonly upstreamHeaders?: Readonly<Record<string, string>>;
  readonly removeHeaders?: readonly string[];
  readonly details?: Verdict['details'];
  /** A batch's elements with their decisions (src/pipeline/roles/batch-decision.ts); else read from the action. */
  readonly elements?: readonly AuditElement[] | undefined;
}

/** A batch's elements as the audit records them before policy has decided them. */
function undecidedElements(action: Action): readonly AuditElement[] | undefined {
  return action.elements?.map((e) => ({
    tool: e.action.tool,
    operation: e.action.operation,
    mcp_kind: e.action.mcpKind ?? null,
    mcp_method: e.action.mcpMethod,
  }));
}

const hex = (data: string | Uint8Array) => hash('sha256', data, 'hex');

const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** A verdict and the event that records it. */
export function makeOutcome(o: OutcomeInput): Outcome {
  const raw = o.raw;
  const action = o.action ?? null;
  const findings = o.findings ?? [];
  const summary = summarizeFindings(findings);
  const q = raw?.path.indexOf('?') ?? -1;
  const path = raw === null ? '' : q === -1 ? raw.path : raw.path.slice(0, q);
  const message = o.message ?? REASON_CODES[o.code];
  const trace: DecisionTrace = {
    requested: {
      method: raw?.method ?? '',
      authority: raw?.authority ?? '',
      path,
      bodyBytes: raw?.body.length ?? 0,
    },
    normalized:
      action === null
        ? null
        : {
            adapter: action.action.adapter,
            tool: action.action.tool,
            operation: action.action.operation,
            apiOperation: action.action.apiOperation ?? null,
            resourceKind: action.resource.kind,
            resourceOwner: action.resource.owner,
            resourceId: action.resource.id,
            subject: action.subject.principal,
            host: action.resource.host,
            database: action.resource.database,
            external: action.resource.external,
          },
    inspectors: summary.map((f) => ({
      id: f.id,
      severity: f.severity,
      path: f.path,
      occurrences: f.occurrences,
    })),
    policy:
      o.rules === undefined && o.code.startsWith('ERR_')
        ? null
        : { decision: o.decision, rules: o.rules ?? [], version: o.policyVersion },
    enforcement: {
      tokenId: o.tokenId ?? null,
      expiresAt: o.tokenExpiresAt ?? null,
      obligations: o.obligations ?? null,
    },
    audit: null,
  };
  const verdict: Verdict = {
    role: o.role,
    decision: o.decision,
    code: o.code,
    message,
    traceId: o.traceId,
    rules: o.rules ?? [],
    policyVersion: o.policyVersion,
    findings,
    upstreamHeaders: o.upstreamHeaders ?? NO_HEADERS,
    removeHeaders: o.removeHeaders ?? [],
    trace,
  };
  // Optional members are added after the literal, not spread into it: spreads in these literals
  // measured as a large share of an allowed decision's own time.
  if (o.details !== undefined) (verdict as { details?: Verdict['details'] }).details = o.details;
  // Members in RFC 8785 key order, so the audit chain serializes the event in one native pass
  // (src/pipeline/bind/canonical-json.ts). The optional `message` and `obligations` are appended out
  // of order on the rarer paths that have them; canonicalJson puts them in place.
  const event: Mutable<DecisionEvent> = {
    action_hash: o.actionHash ?? null,
    adapter: action?.action.adapter ?? null,
    body_bytes: raw?.body.length ?? 0,
    body_sha256: raw !== null && raw.body.length > 0 ? (o.bodySha256 ?? bodySha256(raw)) : null,
    code: o.code,
    decision: o.decision,
    // Evidence is already redacted by the inspectors; the path says where, never the raw value.
    findings: summary,
    host: action?.resource.host ?? raw?.authority ?? '',
    method: raw?.method ?? '',
    operation: action?.action.operation ?? null,
    path,
    policy_version: o.policyVersion,
    query_sha256: raw !== null && q !== -1 ? hex(raw.path.slice(q + 1)) : null,
    role: o.role,
    rules: o.rules === undefined ? [] : [...o.rules],
    subject: action?.subject.principal ?? (raw?.sourcePrincipal || null),
    token_id: o.tokenId ?? null,
    tool: action?.action.tool ?? null,
    trace_id: o.traceId,
    type: 'decision',
  };
  if (o.code.startsWith('ERR_')) event.message = message.slice(0, 300);
  if (o.obligations) event.obligations = o.obligations;
  const elements = o.elements ?? (action === null ? undefined : undecidedElements(action));
  if (elements !== undefined) event.elements = elements;
  return { verdict, event };
}
