/**
 * MCP's HTTP transports around the messages: Streamable HTTP (POST a message, GET the server's event
 * stream, DELETE the session, `Mcp-Session-Id`, `MCP-Protocol-Version`) and the older HTTP+SSE transport
 * (GET the stream at its endpoint, POST messages to the endpoint it names, `?sessionId=`). A GET or DELETE
 * is MCP's only with no body: one carrying a body reads two ways and is refused by the adapter.
 */
import { WritError } from '../../errors.js';
import type { ParsedRequest } from '../adapter.js';
import type { AdapterResult } from '../adapter.js';
import { MCP_PROTOCOL_VERSIONS } from './methods.js';

/** The Streamable HTTP session header (lower-case, as RawRequest keeps header names). */
export const MCP_SESSION_HEADER = 'mcp-session-id';
/** The header naming the negotiated protocol version (2025-06-18 on). */
export const MCP_PROTOCOL_VERSION_HEADER = 'mcp-protocol-version';
/** The older HTTP+SSE transport names the session in the query of the messages endpoint. */
const LEGACY_SESSION_PARAM = 'sessionId';

// The specification: "The session ID MUST only contain visible ASCII characters (0x21 to 0x7E)". The length
// bound is writ's: an id is a key in the session stores, and no server needs more.
const SESSION_ID = /^[\x21-\x7e]{1,256}$/;

/** The session and protocol version a request names; each absent when it names none. */
export interface McpSessionFacts {
  readonly mcpSessionId: string | null;
  readonly mcpProtocolVersion: string | null;
}

function sessionIdOf(request: ParsedRequest): string | null {
  const header = request.raw.headers[MCP_SESSION_HEADER];
  const query = request.query[LEGACY_SESSION_PARAM];
  if (query !== undefined && query.length > 1)
    throw new WritError('ERR_MCP_INVALID', 'the query names the MCP session more than once');
  const fromQuery = query?.[0];
  // SECURITY: two session ids are two readings of whose session this is (the taint and the audit key on it).
  if (header !== undefined && fromQuery !== undefined && header !== fromQuery)
    throw new WritError('ERR_MCP_INVALID', 'Mcp-Session-Id and the sessionId query name different sessions');
  const id = header ?? fromQuery;
  if (id === undefined) return null;
  if (!SESSION_ID.test(id))
    throw new WritError(
      'ERR_MCP_INVALID',
      'an MCP session id must be 1 to 256 visible ASCII characters (0x21 to 0x7E)',
    );
  return id;
}

/**
 * The session id (`Mcp-Session-Id`, or `?sessionId=` of the older transport) and the protocol version a
 * request names. Throws ERR_MCP_INVALID for a malformed or doubled session id and ERR_MCP_PROTOCOL_VERSION
 * for a version writ does not know: a message of an unknown version is read by rules writ cannot know.
 */
export function readSessionFacts(request: ParsedRequest): McpSessionFacts {
  const version = request.raw.headers[MCP_PROTOCOL_VERSION_HEADER];
  if (version !== undefined && !MCP_PROTOCOL_VERSIONS.includes(version))
    throw new WritError(
      'ERR_MCP_PROTOCOL_VERSION',
      `MCP-Protocol-Version "${version.slice(0, 40)}" is not one writ reads (${MCP_PROTOCOL_VERSIONS.join(', ')})`,
    );
  return { mcpSessionId: sessionIdOf(request), mcpProtocolVersion: version ?? null };
}

/**
 * The GET that opens a server's event stream (both transports), or the DELETE that ends a Streamable HTTP
 * session. A DELETE names the session it ends; without one it ends nothing a server knows and is refused.
 */
export function transportAction(request: ParsedRequest, facts: McpSessionFacts): AdapterResult {
  if (request.method === 'GET') {
    return {
      action: {
        adapter: 'mcp',
        tool: 'open-stream',
        operation: 'read',
        httpMethod: 'GET',
        mcpMethod: null,
        mcpKind: 'open-stream',
        arguments: null,
      },
    };
  }
  if (facts.mcpSessionId === null)
    throw new WritError('ERR_MCP_INVALID', 'a DELETE of an MCP session must name it in Mcp-Session-Id');
  // WHY a write: it ends state the server holds for this client (its session), and deletes no data.
  return {
    action: {
      adapter: 'mcp',
      tool: 'end-session',
      operation: 'write',
      httpMethod: 'DELETE',
      mcpMethod: null,
      mcpKind: 'end-session',
      arguments: null,
    },
  };
}
