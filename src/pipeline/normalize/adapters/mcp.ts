/**
 * MCP adapter: JSON-RPC 2.0 over HTTP (`{"method":"tools/call","params":{"name","arguments"}}`) and the
 * REST form `POST /mcp/tools/<tool>` whose body is the arguments.
 */
import { WritError } from '../../errors.js';
import { isJsonObject, type JsonValue } from '../../model/json.js';
import type { Adapter, AdapterResult, ParsedRequest } from '../adapter.js';
import { firstString, resourceHintsFromArguments } from '../argument-hints.js';
import { classifySql, classifyToolName, riskier } from '../operation-class.js';

const REST_TOOL_PATH = /^\/mcp\/tools\/([^/]+)$/;
/** Arguments that carry the SQL a tool runs, in the order they are read. */
const SQL_ARGUMENTS = ['query', 'sql', 'statement'];

function isJsonRpc(request: ParsedRequest): boolean {
  const body = request.body;
  // SECURITY: a JSON-RPC batch could hide a dangerous call behind a harmless one; it is claimed here
  // and rejected below rather than passed to the generic HTTP adapter.
  if (Array.isArray(body)) return body.some((m) => isJsonObject(m) && m['jsonrpc'] !== undefined);
  return isJsonObject(body) && body['jsonrpc'] !== undefined;
}

/** A tools/call: the operation is the riskier of the tool name's verb and its SQL's first keyword. */
function toolCall(request: ParsedRequest, tool: string, args: JsonValue): AdapterResult {
  const hints = resourceHintsFromArguments(args);
  // Each SQL-carrying argument counts, at the top level or below it (`{"request": {"sql": ...}}`): a
  // harmless `query` next to a destructive `sql` does not make the call a read.
  let operation = classifyToolName(tool);
  if (isJsonObject(args)) {
    for (const key of SQL_ARGUMENTS) {
      const sql = firstString(args, [key]);
      if (sql !== null) operation = riskier(operation, classifySql(sql));
    }
  }
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
    if (!request.bodyIsJson) return false;
    return isJsonRpc(request) || (request.method === 'POST' && REST_TOOL_PATH.test(request.pathname));
  },

  normalize(request) {
    const body = request.body;
    // A JSON-RPC body wins over a REST-shaped path, so the path is only read for a non-JSON-RPC body.
    const rest = isJsonRpc(request) ? null : REST_TOOL_PATH.exec(request.pathname);
    if (rest !== null) {
      let tool: string;
      try {
        tool = decodeURIComponent(rest[1] ?? '');
      } catch {
        throw new WritError('ERR_MCP_INVALID', 'tool name in the path is not valid percent-encoding');
      }
      return toolCall(request, tool, body);
    }
    if (!isJsonObject(body)) throw new WritError('ERR_MCP_INVALID', 'JSON-RPC batches are not accepted');
    if (body['jsonrpc'] !== '2.0') throw new WritError('ERR_MCP_INVALID', 'jsonrpc must be "2.0"');
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
