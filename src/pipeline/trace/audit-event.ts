/** The audit event schema (docs/audit.md): what one decision leaves in the hash chain. */
import type { JsonValue } from '../model/json.js';

/** One decision as recorded: digests and redacted evidence only, never raw secrets or personal data. */
export interface DecisionEvent {
  readonly type: 'decision';
  readonly trace_id: string;
  readonly role: string;
  readonly decision: string;
  readonly code: string;
  readonly rules: readonly string[];
  readonly policy_version: string;
  readonly subject: string | null;
  readonly adapter: string | null;
  readonly tool: string | null;
  readonly operation: string | null;
  readonly method: string;
  readonly host: string;
  /** The path without its query string; the query is kept only as a digest. */
  readonly path: string;
  readonly query_sha256: string | null;
  readonly body_sha256: string | null;
  readonly body_bytes: number;
  readonly action_hash: string | null;
  readonly token_id: string | null;
  readonly findings: ReadonlyArray<{
    readonly id: string;
    readonly severity: string;
    readonly path: string;
    readonly evidence: string;
    readonly occurrences: number;
  }>;
  readonly obligations?: JsonValue;
  readonly message?: string;
}

/** An operational event in the chain itself (recovery, checkpoints, anchors, key changes; docs/audit.md). */
export interface ChainEvent {
  readonly type:
    | 'audit.recovered-torn-tail'
    | 'audit.started'
    | 'audit.checkpoint'
    | 'audit.anchor'
    | 'audit.key-added'
    | 'audit.key-retired';
  readonly [key: string]: JsonValue;
}

/**
 * An operator's action on the admin API (docs/approvals.md): an approval decided, a quarantine
 * released, tool pins reset, or a void note for one of those whose state change did not take effect.
 */
export interface OperatorEvent {
  readonly type: 'approval.decided' | 'quarantine.released' | 'pins.reset' | 'operator.void';
  readonly [key: string]: JsonValue;
}

export type AuditEvent = DecisionEvent | ChainEvent | OperatorEvent;
