/**
 * Which state keys a session's taint lives under (docs/session-taint.md). The response side marks and the
 * check role reads through these two functions only, so the two can never disagree on a key.
 */
import { createHash } from 'node:crypto';
import type { Action } from '../model/action.js';
import { hostWithPort } from '../normalize/default-port.js';

/** The MCP Streamable HTTP session header (lower-case, as writ's raw headers are). */
export const MCP_SESSION_HEADER = 'mcp-session-id';

/** Who read (or now calls) and in which sessions: the parts of a call that name its sessions. */
export interface TaintScope {
  /** The caller's principal (`Subject.principal`); null for an unauthenticated caller. */
  readonly principal: string | null;
  /** The agent's name (`Subject.agent`), when known: recorded so its approver cannot be the agent itself. */
  readonly agent: string | null;
  /** The agent session id (`context.sessionId`: `x-writ-session` from a trusted hop, or the token's `sid`). */
  readonly sessionId: string | null;
  /** The MCP server's host (with port when not the default): an MCP session id is only unique per server. */
  readonly server: string;
  /** The `Mcp-Session-Id` the call carried (set by the MCP server), or null. */
  readonly mcpSessionId: string | null;
}

/**
 * The scope of a normalized call: its principal, agent session, destination server (`resource.host`'s form)
 * and the `Mcp-Session-Id` it carried. The check role and the response side both build it here.
 */
export function taintScopeOf(action: Action, headers: Readonly<Record<string, string>>): TaintScope {
  const { host, port, scheme } = action.resource;
  return {
    principal: action.subject.principal,
    agent: action.subject.agent,
    sessionId: action.context.sessionId,
    server: hostWithPort(host, port, scheme),
    // The MCP adapter's reading (the header, or `?sessionId=` of the older HTTP+SSE transport) first.
    mcpSessionId: action.context.mcpSessionId ?? headers[MCP_SESSION_HEADER] ?? null,
  };
}

/** An id longer than this is stored by its digest: an agent-chosen header must not size Redis keys. */
const MAX_ID_CHARS = 128;

const idPart = (id: string): string =>
  id.length <= MAX_ID_CHARS ? id : `sha256:${createHash('sha256').update(id).digest('base64url')}`;

/** The taint key of an agent session. */
export const sessionTaintKey = (sessionId: string): string => `session:${idPart(sessionId)}`;
/** The taint key of an MCP session with one server. */
export const mcpTaintKey = (server: string, mcpSessionId: string): string =>
  `mcp:${idPart(server)}/${idPart(mcpSessionId)}`;
/** The taint key of a caller with no agent session id: its principal, or `anonymous`. */
export const subjectTaintKey = (principal: string | null): string =>
  `subject:${idPart(principal ?? 'anonymous')}`;

/**
 * The keys a tainted read marks: the agent session and the MCP session it came through. Without an agent
 * session id the caller's principal is marked instead, so its next call in any session sees the taint.
 */
export function markKeys(scope: TaintScope): readonly string[] {
  const keys: string[] = [];
  if (scope.sessionId !== null && scope.sessionId !== '') keys.push(sessionTaintKey(scope.sessionId));
  else keys.push(subjectTaintKey(scope.principal));
  if (scope.mcpSessionId !== null && scope.mcpSessionId !== '')
    keys.push(mcpTaintKey(scope.server, scope.mcpSessionId));
  return keys;
}

/**
 * The keys the check role reads for a call: its agent session, the MCP session it uses with its
 * destination, and always its principal (a read marked without a session id taints every session of it).
 * Reading more keys can only add taint, so an agent-set `Mcp-Session-Id` can never hide any.
 */
export function readKeys(scope: TaintScope): readonly string[] {
  const keys: string[] = [];
  if (scope.sessionId !== null && scope.sessionId !== '') keys.push(sessionTaintKey(scope.sessionId));
  if (scope.mcpSessionId !== null && scope.mcpSessionId !== '')
    keys.push(mcpTaintKey(scope.server, scope.mcpSessionId));
  keys.push(subjectTaintKey(scope.principal));
  return keys;
}
