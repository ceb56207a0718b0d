/** Action: the unified model every adapter produces and every later stage reads. */
import type { JsonValue } from './json.js';
import type { Role } from './raw-request.js';

/**
 * The coarse class of what an action does; policies match on it. `exec` runs code (issue 21 calls it
 * "execute"; the shipped name stays), `pay` moves money, `unknown` is what writ could not classify (never a
 * read: docs/adapters.md).
 */
export type OperationClass = 'read' | 'write' | 'delete' | 'send' | 'pay' | 'exec' | 'admin' | 'unknown';

/**
 * What an MCP action is: one JSON-RPC message (request, notification, result, error), the GET that opens a
 * server's event stream, or the DELETE that ends a session (src/pipeline/normalize/mcp/).
 */
export type McpKind =
  'request' | 'notification' | 'result' | 'error' | 'open-stream' | 'end-session' | 'batch';

export interface Subject {
  /** The full SPIFFE ID (`spiffe://td/ns/x/sa/y`), or null for an unauthenticated peer. */
  readonly spiffeId: string | null;
  readonly trustDomain: string | null;
  readonly namespace: string | null;
  readonly serviceAccount: string | null;
  /** The agent's name: `x-writ-agent` header when configured trusted, else the service account. */
  readonly agent: string | null;
  readonly tenant: string | null;
  readonly roles: readonly string[];
  readonly scopes: readonly string[];
  /** How the subject was authenticated: `mtls`, `jwt`, `api-key`, or `none`. */
  readonly authMethod: string;
  /**
   * Who the caller is, as one key: quarantine, rate caps, the token's `sub` and the audit record use it.
   * The SPIFFE ID under mTLS, else the token's subject (`jwt:<iss>/<sub>`, `api-key:<subject>`; see
   * `credentialPrincipal`); null when unauthenticated.
   */
  readonly principal: string | null;
}

export interface ActionPart {
  /** The adapter that understood the request (`http`, `mcp`, `github`, ...). */
  readonly adapter: string;
  /** The tool name (MCP tool, or `<METHOD> <host>` for plain HTTP). */
  readonly tool: string;
  readonly operation: OperationClass;
  /** The method writ decides: the override a request carries (never a safer one), else its own. */
  readonly httpMethod: string;
  /** With a method override: the wire method first, then every override; absent without one. */
  readonly httpMethods?: readonly string[];
  /**
   * The JSON-RPC method for MCP (`tools/call`, `tools/list`); for a result, the server request it answers
   * when its shape says (`sampling/createMessage`); else null.
   */
  readonly mcpMethod: string | null;
  /** The kind of MCP message; absent for other adapters. */
  readonly mcpKind?: McpKind;
  /** The tool arguments (MCP `params.arguments`) or the parsed request body. */
  readonly arguments: JsonValue;
  /**
   * The API's own id of the operation (`repos/delete`, `chat.postMessage`, `users.messages.send`), set by a
   * typed API adapter (normalize/api/); absent when no typed adapter knew the call.
   */
  readonly apiOperation?: string;
  /** The amount a payment moves, in the currency's major unit (12.5 for 1250 cents); absent when no payment. */
  readonly amount?: number;
  /** The ISO 4217 currency of `amount`, upper-case (`EUR`). */
  readonly currency?: string;
}

export interface Resource {
  readonly uri: string;
  readonly scheme: string;
  readonly host: string;
  readonly port: number | null;
  readonly path: string;
  readonly query: Readonly<Record<string, readonly string[]>>;
  readonly database: string | null;
  readonly table: string | null;
  readonly filePath: string | null;
  readonly environment: string | null;
  /** What kind of thing a typed API adapter says the call acts on (`repository`, `branch-protection`, `message`). */
  readonly kind: string | null;
  /** The resource's own id within its owner (`app` for `acme/app`, a channel id, a message id). */
  readonly id: string | null;
  /** Who owns the resource (the GitHub owner, the GitLab namespace, the Slack workspace), when the call says. */
  readonly owner: string | null;
  /** Recipients of a send (mail, chat); empty when not a send. */
  readonly recipients: readonly string[];
  /** The mail domains of the recipients outside `lists.internal_domains`, lower-case, each once. */
  readonly externalRecipientDomains: readonly string[];
  /** True when the destination lies outside the configured trust boundary. */
  readonly external: boolean;
  readonly classification: string | null;
}

export interface ActionContext {
  readonly requestId: string;
  readonly timeMs: number;
  /** Delegation hops that led to this call (0 when the agent acts on its own). */
  readonly hops: number;
  /** Where the content driving the call came from (`agent`, `user`, `email`, `web`, ...), when known. */
  readonly origin: string | null;
  readonly sessionId: string | null;
  readonly bodySize: number;
  readonly contentType: string;
  /** The listener the call arrived on (`check`, `verify`, `inbound`); absent in hand-built actions. */
  readonly role?: Role;
  /**
   * The MCP session the request names (`Mcp-Session-Id`, or `?sessionId=` of the older HTTP+SSE transport);
   * absent off MCP. Chosen by the agent's side: a key for taint and audit, never a quarantine key.
   */
  readonly mcpSessionId?: string | null;
  /** The `MCP-Protocol-Version` the request names (one writ reads); absent off MCP. */
  readonly mcpProtocolVersion?: string | null;
  /** The delegation chain's principals, origin first and the caller last; absent without a chain. */
  readonly actors?: readonly string[];
}

/** One tool call, in writ's own terms. Frozen before inspection: what is hashed is what was inspected. */
export interface Action {
  readonly subject: Subject;
  readonly action: ActionPart;
  readonly resource: Resource;
  readonly context: ActionContext;
  /** The parsed request body (strict JSON) or its text when not JSON; null when empty. */
  readonly payload: JsonValue;
  /**
   * The messages of a JSON-RPC batch, each a complete action of its own (its payload is the message), in
   * order; absent for a single message. Each is inspected and decided; the batch is denied if one is.
   */
  readonly elements?: readonly Action[];
}

/** An action with any part left out; omitted fields take the defaults of the builder it is given to. */
export interface PartialAction {
  readonly subject?: Partial<Subject>;
  readonly action?: Partial<ActionPart>;
  readonly resource?: Partial<Resource>;
  readonly context?: Partial<ActionContext>;
  readonly payload?: JsonValue;
}

/**
 * A complete action from a partial one, every omitted field blank (null, empty, unauthenticated,
 * operation unknown): the one literal of an empty action, for actions writ builds rather than normalizes.
 */
export function blankAction(over: PartialAction = {}): Action {
  return {
    subject: {
      spiffeId: null,
      trustDomain: null,
      namespace: null,
      serviceAccount: null,
      agent: null,
      tenant: null,
      roles: [],
      scopes: [],
      authMethod: 'none',
      principal: null,
      ...over.subject,
    },
    action: {
      adapter: '',
      tool: '',
      operation: 'unknown',
      httpMethod: '',
      mcpMethod: null,
      arguments: null,
      ...over.action,
    },
    resource: {
      uri: '',
      scheme: 'https',
      host: '',
      port: null,
      path: '',
      query: {},
      database: null,
      table: null,
      filePath: null,
      environment: null,
      kind: null,
      id: null,
      owner: null,
      recipients: [],
      externalRecipientDomains: [],
      external: false,
      classification: null,
      ...over.resource,
    },
    context: {
      requestId: '',
      timeMs: 0,
      hops: 0,
      origin: null,
      sessionId: null,
      bodySize: 0,
      contentType: '',
      ...over.context,
    },
    payload: over.payload ?? null,
  };
}
