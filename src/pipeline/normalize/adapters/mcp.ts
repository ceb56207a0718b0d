/**
 * MCP adapter: JSON-RPC 2.0 over HTTP (`{"method":"tools/call","params":{"name","arguments"}}`) POSTed to a
 * configured MCP endpoint, and the REST form `POST <endpoint>/tools/<tool>` whose body is the arguments.
 * A JSON-RPC body anywhere else is not read as MCP: on another method, or as an MCP call off an endpoint,
 * it is two readings of one request and refused (ERR_MCP_READING_CONFLICT).
 */
import { WritError } from '../../errors.js';
import { isJsonObject, type JsonValue } from '../../model/json.js';
import type { Adapter, AdapterResult, ParsedRequest } from '../adapter.js';
import { resourceHintsFromArguments } from '../argument-hints.js';
import { classifyToolName, withSqlOperation } from '../operation-class.js';
import { readSqlOperation } from '../sql-arguments.js';

/** The members of a JSON-RPC 2.0 request object. */
const REQUEST_MEMBERS: ReadonlySet<string> = new Set(['jsonrpc', 'id', 'method', 'params']);

function isJsonRpc(request: ParsedRequest): boolean {
  if (!request.bodyIsJson) return false;
  const body = request.body;
  // SECURITY: a JSON-RPC batch could hide a dangerous call behind a harmless one; it is claimed here
  // and rejected below rather than passed to the generic HTTP adapter.
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

/**
 * A tools/call: the operation is what its SQL does (every statement of every SQL-carrying argument, at any
 * depth), raised by the tool name's verb; a tool named `query_db` running `SELECT 1; DROP TABLE t` deletes.
 */
function toolCall(request: ParsedRequest, tool: string, args: JsonValue): AdapterResult {
  const hints = resourceHintsFromArguments(args);
  const operation = withSqlOperation(classifyToolName(tool), readSqlOperation(args));
  return {
    action: {
      adapter: 'mcp',
      tool,
      operation,
      httpMethod: request.method,
      mcpMethod: 'tools/call',
      arguments: args,
    },
    resource: hints,
  };
}

/** The MCP adapter. */
export const mcpAdapter: Adapter = {
  id: 'mcp',

  matches(request) {
    const at = request.mcpEndpoint;
    if (request.method === 'POST' && at.kind !== 'none') return true;
    // Off an endpoint, a JSON-RPC body is claimed only to be refused where an MCP server could act on it;
    // a plain JSON-RPC API (`eth_call` POSTed to `/`) is left to the HTTP adapter, read by method and path.
    return isJsonRpc(request) && (request.method !== 'POST' || couldBeMcp(request.body));
  },

  normalize(request) {
    const body = request.body;
    const at = request.mcpEndpoint;
    // SECURITY: JSON-RPC over HTTP is a POST to the endpoint. A DELETE whose body says tools/list, or a
    // REST path that says delete, reads two ways; the upstream's reading is unknown, so neither is chosen.
    if (request.method !== 'POST')
      throw conflict(request, 'carries a JSON-RPC body on a method other than POST');
    if (at.kind === 'none')
      throw conflict(request, 'carries an MCP message off every configured MCP endpoint');
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
      return toolCall(request, tool, body);
    }
    if (!isJsonRpc(request))
      throw new WritError('ERR_MCP_INVALID', 'a POST to an MCP endpoint must carry a JSON-RPC message');
    if (!isJsonObject(body)) throw new WritError('ERR_MCP_INVALID', 'JSON-RPC batches are not accepted');
    if (body['jsonrpc'] !== '2.0') throw new WritError('ERR_MCP_INVALID', 'jsonrpc must be "2.0"');
    // A member JSON-RPC does not define is data an MCP server ignores and writ would read: refused.
    for (const key of Object.keys(body))
      if (!REQUEST_MEMBERS.has(key))
        throw new WritError('ERR_MCP_INVALID', `unknown JSON-RPC member "${key.slice(0, 32)}"`);
    const method = body['method'];
    if (typeof method !== 'string')
      throw new WritError('ERR_MCP_INVALID', 'JSON-RPC request without a method');
    const params = body['params'] ?? null;
    if (params !== null && !isJsonObject(params) && !Array.isArray(params)) {
      throw new WritError('ERR_MCP_INVALID', 'params must be an object or an array');
    }
    if (method === 'tools/call') {
      if (!isJsonObject(params)) throw new WritError('ERR_MCP_INVALID', 'tools/call without params');
      const name = params['name'];
      if (typeof name !== 'string' || name.length === 0) {
        throw new WritError('ERR_MCP_INVALID', 'tools/call params.name must be a non-empty string');
      }
      const args = params['arguments'] ?? {};
      if (!isJsonObject(args))
        throw new WritError('ERR_MCP_INVALID', 'tools/call params.arguments must be an object');
      return toolCall(request, name, args);
    }
    // initialize, tools/list, resources/read...: governed as MCP methods without a tool.
    return {
      action: {
        adapter: 'mcp',
        tool: method,
        operation: method.endsWith('/list') || method === 'initialize' ? 'read' : classifyToolName(method),
        httpMethod: request.method,
        mcpMethod: method,
        arguments: params,
      },
    };
  },
};
