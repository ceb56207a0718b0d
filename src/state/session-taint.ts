/**
 * The session taint port (issue 16 item 3, docs/session-taint.md): what an agent's session has read that
 * carried a finding (prompt injection, tool poisoning, ...), kept per key until an approver clears it or
 * its TTL lapses, and shared by every replica through the state store (memory or Redis).
 */

/** One read that tainted a session: what was read, from which server, when, and what was found in it. */
export interface TaintSource {
  /** The server the content came from: its host, with the port when not the scheme's default. */
  readonly server: string;
  /** What was read: the MCP tool, resource URI or prompt name, or `<METHOD> <host>` for plain HTTP. */
  readonly tool: string;
  /** The MCP JSON-RPC method (`tools/call`, `resources/read`, `prompts/get`, ...), else the HTTP method. */
  readonly method: string;
  /** Ids of the findings in what was read (`prompt-injection.instruction-override`, ...). */
  readonly findings: readonly string[];
  /** When it was read, in ms since the epoch. */
  readonly at: number;
  /** The trace id of the decision that marked the session (joins the audit record). */
  readonly traceId: string;
  /** Whose session read it: the caller's principal, or `anonymous` (an approver may not be it). */
  readonly subject: string;
  /** The agent's name when known (an approver may not be it either). */
  readonly agent: string | null;
}

/** The taint held under one key. */
export interface TaintRecord {
  /** The logical key (`session:<id>`, `mcp:<server>/<id>` or `subject:<principal>`; see taint-keys.ts). */
  readonly key: string;
  /** The reads that tainted it, oldest first; at most MAX_TAINT_SOURCES (the newest are kept). */
  readonly sources: readonly TaintSource[];
  /** When the taint lapses, in ms since the epoch: each mark moves it to mark time + TTL. */
  readonly expiresAt: number;
}

/** Session taint in the state store. Every method rejects when the backend is unreachable (fail closed). */
export interface SessionTaintStore {
  /**
   * Adds `source` to the taint of every key in `keys` and moves each one's expiry to `source.at + ttlMs`
   * (never earlier than it already was), atomically per key.
   */
  markTaint(keys: readonly string[], source: TaintSource, ttlMs: number): Promise<void>;
  /**
   * The unexpired taint under any of `keys` (at most MAX_TAINT_READ_KEYS), in one read: one record per
   * tainted key, in the order of `keys`. Rejects when the store's data was lost (a Redis that restarted
   * empty must not read as "nothing is tainted").
   */
  taintOf(keys: readonly string[], nowMs: number): Promise<readonly TaintRecord[]>;
  /** Removes the taint under `key` (an approver's decision); returns what was removed, null when none was. */
  clearTaint(key: string): Promise<TaintRecord | null>;
  /** The unexpired taints, the most recently marked first, at most `limit`. */
  listTaints(limit: number, nowMs: number): Promise<readonly TaintRecord[]>;
}

/** A session keeps the newest this many reads that tainted it (bounded record, bounded console). */
export const MAX_TAINT_SOURCES = 32;
/** A source keeps at most this many finding ids. */
export const MAX_TAINT_FINDINGS = 16;
/** One `taintOf` reads at most this many keys (a caller bug beyond it, not input: TypeError). */
export const MAX_TAINT_READ_KEYS = 8;
/** How long a taint lasts after its last mark unless configured (`--taint-ttl`): one hour. */
export const DEFAULT_TAINT_TTL_MS = 60 * 60 * 1000;

/** The source as stored: finding ids deduplicated and capped, so a record's size is bounded. */
export function boundedSource(source: TaintSource): TaintSource {
  return Object.freeze({
    server: source.server,
    tool: source.tool,
    method: source.method,
    findings: Object.freeze([...new Set(source.findings)].slice(0, MAX_TAINT_FINDINGS)),
    at: source.at,
    traceId: source.traceId,
    subject: source.subject,
    agent: source.agent,
  });
}

/** Rejects misuse of the port by a caller (programmer errors, not hostile input). */
export function checkTaintKeys(keys: readonly string[]): void {
  if (keys.length > MAX_TAINT_READ_KEYS)
    throw new TypeError(`taint read of ${keys.length} keys exceeds ${MAX_TAINT_READ_KEYS}`);
}
