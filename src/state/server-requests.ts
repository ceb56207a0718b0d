/**
 * The server requests port (issue 16 item 1): the JSON-RPC requests an MCP server sent a client
 * (`sampling/createMessage`, `elicitation/create`, `roots/list`, `ping`), kept per MCP session so the
 * client's later answer is matched to the request it answers by id, once. Shared by every replica through
 * the state store (memory or Redis), each record with a TTL, as session taint is.
 */

/** What taking an answer's id found in its session. */
export type ServerRequestMatch =
  /** writ has recorded no server request in this session (or its records lapsed): nothing to match. */
  | { readonly session: 'unknown' }
  /** The session is known; `method` is the request the id answers, null when it answers none recorded. */
  | { readonly session: 'known'; readonly method: string | null };

/** Server requests in the state store. Every method rejects when the backend is unreachable (fail closed). */
export interface ServerRequestStore {
  /**
   * Records that the server sent request `id` (its JSON text, so 1 and "1" differ) of `method` in the MCP
   * session `session` (the session's taint key, `mcp:<server>/<id>`), until `nowMs + ttlMs`; the session
   * stays known until its last record lapses. Rejects when the session already holds
   * MAX_SERVER_REQUESTS unanswered requests that have not lapsed.
   */
  recordServerRequest(
    session: string,
    id: string,
    method: string,
    ttlMs: number,
    nowMs: number,
  ): Promise<void>;
  /** Finds and removes the record of `id` in `session`, atomically: each record answers once. */
  takeServerRequest(session: string, id: string, nowMs: number): Promise<ServerRequestMatch>;
  /** Replaces the roots the client declared in `session` (its `roots/list` answer), until `nowMs + ttlMs`. */
  recordRoots(session: string, roots: readonly string[], ttlMs: number, nowMs: number): Promise<void>;
  /** The roots last declared in `session`, or null when none are known (never declared, or lapsed). */
  rootsOf(session: string, nowMs: number): Promise<readonly string[] | null>;
}

/** Roots kept per session (a longer list is cut: a resource outside the kept ones reads as outside). */
export const MAX_ROOTS = 64;
/** How long declared roots are kept after their last `roots/list` answer unless configured: one hour. */
export const DEFAULT_ROOTS_TTL_MS = 60 * 60 * 1000;

/** How long a server request waits for its answer unless configured: ten minutes (an elicitation waits on a person). */
export const DEFAULT_SERVER_REQUEST_TTL_MS = 10 * 60 * 1000;
/** Unanswered requests one session may hold: a server cannot grow a record without bound. */
export const MAX_SERVER_REQUESTS = 256;
/** The longest id or method kept (an id is the server's choice; longer ones are refused, not cut). */
export const MAX_SERVER_REQUEST_FIELD = 256;

/** The key of a JSON-RPC id: its JSON text, so an integer and a string of the same digits never match. */
export const rpcIdKey = (id: string | number): string => JSON.stringify(id);
