/** The adapter interface: one file per protocol turns a parsed request into the action part of the model. */
import type { ActionContext, ActionPart, Resource } from '../model/action.js';
import type { JsonValue } from '../model/json.js';
import type { RawRequest } from '../model/raw-request.js';
import type { ApiHostLists } from './api/api-hosts.js';
import type { EndpointMatch } from './mcp-endpoint.js';
import type { ShellReader } from '../shell/shell-reader.js';

/** A request after transport-independent parsing: URL split, body decoded, content type known. */
export interface ParsedRequest {
  readonly raw: RawRequest;
  /** The method the upstream runs: the request's own, upper-case, or the override it carries (upstream-target.ts). */
  readonly method: string;
  /** The wire method first, then every override the request carries (upstream-target.ts). */
  readonly methodReadings: readonly string[];
  readonly scheme: string;
  readonly host: string;
  readonly port: number | null;
  /** The path without the query string, percent-decoding left to adapters. */
  readonly pathname: string;
  /** Where host, port and path stand against the configured MCP endpoints (mcp-endpoint.ts). */
  readonly mcpEndpoint: EndpointMatch;
  /** Whether host, port and path are exactly a configured A2A endpoint (a2a/endpoints.ts). */
  readonly a2aEndpoint: boolean;
  /** The hosts of the self-hostable APIs (`lists.github_hosts`, `lists.gitlab_hosts`: api/api-hosts.ts). */
  readonly apiHosts: ApiHostLists;
  readonly query: Readonly<Record<string, readonly string[]>>;
  /** The media type without parameters, lower-cased (`application/json`). */
  readonly contentType: string;
  /**
   * Strict JSON when the content type is JSON or a text body is a strict JSON document, form fields for a
   * form, text for other text, null when empty or binary.
   */
  readonly body: JsonValue;
  /** The body was read as a JSON document (declared JSON, or text that is one). */
  readonly bodyIsJson: boolean;
  /** The pipeline's command-line reader, for adapters that read tool calls' shell lines; absent: afresh. */
  readonly shell?: ShellReader;
}

/** The resource facts an adapter can read from a call; what it does not name stays absent. */
export type ResourceHints = Partial<
  Pick<Resource, 'database' | 'table' | 'filePath' | 'environment' | 'recipients' | 'kind' | 'id' | 'owner'>
>;

/** What an adapter contributes: the action part and any resource facts it can read from the call. */
export interface AdapterResult {
  readonly action: ActionPart;
  readonly resource?: ResourceHints;
  /** Context the protocol names (the MCP session and protocol version). */
  readonly context?: Pick<ActionContext, 'mcpSessionId' | 'mcpProtocolVersion'>;
  /** The messages of a batch, each read on its own, with the message as its payload. */
  readonly elements?: readonly AdapterResult[];
  /** The element's own payload (its message); absent: the request body. */
  readonly payload?: JsonValue;
}

/** A protocol adapter. Stateless; `normalize` throws WritError on malformed protocol messages. */
export interface Adapter {
  readonly id: string;
  /** True when this adapter should interpret the request; the registry asks in order. */
  matches(request: ParsedRequest): boolean;
  normalize(request: ParsedRequest): AdapterResult;
}
