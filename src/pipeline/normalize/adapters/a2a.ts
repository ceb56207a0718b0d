/**
 * A2A adapter (Agent2Agent protocol): JSON-RPC 2.0 POSTed to a configured A2A endpoint, in the v1.0
 * (`SendMessage`) and v0.3 (`message/send`) dialects, and the agent card read at
 * `/.well-known/agent-card.json` (or the older `/.well-known/agent.json`). A JSON-RPC body carrying an A2A
 * method anywhere else, or at a place that is also an MCP endpoint, reads two ways and is refused
 * (ERR_A2A_READING_CONFLICT). Every member of params is inspected as a tool's arguments are.
 */
import { WritError } from '../../errors.js';
import { isJsonObject, type JsonValue } from '../../model/json.js';
import type { Adapter, ParsedRequest } from '../adapter.js';
import { checkMessage } from '../a2a/message.js';
import { a2aMethod, isV03Method, looksLikeA2aMethod } from '../a2a/methods.js';

/** The members of a JSON-RPC 2.0 request object. */
const REQUEST_MEMBERS: ReadonlySet<string> = new Set(['jsonrpc', 'id', 'method', 'params']);

/** Where an agent publishes its card (A2A v1.0 and v0.3; the older name before 0.3). */
const AGENT_CARD_PATHS: ReadonlySet<string> = new Set([
  '/.well-known/agent-card.json',
  '/.well-known/agent.json',
]);

/** The tool name of an agent card read. */
export const AGENT_CARD_TOOL = 'GetAgentCard';

function isCardRead(request: ParsedRequest): boolean {
  return (request.method === 'GET' || request.method === 'HEAD') && AGENT_CARD_PATHS.has(request.pathname);
}

/** Whether a JSON-RPC request in the body (or any element of a batch) names an A2A method, however spelt. */
function carriesA2aMethod(request: ParsedRequest): boolean {
  if (!request.bodyIsJson) return false;
  const names = (m: JsonValue) =>
    isJsonObject(m) &&
    m['jsonrpc'] !== undefined &&
    typeof m['method'] === 'string' &&
    looksLikeA2aMethod(m['method']);
  const body = request.body;
  return Array.isArray(body) ? body.some(names) : names(body);
}

function conflict(request: ParsedRequest, why: string): WritError {
  return new WritError(
    'ERR_A2A_READING_CONFLICT',
    `"${request.method} ${request.host}${request.pathname.slice(0, 64)}" ${why}`,
  );
}

function invalid(message: string): WritError {
  return new WritError('ERR_A2A_INVALID', message);
}

/** The A2A adapter. */
export const a2aAdapter: Adapter = {
  id: 'a2a',

  matches(request) {
    if (isCardRead(request) || request.a2aEndpoint) return true;
    // At an MCP endpoint the MCP adapter reads the body; off every endpoint an A2A method is claimed only
    // to be refused, never left to the generic HTTP adapter as an unread body.
    return request.mcpEndpoint.kind === 'none' && carriesA2aMethod(request);
  },

  normalize(request) {
    if (isCardRead(request) && !request.a2aEndpoint)
      return {
        action: {
          adapter: 'a2a',
          tool: AGENT_CARD_TOOL,
          operation: 'read',
          httpMethod: request.method,
          mcpMethod: null,
          arguments: request.body,
        },
      };
    if (!request.a2aEndpoint)
      throw conflict(request, 'carries an A2A message off every configured A2A endpoint');
    // SECURITY: one place read as both an A2A and an MCP server: which one answers is unknown, so neither
    // reading is chosen.
    if (request.mcpEndpoint.kind !== 'none') throw conflict(request, 'is both an A2A and an MCP endpoint');
    if (request.method !== 'POST')
      throw invalid(`the A2A JSON-RPC binding takes POST, not ${request.method.slice(0, 16)}`);
    const body = request.body;
    if (!request.bodyIsJson || body === null)
      throw invalid('a POST to an A2A endpoint must carry a JSON-RPC request');
    if (Array.isArray(body)) throw invalid('JSON-RPC batches are not accepted on an A2A endpoint');
    if (!isJsonObject(body)) throw invalid('the body must be a JSON-RPC request object');
    if (body['jsonrpc'] !== '2.0') throw invalid('jsonrpc must be "2.0"');
    // A2A servers never send requests to clients, so a client never POSTs a JSON-RPC response.
    if (body['method'] === undefined && (Object.hasOwn(body, 'result') || Object.hasOwn(body, 'error')))
      throw invalid('a JSON-RPC response without a method: A2A clients send only requests');
    // A member JSON-RPC does not define is data the server ignores and writ would read: refused.
    for (const key of Object.keys(body))
      if (!REQUEST_MEMBERS.has(key)) throw invalid(`unknown JSON-RPC member "${key.slice(0, 32)}"`);
    const name = body['method'];
    if (typeof name !== 'string') throw invalid('JSON-RPC request without a method');
    const method = a2aMethod(name);
    if (method === null) throw invalid(`"${name.slice(0, 64)}" is not an A2A method`);
    const params = body['params'] ?? {};
    if (!isJsonObject(params)) throw invalid('params must be an object');
    if (method.carriesMessage) checkMessage(params['message'], isV03Method(name));
    return {
      action: {
        adapter: 'a2a',
        tool: method.name,
        operation: method.operation,
        httpMethod: request.method,
        mcpMethod: null,
        arguments: params,
      },
    };
  },
};
