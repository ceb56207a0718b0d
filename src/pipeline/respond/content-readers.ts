/**
 * Response content readers, one per protocol, in a small registry: each says which messages it reads and
 * which parts of a message are content that reaches the model (a tool result, a resource's text, a prompt's
 * messages, a server's sampling or elicitation request). The response role inspects exactly those parts.
 * A protocol adapter adds its reader to RESPONSE_READERS before the MCP reader (docs/response-path.md).
 */
import { isJsonObject, type JsonObject, type JsonValue } from '../model/json.js';
import { a2aContentReader } from './a2a-content-reader.js';
import { callAnswered, rpcIdOf, type RequestReading } from './answered-request.js';
import type { ExchangeEndpoint } from './exchange-endpoint.js';
import type { ContentPart, ResponseContentReader, ResponseContent } from './response-content.js';

export type { ContentPart, ResponseContent, ResponseContentReader } from './response-content.js';

/**
 * MCP (2025-06-18): responses to the client's calls (`tools/call` results, `resources/read` contents,
 * `prompts/get` messages, and every other result or error, whole), and what the server sends unasked
 * (`sampling/createMessage`, `elicitation/create`, notifications such as log messages). Every part of a
 * result is inspected, not only `content`: a client may show `structuredContent` or `_meta` to the model.
 */
export const mcpContentReader: ResponseContentReader = {
  protocol: 'mcp',
  // The fallback reader: any JSON-RPC exchange no other protocol claims is read as MCP.
  claims: () => true,
  read(message, request) {
    const method = message['method'];
    if (typeof method === 'string') {
      // A request or notification from the server to the client: its params are content for the model
      // (a sampling request's messages and system prompt, an elicitation's message and schema).
      return {
        protocol: 'mcp',
        kind: method,
        tool: null,
        id: rpcIdOf(message),
        fromServer: true,
        parts:
          message['params'] === undefined ? [] : [{ path: '$.response.params', value: message['params'] }],
      };
    }
    const call = callAnswered(request, message['id']);
    const parts: ContentPart[] = [];
    if (message['result'] !== undefined) parts.push({ path: '$.response.result', value: message['result'] });
    // An error's message and data come from the server too, and a client shows them to the model.
    if (message['error'] !== undefined) parts.push({ path: '$.response.error', value: message['error'] });
    return {
      protocol: 'mcp',
      kind: call?.method ?? 'response',
      tool: call?.tool ?? null,
      id: rpcIdOf(message),
      fromServer: false,
      parts,
    };
  },
};

/**
 * The readers tried in order; the first that claims the exchange reads its answers. A2A's claims what was
 * sent to a configured A2A endpoint; MCP's claims every JSON-RPC exchange and stays last.
 */
export const RESPONSE_READERS: readonly ResponseContentReader[] = Object.freeze([
  a2aContentReader,
  mcpContentReader,
]);

/** The reader for a JSON-RPC exchange: the first of `readers` that claims it, else MCP's. */
export function readerFor(
  request: RequestReading,
  endpoint: ExchangeEndpoint,
  readers: readonly ResponseContentReader[] = RESPONSE_READERS,
): ResponseContentReader {
  return readers.find((r) => r.claims(request, endpoint)) ?? mcpContentReader;
}

/** A plain HTTP tool response: the whole body (parsed JSON, or its text) is content. */
export function httpContent(body: JsonValue): ResponseContent {
  return {
    protocol: 'http',
    kind: 'http',
    tool: null,
    id: null,
    fromServer: false,
    parts: [{ path: '$.response.body', value: body }],
  };
}

/** True for a JSON-RPC 2.0 message object. */
export function isRpcMessage(value: JsonValue): value is JsonObject {
  return isJsonObject(value) && value['jsonrpc'] === '2.0';
}
