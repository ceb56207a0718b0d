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
  /** Each message of a JSON-RPC batch, in order, with its own decision once policy has run. */
  readonly elements?: readonly AuditElement[];
}

/** One message of a batch as recorded: what it was and, once decided, its decision and rules. */
export interface AuditElement {
  readonly tool: string;
  readonly operation: string;
  readonly mcp_kind: string | null;
  readonly mcp_method: string | null;
  readonly decision?: string;
  readonly rules?: readonly string[];
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

/**
 * What the ext_proc role did to a response (docs/audit.md). `trace_id` and `token_id` are the execution
 * token's `tid` and `jti` when the request carried one (null otherwise): the check decision that issued the
 * token has the same `trace_id` and `token_id`, so an auditor joins the two.
 */
interface ExtProcEventBase {
  readonly trace_id: string | null;
  readonly token_id: string | null;
  /** The MCP server / upstream authority (canonical, as the token audience) and the path without query. */
  readonly server: string;
  readonly path: string;
}

/** A tools/list response withheld: changed definitions (rug pull), poisoned, unreadable, or pins unavailable. */
export interface ToolListBlockedEvent extends ExtProcEventBase {
  readonly type: 'ext_proc.tool_list_blocked';
  readonly code: string;
  readonly message: string;
  /** Tools in the response; null when it could not be read. */
  readonly tools: number | null;
  /** Each changed tool with the pinned and the offered definition hash (hex SHA-256 of RFC 8785). */
  readonly changed: ReadonlyArray<{ readonly name: string; readonly pinned: string; readonly seen: string }>;
  readonly findings: ReadonlyArray<{ readonly id: string; readonly severity: string; readonly path: string }>;
}

/** A response body masked for a token's `mask` obligation: what was asked and how much was redacted, never values. */
export interface ResponseMaskedEvent extends ExtProcEventBase {
  readonly type: 'ext_proc.response_masked';
  /** The obligation's field names and `$.` paths. */
  readonly mask: readonly string[];
  /** `json`, `text` (not JSON: only personal data redacted) or `withheld` (unreadable, replaced). */
  readonly mode: string;
  readonly fields: number;
  readonly pii: number;
}

/** Tool definitions pinned for the first time (by this replica's response; one record fleet-wide). */
export interface ToolsPinnedEvent extends ExtProcEventBase {
  readonly type: 'tools.pinned';
  readonly tools: ReadonlyArray<{ readonly name: string; readonly hash: string }>;
}

/**
 * What response rules decided about one upstream message (docs/response-path.md): every annotate, mask,
 * taint and block, with the findings (redacted evidence) that led there. A pass is not recorded.
 */
export interface ResponseDecisionEvent extends ExtProcEventBase {
  readonly type: 'ext_proc.response_decision';
  readonly direction: 'response';
  /** The reader's protocol (`mcp`, `http`, ...), the message kind and the tool it answers. */
  readonly protocol: string;
  readonly kind: string;
  readonly tool: string | null;
  /** The JSON-RPC id of the message, as text (at most 128 characters); null for a plain HTTP body. */
  readonly rpc_id: string | null;
  readonly code: string;
  /** What was done: any of annotate, mask, taint; or block. */
  readonly effects: readonly string[];
  readonly rules: readonly string[];
  readonly policy_version: string;
  readonly mcp_session: string | null;
  readonly agent_session: string | null;
  readonly findings: ReadonlyArray<{
    readonly id: string;
    readonly severity: string;
    readonly path: string;
    readonly evidence: string;
  }>;
}

export type ExtProcEvent =
  ToolListBlockedEvent | ResponseMaskedEvent | ToolsPinnedEvent | ResponseDecisionEvent;

/**
 * The state store's replay memory started (`state.epoch-started`: at start, or writ found Redis empty)
 * or was found lost while writ ran (`state.lost`: spent token ids, quarantines and approvals of the old
 * epoch are gone; docs/approvals.md). Every implicit release of a quarantine or approval is one of these.
 */
export interface StateEvent {
  readonly type: 'state.epoch-started' | 'state.lost';
  readonly [key: string]: JsonValue;
}

/**
 * A session tainted by a read that carried findings (`taint.marked`: the keys, the server, tool and method
 * read, the finding ids, until when), or an approver clearing one (`taint.cleared`; docs/session-taint.md).
 */
export interface TaintEvent {
  readonly type: 'taint.marked' | 'taint.cleared';
  readonly [key: string]: JsonValue;
}

export type AuditEvent = DecisionEvent | ChainEvent | OperatorEvent | ExtProcEvent | StateEvent | TaintEvent;
