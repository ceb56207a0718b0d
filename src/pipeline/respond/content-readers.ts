/**
 * Response content readers, one per protocol, in a small registry: each says which messages it reads and
 * which parts of a message are content that reaches the model (a tool result, a resource's text, a prompt's
 * messages, a server's sampling or elicitation request). The response role inspects exactly those parts.
 * A protocol adapter adds its reader to RESPONSE_READERS before the MCP reader (docs/response-path.md).
 */
import { isJsonObject, type JsonObject, type JsonValue } from '../model/json.js';
import { callAnswered, type RequestReading } from './answered-request.js';

/** One part of a message to inspect: where it sits (a JSON path from the message) and its value. */
export interface ContentPart {
  /** `$.response.result`, `$.response.params.messages`, `$.response.body`. */
  readonly path: string;
  readonly value: JsonValue;
}

/** What a reader makes of one message from the upstream. */
export interface ResponseContent {
  /** The reader's protocol (`mcp`, `a2a`, `http`): the action's adapter in response rules. */
  readonly protocol: string;
  /**
   * What the message is (`response.kind`): the method it answers (`tools/call`), the method of a request
   * or notification the server sends (`sampling/createMessage`), or `http` for a plain body.
   */
  readonly kind: string;
  /** The tool, resource or prompt the answered call named, when known (`action.tool`). */
  readonly tool: string | null;
  /** The JSON-RPC id of a response (the request's) or of a server-to-client request; null otherwise. */
  readonly id: string | number | null;
  /** True for a request or notification the server sends the client (no caller waits for an answer). */
  readonly fromServer: boolean;
  readonly parts: readonly ContentPart[];
}

/** A protocol's reader of upstream messages. Stateless, like an inspector. */
export interface ResponseContentReader {
  readonly protocol: string;
  /** True when this reader reads the responses to this request (its methods are this protocol's). */
  claims(request: RequestReading): boolean;
  /** The content of one JSON-RPC message (an object with `jsonrpc: "2.0"`). */
  read(message: JsonObject, request: RequestReading): ResponseContent;
}

const idOf = (m: JsonObject): string | number | null => {
  const id = m['id'];
  return typeof id === 'string' || typeof id === 'number' ? id : null;
};

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
        id: idOf(message),
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
      id: idOf(message),
      fromServer: false,
      parts,
    };
  },
};

/**
 * The readers tried in order; the first that claims the request reads its responses. Protocol readers
 * that recognise their own methods come first; MCP, which claims every JSON-RPC exchange, comes last.
 */
export const RESPONSE_READERS: readonly ResponseContentReader[] = Object.freeze([mcpContentReader]);

/** The reader for a JSON-RPC exchange. */
export function readerFor(
  request: RequestReading,
  readers: readonly ResponseContentReader[] = RESPONSE_READERS,
): ResponseContentReader {
  return readers.find((r) => r.claims(request)) ?? mcpContentReader;
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
