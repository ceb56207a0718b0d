/** The interface one API family implements (GitHub REST, Slack Web API, Gmail...): one file per family in ../adapters/. */
import type { OperationClass } from '../../model/action.js';
import type { JsonValue } from '../../model/json.js';
import type { ShellReader } from '../../shell/shell-reader.js';
import type { ApiHostList } from './api-hosts.js';
import type { ApiReading } from './api-reading.js';

/**
 * The part of a request a family reads: a parsed HTTP request (normalize/adapter.ts `ParsedRequest` is one),
 * or the request an MCP tool carries in its arguments (`{"method","url","body"}`, api/tool-call.ts).
 */
export interface ApiRequest {
  /** The method writ decided, upper-case (override included: normalize/upstream-target.ts). */
  readonly method: string;
  readonly host: string;
  /** The path without the query, as sent (percent-decoding is the route table's: api/route-table.ts). */
  readonly pathname: string;
  readonly query: Readonly<Record<string, readonly string[]>>;
  /** The media type, lower-case, without parameters. */
  readonly contentType: string;
  /** The body as normalize read it: strict JSON, form fields, text, or null. */
  readonly body: JsonValue;
  readonly bodyIsJson: boolean;
  /** The request as received, for the families that read a header (AWS's `X-Amz-Target`); absent in a tool call. */
  readonly raw?: { readonly headers: Readonly<Record<string, string>> };
}

/** One tool call's name and (object) arguments, as the MCP adapter read them. */
export interface ToolCall {
  readonly tool: string;
  readonly arguments: { readonly [k: string]: JsonValue };
  /** Reads the call's command lines (the pipeline's reader, shell/shell-reader.ts); absent: afresh. */
  readonly shell?: ShellReader;
}

/**
 * A typed API family. Stateless and pure like every adapter; `readRequest` and `readToolCall` throw only
 * WritError (a deny with its code), never on hostile input otherwise (test/adapters/family.case.ts).
 */
export interface ApiFamily {
  /** The adapter id actions carry (`action.adapter`), kebab-case and stable: it appears in audit records. */
  readonly id: string;
  /**
   * Hosts the API is served from, exact or `*.suffix` (normalize/host-pattern.ts); the registry claims by
   * these, or, for a family with a `hostList`, by that policy list (these are then its defaults).
   */
  readonly hosts: readonly string[];
  /** The policy list naming this API's hosts when it is also run self-hosted (api/api-hosts.ts). */
  readonly hostList?: ApiHostList;
  /** The class an operation of this API that writ does not know is read as (for an unsafe method). */
  readonly mostDangerous: OperationClass;
  /** Narrows the claim below the host (a path prefix, a content type); absent: every request to the hosts. */
  claims?(request: ApiRequest): boolean;
  /** The typed reading of an HTTP request the family claimed. */
  readRequest(request: ApiRequest): ApiReading;
  /**
   * The typed reading of an MCP tool call that carries one of this API's operations (a `github_delete_repo`
   * tool, an SMTP relay tool with to/from/subject), or null when the call is not this API's.
   */
  readToolCall?(call: ToolCall): ApiReading | null;
}
