/**
 * What a protocol's content reader makes of one upstream message (its kind, the call it answers, the
 * parts that reach a model) and the reader's interface. The readers and their registry are in
 * content-readers.ts; each protocol's reader imports only these types.
 */
import type { JsonObject, JsonValue } from '../model/json.js';
import type { RequestReading } from './answered-request.js';
import type { ExchangeEndpoint } from './exchange-endpoint.js';

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
  /**
   * Definitions the message offers the model to choose from, as tools are (an A2A agent card's skills):
   * tool-poisoning judges them as it judges an MCP tool list. Absent for ordinary content.
   */
  readonly definitions?: readonly JsonObject[];
}

/** A protocol's reader of upstream messages. Stateless, like an inspector. */
export interface ResponseContentReader {
  readonly protocol: string;
  /**
   * True when this reader reads the answers of this exchange: by the endpoint the request went to (the
   * configured MCP and A2A endpoints), never by its method names, which two protocols may share.
   */
  claims(request: RequestReading, endpoint: ExchangeEndpoint): boolean;
  /** The content of one JSON-RPC message (an object with `jsonrpc: "2.0"`). */
  read(message: JsonObject, request: RequestReading): ResponseContent;
}
