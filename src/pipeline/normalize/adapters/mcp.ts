/**
 * MCP adapter: JSON-RPC 2.0 over HTTP POSTed to a configured MCP endpoint (requests, notifications, and the
 * results and errors a client sends back for a server's requests), the GET that opens the server's event
 * stream and the DELETE that ends a session (src/pipeline/normalize/mcp/transport.ts), and the REST form
 * `POST <endpoint>/tools/<tool>` whose body is the arguments. A JSON-RPC body anywhere else is not read as
 * MCP: on another method, or as an MCP call off an endpoint, it is two readings of one request and refused
 * (ERR_MCP_READING_CONFLICT).
 */
import { WritError } from '../../errors.js';
import { isJsonObject } from '../../model/json.js';
import type { Adapter, AdapterResult, ParsedRequest } from '../adapter.js';
import { batchAction } from '../mcp/batch.js';
import { messageAction, toolCallAction } from '../mcp/message-action.js';
import { readMcpMessage } from '../mcp/read-message.js';
import { readSessionFacts, transportAction, type McpSessionFacts } from '../mcp/transport.js';

function isJsonRpc(request: ParsedRequest): boolean {
  if (!request.bodyIsJson) return false;
  const body = request.body;
  // SECURITY: a JSON-RPC batch could hide a dangerous call behind a harmless one; it is claimed here
  // and read element by element below rather than passed to the generic HTTP adapter.
  if (Array.isArray(body)) return body.some((m) => isJsonObject(m) && m['jsonrpc'] !== undefined);
  return isJsonObject(body) && body['jsonrpc'] !== undefined;
}

/** MCP's method families (2025-06-18 and drafts); matched lower-case and trimmed, as a lenient server might. */
const MCP_METHOD =
  /^(?:initialize|ping|(?:notifications|tools|resources|prompts|completion|logging|sampling|roots|elicitation|tasks)\/.*)$/;

/**
 * True unless the body is one JSON-RPC request whose method is plainly not MCP's (`eth_call`): a batch, a
 * response or an MCP method could all be acted on by an MCP server.
 */
function couldBeMcp(body: ParsedRequest['body']): boolean {
  if (!isJsonObject(body)) return true;
  const method = body['method'];
  return typeof method !== 'string' || MCP_METHOD.test(method.trim().toLowerCase());
}

function conflict(request: ParsedRequest, why: string): WritError {
  return new WritError(
    'ERR_MCP_READING_CONFLICT',
    `"${request.method} ${request.host}${request.pathname.slice(0, 64)}" ${why}`,
  );
}

/** The GET of the event stream and the DELETE of a session: the methods MCP's transports use besides POST. */
function isTransportMethod(method: string): boolean {
  return method === 'GET' || method === 'DELETE';
}

/** The result with the session facts the request names, as context for taint and audit. */
function withSession(result: AdapterResult, facts: McpSessionFacts): AdapterResult {
  return { ...result, context: facts };
}

/** The MCP adapter. */
export const mcpAdapter: Adapter = {
  id: 'mcp',

  matches(request) {
    const at = request.mcpEndpoint;
    if (request.method === 'POST' && at.kind !== 'none') return true;
    if (isTransportMethod(request.method) && at.kind === 'rpc') return true;
    // Off an endpoint, a JSON-RPC body is claimed only to be refused where an MCP server could act on it;
    // a plain JSON-RPC API (`eth_call` POSTed to `/`) is left to the HTTP adapter, read by method and path.
    return isJsonRpc(request) && (request.method !== 'POST' || couldBeMcp(request.body));
  },

  normalize(request) {
    const body = request.body;
    const at = request.mcpEndpoint;
    // SECURITY: JSON-RPC over HTTP is a POST to the endpoint. A DELETE whose body says tools/list, or a
    // REST path that says delete, reads two ways; the upstream's reading is unknown, so neither is chosen.
    if (request.method !== 'POST' && isJsonRpc(request))
      throw conflict(request, 'carries a JSON-RPC body on a method other than POST');
    if (at.kind === 'none')
      throw conflict(request, 'carries an MCP message off every configured MCP endpoint');
    const facts = readSessionFacts(request);
    if (request.method !== 'POST') {
      // The GET of the stream and the DELETE of a session carry nothing; a body there is a second reading.
      if (request.raw.body.length > 0)
        throw conflict(request, `carries a body on the ${request.method} of an MCP endpoint`);
      return withSession(transportAction(request, facts), facts);
    }
    if (at.kind === 'rest') {
      if (isJsonRpc(request))
        throw conflict(request, 'names a tool in its path and carries a JSON-RPC message in its body');
      if (!request.bodyIsJson)
        throw new WritError('ERR_MCP_INVALID', 'the arguments of a REST tool call must be a JSON document');
      let tool: string;
      try {
        tool = decodeURIComponent(at.tool);
      } catch {
        throw new WritError('ERR_MCP_INVALID', 'tool name in the path is not valid percent-encoding');
      }
      return withSession(toolCallAction(request.method, tool, body, request.shell, request.apiHosts), facts);
    }
    if (!isJsonRpc(request))
      throw new WritError('ERR_MCP_INVALID', 'a POST to an MCP endpoint must carry a JSON-RPC message');
    if (Array.isArray(body)) return batchAction(request.method, body, facts, request.shell, request.apiHosts);
    if (!isJsonObject(body)) throw new WritError('ERR_MCP_INVALID', 'a JSON-RPC message must be an object');
    // Requests, notifications, and the results and errors a client POSTs back for the server's requests.
    return withSession(
      messageAction(request.method, readMcpMessage(body), '', request.shell, request.apiHosts),
      facts,
    );
  },
};
