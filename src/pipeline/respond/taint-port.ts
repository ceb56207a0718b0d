/**
 * The port through which the response role marks an agent's session as tainted by what it read. The
 * session-taint store implements it (shared across replicas); the response role only calls `mark` and
 * withholds the answer when the mark cannot be made (ERR_TAINT_UNAVAILABLE).
 */

/** One taint mark: what was read, from which server and tool, when, and what was found in it. */
export interface TaintMark {
  /** The MCP session (`Mcp-Session-Id`) the answer belongs to, when the exchange carried one. */
  readonly mcpSessionId: string | null;
  /** The agent session id (`x-writ-session`) the request carried, when it did. */
  readonly agentSessionId: string | null;
  /** The caller's principal, from the execution token's `sub` (null without a token). */
  readonly principal: string | null;
  /** The upstream (canonical authority) and the tool, resource or prompt read. */
  readonly server: string;
  readonly tool: string | null;
  /** What was read (`tools/call`, `resources/read`, `http`, ...). */
  readonly kind: string;
  readonly findings: ReadonlyArray<{ readonly id: string; readonly severity: string }>;
  readonly atMs: number;
  /** The trace id of the response decision (the audit record that says why). */
  readonly traceId: string;
  /** The response rules that asked for the taint. */
  readonly rules: readonly string[];
}

/** Marks sessions tainted; rejects when the mark could not be stored. */
export interface TaintSink {
  mark(mark: TaintMark): Promise<void>;
}
