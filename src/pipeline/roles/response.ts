/**
 * The response role: what writ decides about an upstream's answer, which ext_authz cannot see. Every
 * answer it can read (JSON, text, and server-sent event streams event by event) is read by the content
 * reader of its protocol (src/pipeline/respond/), inspected, and decided by the policy set's response
 * rules: passed, annotated, masked, blocked (a JSON-RPC call gets a JSON-RPC error with its id), or passed
 * with the agent's session tainted. Besides, a request whose execution token carries a `mask` obligation
 * has its answer masked, and an MCP `tools/list` answer is checked against its pins (rug pull) and for
 * hidden instructions. Every block, mask, taint and annotation is appended to the audit chain
 * (docs/audit.md); an answer whose decision cannot be recorded is withheld, and a block stays a block.
 * The transport (src/extproc) maps Envoy's ext_proc messages to the steps below and back.
 */
import type { KeySet } from '../../keys/signer.js';
import { DEFAULT_SERVER_REQUEST_TTL_MS, rpcIdKey, type StateStore } from '../../state/store.js';
import { canonicalAuthority } from '../bind/canonical-action.js';
import { TokenCodec } from '../bind/execution-token.js';
import { ShellReadingMemo } from '../shell/shell-reader.js';
import { InspectorRegistry } from '../inspect/registry.js';
import { RESPONSE_INSPECTORS } from '../respond/inspect-response.js';
import { inspectorConfigFrom, type PipelineLogger } from '../deps.js';
import { maskJsonValue, maskResponseBody } from '../enforce/mask-response.js';
import { checkToolList, toolsInResponse, type ToolListVerdict } from '../enforce/tool-pins.js';
import { WritError, type ReasonCode } from '../errors.js';
import { TOKEN_HEADER } from '../headers.js';
import type { InspectorConfig } from '../inspect/inspector.js';
import type { JsonObject, JsonValue } from '../model/json.js';
import { decodeContent, parseContentCodings } from '../normalize/content-encoding.js';
import { decodeUtf8Strict, parseStrictJson } from '../normalize/strict-json.js';
import type { PolicySet } from '../policy/types.js';
import type { ExtProcEvent } from '../audit-record/audit-event.js';
import type { AuditLog } from '../audit-record/audit-log.js';
import { parseA2aEndpoints, DEFAULT_A2A_ENDPOINTS } from '../normalize/a2a/endpoints.js';
import { DEFAULT_MCP_ENDPOINTS, parseMcpEndpoints } from '../normalize/mcp-endpoint.js';
import { agentCardResponse } from '../respond/a2a-content-reader.js';
import { NOT_RPC, readRequestBody, type RequestReading } from '../respond/answered-request.js';
import { httpContent, isRpcMessage, readerFor, type ResponseContent } from '../respond/content-readers.js';
import {
  exchangeEndpoint,
  type ExchangeEndpoint,
  type KnownEndpoints,
} from '../respond/exchange-endpoint.js';
import { governMessage, type GovernContext, type MessageVerdict } from '../respond/govern-message.js';
import { SseReader } from '../respond/sse-events.js';
import type { TaintSink } from '../respond/taint-port.js';
import { mcpTaintKey } from '../taint/taint-keys.js';
import { withheldRpcError } from '../respond/withheld-reply.js';

/** A decompressed answer larger than this is not read (and so withheld). */
const MAX_DECODED_BYTES = 16 * 1024 * 1024;
/** The largest server-sent event held to be inspected whole (ERR_RESPONSE_EVENT_TOO_LARGE past it). */
export const DEFAULT_MAX_EVENT_BYTES = 1024 * 1024;

/** The header that says what response inspection found in an answer it let pass (annotate). */
export const FINDINGS_HEADER = 'x-writ-response-findings';
/** The header naming the trace id(s) of the response decisions on an annotated, masked or tainted answer. */
export const RESPONSE_TRACE_HEADER = 'x-writ-response-trace-id';
/** Where an annotation goes inside a JSON-RPC message of an event stream (its headers are already sent). */
export const FINDINGS_META_KEY = 'dev.writ/findings';

/** How a tools/list response fared: passed, or why it was withheld. */
export type ToolListOutcome = 'passed' | 'changed' | 'poisoned' | 'invalid' | 'unavailable';

/** What the response role needs from the outside world; built by the composition root. */
export interface ResponseRoleDeps {
  readonly keys: KeySet;
  readonly now: () => number;
  readonly clockSkewSeconds: number;
  readonly log: PipelineLogger;
  /** The same hash chain the pipeline appends its decisions to. */
  readonly audit: AuditLog;
  /** The live policy set: its response rules decide every answer, its lists configure the inspectors. */
  readonly policy: () => PolicySet;
  /** Where tainted sessions are marked (the session-taint store); absent: a taint withholds the answer. */
  readonly taint?: TaintSink;
  /** MCP endpoints from `--mcp-endpoints`; when set, they replace the policy set's `mcp_endpoints`. */
  readonly mcpEndpoints?: readonly string[];
  /** A2A endpoints from `--a2a-endpoints`; when set, they replace the policy set's `a2a_endpoints`. */
  readonly a2aEndpoints?: readonly string[];
  /** The largest server-sent event inspected whole (default DEFAULT_MAX_EVENT_BYTES). */
  readonly maxEventBytes?: number;
  /**
   * Where tool definitions are pinned (shared across replicas with Redis). Without it, tools/list
   * responses are not checked against pins.
   */
  readonly store?: StateStore;
  /** Called after each masked body (metrics). */
  readonly onMasked?: (fields: number, pii: number) => void;
  /** Called after each checked tools/list response (metrics). */
  readonly onToolList?: (server: string, outcome: ToolListOutcome) => void;
  /** Called after each decided answer message with the decision's code (metrics). */
  readonly onResponse?: (code: ReasonCode) => void;
  /** Called with each governed message's verdict (`writ inspect` reports them; the server does not). */
  readonly onVerdict?: (verdict: MessageVerdict) => void;
}

/** Which further parts of the exchange the role asks the proxy to send it. */
export interface AskFor {
  readonly requestBody?: boolean;
  readonly responseHeaders?: boolean;
  /** `true`: the whole body at once (buffered); `'streamed'`: chunk by chunk, as it arrives. */
  readonly responseBody?: boolean | 'streamed';
}

/** What to do with one message of the exchange: let it pass (perhaps changed), or answer with a deny. */
export type ResponseStep =
  | {
      readonly kind: 'continue';
      /** Headers to remove from the message passing on. */
      readonly removeHeaders?: readonly string[];
      /** Headers to set on the message passing on (only while its headers are not yet sent). */
      readonly setHeaders?: Readonly<Record<string, string>>;
      /** The body that replaces the message's body (or this chunk of it); empty removes it. */
      readonly body?: Uint8Array;
      readonly askFor?: AskFor;
    }
  | {
      readonly kind: 'deny';
      readonly code: ReasonCode;
      readonly message: string;
      /** Extra fields of the deny body (the server, the changed tools, the findings). */
      readonly extra: Readonly<Record<string, unknown>>;
    };

const CONTINUE: ResponseStep = { kind: 'continue' };
// Zero-length, so nothing can be written to it: one empty body serves every stream.
const EMPTY: Readonly<Uint8Array> = new Uint8Array(0);

const deny = (code: ReasonCode, message: string, extra: Record<string, unknown> = {}): ResponseStep => ({
  kind: 'deny',
  code,
  message,
  extra,
});

type ToolListBlockedFinding = { readonly id: string; readonly severity: string; readonly path: string };

/** One exchange (request and its response) as the response role follows it, message by message. */
export interface ResponseExchange {
  /** The request's headers (lower-case names); checks the token, says which bodies to ask for. */
  onRequestHeaders(headers: ReadonlyMap<string, string>): ResponseStep;
  /** The request's body, asked for a JSON request: which JSON-RPC calls does it make? */
  onRequestBody(body: Uint8Array): ResponseStep;
  /** The response's headers: how its body will be read. */
  onResponseHeaders(headers: ReadonlyMap<string, string>): ResponseStep;
  /** The response's body, whole (buffered) or one chunk of an event stream (`end` on the last). */
  onResponseBody(body: Uint8Array, end?: boolean): Promise<ResponseStep>;
}

/** The response role: one exchange object per stream. */
export interface ResponseRole {
  newExchange(): ResponseExchange;
}

/** Creates the response role over its dependencies. */
export function createResponseRole(deps: ResponseRoleDeps): ResponseRole {
  // One inspector configuration per policy set, made when the set is first used, with the role's own reader
  // of command lines (the check role's pipeline has its own: test/pipeline/no-module-state.test.ts).
  const configs = new WeakMap<PolicySet, InspectorConfig>();
  const shell = new ShellReadingMemo();
  const inspectorConfig = (set: PolicySet): InspectorConfig => {
    let cfg = configs.get(set);
    if (cfg === undefined) configs.set(set, (cfg = Object.freeze({ ...inspectorConfigFrom(set), shell })));
    return cfg;
  };
  // One token codec for every exchange of this role: its memo of verified key headers is the role's own.
  const tokens = new TokenCodec();
  // The endpoints an answer's reader is chosen by, parsed once per policy set, as the check role's are.
  const known = new WeakMap<PolicySet, KnownEndpoints>();
  const endpoints = (set: PolicySet): KnownEndpoints => {
    let e = known.get(set);
    if (e === undefined)
      known.set(
        set,
        (e = {
          mcp: parseMcpEndpoints(deps.mcpEndpoints ?? set.lists['mcp_endpoints'] ?? DEFAULT_MCP_ENDPOINTS),
          a2a: parseA2aEndpoints(deps.a2aEndpoints ?? set.lists['a2a_endpoints'] ?? DEFAULT_A2A_ENDPOINTS),
        }),
      );
    return e;
  };
  // The role's response inspectors, with their keyword vocabulary built once for every exchange.
  const inspectors = new InspectorRegistry(RESPONSE_INSPECTORS);
  return { newExchange: () => new Exchange(deps, inspectorConfig, tokens, endpoints, inspectors) };
}

/** How an answer's body is read. */
type BodyReading = 'none' | 'buffered' | 'events';

const JSON_TYPE = /^\s*application\/(?:[\w.+-]+\+)?json\b/i;
const EVENT_STREAM = /^\s*text\/event-stream\b/i;
/** Media types whose bodies are text a model reads; others (images, archives) are not governed. */
const TEXT_TYPE =
  /^\s*(?:text\/[\w.+-]+|application\/(?:[\w.+-]+\+)?(?:json|xml)|application\/(?:javascript|x-www-form-urlencoded|x-ndjson|yaml|x-yaml|graphql))\b/i;

/** The findings an annotation names: `id:severity`, each once, at most 16. */
/**
 * A buffered answer's document: strict JSON when its media type says JSON; as text when it answers no
 * JSON-RPC call; when it answers one untyped, strict JSON if it is JSON at all and its text otherwise.
 * Throws when it is JSON only to a lenient reader (a repeated key): a client may read it either way.
 */
function answerDocument(text: string, declaredJson: boolean, answersRpc: boolean): JsonValue {
  if (declaredJson) return parseStrictJson(text);
  if (!answersRpc) return text;
  try {
    return parseStrictJson(text);
  } catch (err) {
    try {
      JSON.parse(text);
    } catch {
      return text;
    }
    throw err;
  }
}

function annotation(verdicts: readonly MessageVerdict[]): string {
  const seen = new Set<string>();
  for (const v of verdicts) for (const f of v.findings) if (seen.size < 16) seen.add(`${f.id}:${f.severity}`);
  return [...seen].join(', ');
}

/** The annotations and trace ids of the verdicts that did something, as headers. */
function decisionHeaders(verdicts: readonly MessageVerdict[]): Record<string, string> {
  const acted = verdicts.filter((v) => v.decision !== null && v.decision.code !== 'RESPONSE_PASS');
  if (acted.length === 0) return {};
  const out: Record<string, string> = {
    [RESPONSE_TRACE_HEADER]: [...new Set(acted.map((v) => v.traceId))].slice(0, 8).join(', '),
  };
  if (acted.some((v) => v.decision?.annotate === true)) out[FINDINGS_HEADER] = annotation(acted);
  return out;
}

/** One JSON-RPC message as it passes on: withheld (an error, or nothing for a server request), masked, annotated. */
function passedMessage(message: JsonObject, v: MessageVerdict, meta: boolean): JsonObject | null {
  if (v.withheld !== null) {
    // A server's request has no caller to tell: it is dropped (the server sees no answer to it).
    if (v.content.fromServer) return null;
    return withheldRpcError(v.content.id, v.withheld.code, v.withheld.message, v.traceId, {
      findings: v.findings.map((f) => ({ id: f.id, severity: f.severity })),
    });
  }
  let out: JsonValue = message;
  if (v.decision?.mask === true) out = maskJsonValue(message, [], { secrets: true }).value;
  if (
    meta &&
    v.decision?.annotate === true &&
    typeof out === 'object' &&
    out !== null &&
    !Array.isArray(out)
  ) {
    const inner = out['result'] ?? out['params'];
    if (typeof inner === 'object' && inner !== null && !Array.isArray(inner)) {
      const prior = inner['_meta'];
      const merged = {
        ...(typeof prior === 'object' && prior !== null && !Array.isArray(prior) ? prior : {}),
        [FINDINGS_META_KEY]: {
          trace_id: v.traceId,
          findings: v.findings.map((f) => `${f.id}:${f.severity}`),
        },
      };
      out = { ...out, [out['result'] !== undefined ? 'result' : 'params']: { ...inner, _meta: merged } };
    }
  }
  return out as JsonObject;
}

/** What one exchange remembers between its messages. */
class Exchange implements ResponseExchange {
  private mask: string[] | null = null;
  /** A JSON request: its body is asked for, to read its JSON-RPC calls. */
  private jsonRequest = false;
  private request: RequestReading = NOT_RPC;
  private toolsList = false;
  /** The MCP server's pin key (canonical authority) and the request path without its query. */
  private server = '';
  private path = '/';
  private scheme = 'https';
  /** Whose endpoint the request went to: which content reader reads the answer. */
  private endpoint: ExchangeEndpoint = 'other';
  private contentType = '';
  private contentEncoding = '';
  private status: number | null = null;
  private reading: BodyReading = 'none';
  private events: SseReader | null = null;
  /** Set once an event stream failed closed: nothing more of it passes. */
  private streamClosed = false;
  /** JSON-RPC ids answered so far in the event stream. */
  private readonly answered = new Set<string | number>();
  private mcpSessionId: string | null = null;
  private agentSessionId: string | null = null;
  /** The execution token's `tid` and `jti`, when the request carried a valid one. */
  private traceId: string | null = null;
  private tokenId: string | null = null;
  /** The execution token's `sub`: the caller's principal, whose taint key a session-less read marks. */
  private principal: string | null = null;

  constructor(
    private readonly deps: ResponseRoleDeps,
    private readonly inspectorConfig: (set: PolicySet) => InspectorConfig,
    private readonly tokens: TokenCodec,
    private readonly endpoints: (set: PolicySet) => KnownEndpoints,
    private readonly inspectors: InspectorRegistry,
  ) {}

  /**
   * A token that does not verify, deny; a valid token with a mask, mask the answer; a JSON request, buffer
   * its body to read its JSON-RPC calls (ext_authz has buffered the same body already to inspect it). The
   * response headers are always asked for: every answer writ can read is governed.
   */
  onRequestHeaders(headers: ReadonlyMap<string, string>): ResponseStep {
    const authority = headers.get(':authority') ?? headers.get('host') ?? '';
    this.scheme = headers.get(':scheme') ?? 'https';
    this.server = canonicalAuthority(authority, this.scheme);
    this.path = (headers.get(':path') ?? '/').split('?')[0] ?? '/';
    this.mcpSessionId = nonEmpty(headers.get('mcp-session-id'));
    this.agentSessionId = nonEmpty(headers.get('x-writ-session'));
    const method = headers.get(':method') ?? '';
    this.endpoint = exchangeEndpoint(
      this.endpoints(this.deps.policy()),
      method,
      authority,
      this.scheme,
      this.path,
    );
    this.jsonRequest =
      (method === 'POST' || method === 'PUT' || method === 'PATCH') &&
      JSON_TYPE.test(headers.get('content-type') ?? '');
    const token = headers.get(TOKEN_HEADER);
    if (token !== undefined && token !== '') {
      // The body is not visible here, so the action is not compared; signature, key, time and audience
      // are checked, and the verify role binds the action upstream.
      const check = this.tokens.verify(token, this.deps.keys, {
        actionHash: null,
        bound: null,
        audience: this.server,
        nowMs: this.deps.now(),
        skewSeconds: this.deps.clockSkewSeconds,
      });
      if (!check.ok) return deny(check.code, check.message);
      this.traceId = check.claims.tid;
      this.tokenId = check.claims.jti;
      this.principal = typeof check.claims.sub === 'string' ? check.claims.sub : null;
      const mask = check.claims.obl?.['mask'];
      if (Array.isArray(mask) && mask.length > 0)
        this.mask = mask.filter((m): m is string => typeof m === 'string');
    }
    return { kind: 'continue', askFor: { responseHeaders: true, requestBody: this.jsonRequest } };
  }

  onRequestBody(body: Uint8Array): ResponseStep {
    if (!this.jsonRequest) return CONTINUE;
    this.request = readRequestBody(body);
    if (!this.request.rpc) return CONTINUE;
    this.toolsList = this.deps.store !== undefined && this.request.methods.includes('tools/list');
    // An uncompressed answer is one writ can read as it streams; the body is already buffered, so the
    // headers can still change.
    return { kind: 'continue', removeHeaders: ['accept-encoding'] };
  }

  onResponseHeaders(headers: ReadonlyMap<string, string>): ResponseStep {
    this.contentType = headers.get('content-type') ?? '';
    this.contentEncoding = headers.get('content-encoding') ?? '';
    const status = Number(headers.get(':status'));
    this.status = Number.isInteger(status) && status > 0 ? status : null;
    // A 202 accepts the message and answers nothing (both MCP transports): the older transport's result,
    // a tool list too, comes on the event stream. Its body is read as content, never as the list.
    if (this.status === 202) this.toolsList = false;
    if (EVENT_STREAM.test(this.contentType) && !this.toolsList) {
      // SECURITY: an encoded stream cannot be read event by event here; it is refused, not passed unread.
      if (parseContentCodings(this.contentEncoding).length > 0)
        return deny('ERR_RESPONSE_UNREADABLE', 'an encoded event stream cannot be inspected event by event');
      this.reading = 'events';
      this.events = new SseReader(this.deps.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES);
      return { kind: 'continue', removeHeaders: ['content-length'], askFor: { responseBody: 'streamed' } };
    }
    // An answer without a media type is read too: a client may still show it to the model.
    const governed = this.contentType.trim() === '' || TEXT_TYPE.test(this.contentType);
    if (!governed && this.mask === null && !this.toolsList) return CONTINUE;
    this.reading = 'buffered';
    // A changed body has another length: drop content-length so the proxy frames it anew.
    return { kind: 'continue', removeHeaders: ['content-length'], askFor: { responseBody: true } };
  }

  async onResponseBody(body: Uint8Array, end = true): Promise<ResponseStep> {
    if (this.reading === 'events') return this.onEvents(body, end);
    if (this.toolsList && this.deps.store !== undefined) {
      const withheld = await this.checkToolList(this.deps.store, body);
      if (withheld !== null) return withheld;
      // The tool list is governed by its pins and the description checks above.
      return this.masked(body, {});
    }
    const governed = this.contentType.trim() === '' || TEXT_TYPE.test(this.contentType);
    if (!governed) return this.masked(body, {});
    return this.onBufferedBody(body);
  }

  /** The context every message of this exchange is governed in. */
  private governContext(): GovernContext {
    return {
      origin: {
        server: this.server,
        path: this.path,
        scheme: this.scheme,
        contentType: this.contentType,
        sessionId: this.agentSessionId,
      },
      status: this.status,
      tokenTraceId: this.traceId,
      tokenId: this.tokenId,
      mcpSessionId: this.mcpSessionId,
      agentSessionId: this.agentSessionId,
      principal: this.principal,
    };
  }

  private async govern(content: ResponseContent): Promise<MessageVerdict> {
    const v = await governMessage(
      {
        policy: this.deps.policy,
        inspectorConfig: this.inspectorConfig,
        inspectors: this.inspectors,
        audit: this.deps.audit,
        log: this.deps.log,
        now: this.deps.now,
        ...(this.deps.taint === undefined ? {} : { taint: this.deps.taint }),
      },
      this.governContext(),
      content,
    );
    this.deps.onResponse?.(v.withheld?.code ?? v.decision?.code ?? 'RESPONSE_PASS');
    this.deps.onVerdict?.(v);
    return v;
  }

  /** The messages of a JSON document: each JSON-RPC message read by its protocol's reader. */
  private async governDocument(
    doc: JsonValue,
  ): Promise<{ rpc: JsonObject[]; verdicts: MessageVerdict[] } | { http: MessageVerdict }> {
    const list = Array.isArray(doc) ? doc : [doc];
    if (list.length > 0 && list.every(isRpcMessage)) {
      const reader = readerFor(this.request, this.endpoint);
      const verdicts: MessageVerdict[] = [];
      for (const m of list) {
        const v = await this.govern(reader.read(m, this.request));
        if (v.withheld === null) await this.recordServerRequest(v);
        verdicts.push(v);
      }
      return { rpc: list, verdicts };
    }
    // An agent card is read as the definitions it offers (tool-poisoning), not as a plain answer.
    if (this.endpoint === 'agent-card') return { http: await this.govern(agentCardResponse(doc)) };
    return { http: await this.govern(httpContent(doc)) };
  }

  /**
   * Records a server request passed on to the client in its MCP session, so the check role matches the
   * client's answer to it by id, once (docs/mcp.md). Without a session id or a store there is nothing to
   * key it by: the answer is then read by its shape alone. A request that cannot be recorded is not passed
   * on (ERR_STATE_UNAVAILABLE): its answer would be refused as unsolicited.
   */
  private async recordServerRequest(v: MessageVerdict): Promise<void> {
    const { content } = v;
    const store = this.deps.store;
    if (!content.fromServer || content.id === null || content.protocol !== 'mcp') return;
    if (store === undefined || this.mcpSessionId === null) return;
    try {
      await store.recordServerRequest(
        mcpTaintKey(this.server, this.mcpSessionId),
        rpcIdKey(content.id),
        content.kind,
        DEFAULT_SERVER_REQUEST_TTL_MS,
        this.deps.now(),
      );
    } catch (err) {
      this.deps.log.error({ err, server: this.server }, 'server request could not be recorded; withheld');
      throw new WritError('ERR_STATE_UNAVAILABLE', 'the server request could not be recorded');
    }
  }

  /** A whole (buffered) answer: read, governed message by message, and passed on changed or withheld. */
  private async onBufferedBody(body: Uint8Array): Promise<ResponseStep> {
    const plain = this.decoded(body);
    if (plain === null) return deny('ERR_RESPONSE_UNREADABLE', 'the answer could not be decoded');
    // Nothing to read (a 202 to a notification, a 204): nothing reaches a model.
    if (plain.length === 0) return this.masked(body, {});
    let doc: JsonValue;
    try {
      const text = decodeUtf8Strict(plain);
      // SECURITY: a JSON answer is read strictly (a repeated key, a lone surrogate): a client might read
      // an ambiguous document differently from writ. An answer to JSON-RPC is read as JSON when it says so
      // or looks so; one that plainly is not (the older MCP transport's `202 Accepted`, whose result comes
      // on the event stream) is read as the text it is, and inspected as such.
      doc = answerDocument(text, JSON_TYPE.test(this.contentType), this.request.rpc);
    } catch {
      return deny('ERR_RESPONSE_UNREADABLE', 'the answer is not valid UTF-8 or strict JSON');
    }
    let read: Awaited<ReturnType<Exchange['governDocument']>>;
    try {
      read = await this.governDocument(doc);
    } catch (err) {
      if (!(err instanceof WritError)) throw err;
      return deny(err.code, err.message);
    }
    if ('http' in read) {
      const v = read.http;
      if (v.withheld !== null)
        return deny(v.withheld.code, `writ withheld this answer: ${v.withheld.message}`, {
          trace_id: v.traceId,
          findings: v.findings.map((f) => ({ id: f.id, severity: f.severity })),
        });
      const headers = decisionHeaders([v]);
      if (v.decision?.mask !== true) return this.masked(body, headers);
      const r = maskResponseBody(plain, [], { secrets: true });
      return this.masked(r.body, headers, true);
    }
    const { rpc, verdicts } = read;
    const out: JsonObject[] = [];
    rpc.forEach((m, i) => {
      const passed = passedMessage(m, verdicts[i]!, false);
      if (passed !== null) out.push(passed);
    });
    const headers = decisionHeaders(verdicts);
    const changed = verdicts.some((v) => v.withheld !== null || v.decision?.mask === true);
    if (!changed) return this.masked(body, headers);
    // A lone server request withheld leaves nothing to pass on: the answer is withheld whole.
    if (out.length === 0) {
      const v = verdicts[0]!;
      return deny(v.withheld?.code ?? 'RESPONSE_BLOCKED', 'writ withheld this answer', {
        trace_id: v.traceId,
      });
    }
    const text = JSON.stringify(Array.isArray(doc) ? out : out[0]);
    return this.masked(Buffer.from(text, 'utf8'), { ...headers, 'content-type': 'application/json' }, true);
  }

  /**
   * The body passed on after the token's mask obligation (when it has one) is applied and recorded; with
   * `decoded`, the body is no longer in its content-encoding.
   */
  private masked(body: Uint8Array, headers: Record<string, string>, decoded = false): ResponseStep {
    const remove = decoded ? ['content-encoding'] : [];
    const changedHeaders = Object.keys(headers).length > 0 || remove.length > 0;
    if (this.mask === null) {
      if (!decoded && !changedHeaders) return CONTINUE;
      return {
        kind: 'continue',
        ...(decoded ? { body } : {}),
        ...(remove.length > 0 ? { removeHeaders: remove } : {}),
        ...(Object.keys(headers).length > 0 ? { setHeaders: headers } : {}),
      };
    }
    const r = maskResponseBody(body, this.mask);
    this.deps.onMasked?.(r.fields, r.pii);
    const recorded = this.audited({
      type: 'ext_proc.response_masked',
      ...this.eventBase(),
      mask: [...this.mask],
      mode: r.mode,
      fields: r.fields,
      pii: r.pii,
    });
    // SECURITY: a masked body whose masking cannot be proven in the chain is not released.
    if (!recorded) return deny('ERR_AUDIT_WRITE', 'the masking of this response could not be recorded');
    return {
      kind: 'continue',
      body: r.body,
      ...(remove.length > 0 ? { removeHeaders: remove } : {}),
      ...(Object.keys(headers).length > 0 ? { setHeaders: headers } : {}),
    };
  }

  /**
   * One chunk of an event stream: every event it completes is governed and passed on (changed, replaced
   * by a JSON-RPC error, or dropped); an incomplete event is held until the next chunk. A stream that
   * cannot be read, or an event past the bound, fails closed: the calls still waiting get a JSON-RPC error
   * and nothing more of the stream passes.
   */
  private async onEvents(chunk: Uint8Array, end: boolean): Promise<ResponseStep> {
    if (this.streamClosed || this.events === null) return { kind: 'continue', body: EMPTY };
    let out = '';
    try {
      for (const event of this.events.push(chunk, end)) out += await this.governEvent(event.text, event.data);
    } catch (err) {
      if (!(err instanceof WritError)) throw err;
      return { kind: 'continue', body: Buffer.from(out + this.closeStream(err), 'utf8') };
    }
    return { kind: 'continue', body: Buffer.from(out, 'utf8') };
  }

  /** Fails an event stream closed: error events for the calls still waiting, then nothing more. */
  private closeStream(err: WritError): string {
    this.streamClosed = true;
    this.deps.log.warn({ server: this.server, code: err.code }, 'event stream withheld from here on');
    const traceId = this.traceId ?? 'none';
    let out = '';
    for (const call of this.request.calls)
      if (!this.answered.has(call.id))
        out += `event: message\ndata: ${JSON.stringify(withheldRpcError(call.id, err.code, err.message, traceId))}\n\n`;
    this.onStreamWithheld(err);
    return out;
  }

  /** Records a stream withheld part-way; the block stands whether or not the record is written. */
  private onStreamWithheld(err: WritError): void {
    this.audited({
      type: 'ext_proc.response_decision',
      ...this.eventBase(),
      trace_id: this.traceId ?? 'none',
      direction: 'response',
      protocol: this.request.rpc ? readerFor(this.request, this.endpoint).protocol : 'http',
      kind: 'event-stream',
      tool: this.request.calls[0]?.tool ?? null,
      rpc_id: null,
      code: err.code,
      effects: ['block'],
      rules: [],
      policy_version: this.deps.policy().version,
      mcp_session: this.mcpSessionId,
      agent_session: this.agentSessionId,
      findings: [],
    });
  }

  /** One complete event as it passes on: its JSON-RPC messages governed, other lines kept. */
  private async governEvent(text: string, data: string | null): Promise<string> {
    // A comment, a retry or an empty event carries nothing for a model.
    if (data === null || data.trim() === '') return text;
    let doc: JsonValue;
    try {
      doc = parseStrictJson(data);
    } catch {
      // Not JSON: read as the text a client would show.
      doc = data;
    }
    const read = await this.governDocument(doc);
    const keep = text
      .split('\n')
      .filter((l) => l !== '' && l !== 'data' && !l.startsWith('data:'))
      .join('\n');
    const framed = (payload: string) => `${keep === '' ? '' : `${keep}\n`}data: ${payload}\n\n`;
    if ('http' in read) {
      const v = read.http;
      if (v.withheld !== null) return `: writ withheld an event (${v.withheld.code}, trace ${v.traceId})\n\n`;
      let value = doc;
      if (v.decision?.mask === true) value = maskJsonValue(doc, [], { secrets: true }).value;
      if (this.mask !== null) value = this.maskEvent(value);
      return value === doc
        ? text
        : framed(typeof value === 'string' ? value.replace(/\n/g, '\ndata: ') : JSON.stringify(value));
    }
    const out: JsonObject[] = [];
    read.rpc.forEach((m, i) => {
      const v = read.verdicts[i]!;
      if (!v.content.fromServer && v.content.id !== null) this.answered.add(v.content.id);
      const passed = passedMessage(m, v, true);
      if (passed !== null) out.push(this.mask === null ? passed : (this.maskEvent(passed) as JsonObject));
    });
    if (out.length === 0) {
      const v = read.verdicts[0]!;
      return `: writ withheld a server request (${v.withheld?.code ?? 'RESPONSE_BLOCKED'}, trace ${v.traceId})\n\n`;
    }
    const unchanged =
      this.mask === null &&
      read.verdicts.every(
        (v) => v.withheld === null && v.decision?.mask !== true && v.decision?.annotate !== true,
      );
    if (unchanged) return text;
    return framed(JSON.stringify(Array.isArray(doc) ? out : out[0]));
  }

  /** The token's mask obligation applied to one event's value, and recorded; unrecorded, the stream closes. */
  private maskEvent(value: JsonValue): JsonValue {
    const mask = this.mask ?? [];
    const r = maskJsonValue(value, mask);
    this.deps.onMasked?.(r.fields, r.pii);
    const recorded = this.audited({
      type: 'ext_proc.response_masked',
      ...this.eventBase(),
      mask: [...mask],
      mode: 'json',
      fields: r.fields,
      pii: r.pii,
    });
    if (!recorded)
      throw new WritError('ERR_AUDIT_WRITE', 'the masking of this response could not be recorded');
    return r.value;
  }

  /** The fields every ext_proc event of one exchange carries. */
  private eventBase() {
    return { trace_id: this.traceId, token_id: this.tokenId, server: this.server, path: this.path };
  }

  /**
   * Appends one ext_proc event to the audit chain; false (and an error log) when the chain refused it.
   * The caller decides what a failed append means: a block stays a block, a pass or a masked body is withheld.
   */
  private audited(event: ExtProcEvent): boolean {
    try {
      this.deps.audit.append(event, this.deps.now());
      return true;
    } catch (err) {
      this.deps.log.error(
        { err, event: event.type, alert: 'audit-write-failed' },
        'ext_proc audit append failed',
      );
      return false;
    }
  }

  /** The response body as its media type reads it: content-encoding undone, or null when it cannot be. */
  private decoded(body: Uint8Array): Uint8Array | null {
    try {
      return decodeContent(body, parseContentCodings(this.contentEncoding), MAX_DECODED_BYTES);
    } catch (err) {
      if (err instanceof WritError) return null;
      throw err;
    }
  }

  /** Checks a tools/list response; null when it may pass, else the immediate response withholding it. */
  private async checkToolList(store: StateStore, body: Uint8Array): Promise<ResponseStep | null> {
    const { deps, server } = this;
    const plain = this.decoded(body);
    const tools = plain === null ? null : toolsInResponse(plain, this.contentType);
    const report = (outcome: ToolListOutcome) => deps.onToolList?.(server, outcome);
    /** Records a withheld list and returns its deny; SECURITY: the list is withheld whether or not the record was written. */
    const blocked = (
      code: ReasonCode,
      message: string,
      extra: Record<string, unknown>,
      detail: {
        tools: number | null;
        changed?: ToolListVerdict['changes'];
        findings?: ToolListBlockedFinding[];
      },
    ): ResponseStep => {
      this.audited({
        type: 'ext_proc.tool_list_blocked',
        ...this.eventBase(),
        code,
        message,
        tools: detail.tools,
        changed: (detail.changed ?? []).map((c) => ({ name: c.name, pinned: c.pinned, seen: c.seen })),
        findings: detail.findings ?? [],
      });
      return deny(code, message, extra);
    };
    if (tools === null) {
      report('invalid');
      deps.log.warn({ server }, 'MCP tool list withheld: unreadable response');
      return blocked(
        'ERR_TOOL_LIST_INVALID',
        'the tools/list response could not be parsed strictly',
        { server },
        { tools: null },
      );
    }
    let verdict: ToolListVerdict;
    try {
      verdict = await checkToolList(store, server, this.path, tools);
    } catch (err) {
      // SECURITY: a tool list writ could not compare with its pins is not passed on.
      report('unavailable');
      deps.log.error({ err, server }, 'tool pins unavailable; withholding the tool list');
      return blocked(
        'ERR_STATE_UNAVAILABLE',
        'tool definition pins could not be read',
        {},
        { tools: tools.length },
      );
    }
    // First-time pins are recorded whatever the verdict: the store holds them from now on.
    const pinsRecorded =
      verdict.pinned.length === 0 ||
      this.audited({
        type: 'tools.pinned',
        ...this.eventBase(),
        tools: verdict.pinned.map((p) => ({ name: p.name, hash: p.hash })),
      });
    switch (verdict.code) {
      case null:
        if (!pinsRecorded) {
          // SECURITY: a definition pinned without its record would be trusted later with no trace of when
          // it was first seen; this list is withheld (the pin stays, and the error log names the tools).
          report('unavailable');
          deps.log.error(
            { server, pinned: verdict.pinned, alert: 'audit-write-failed' },
            'tool pins could not be recorded; withholding the tool list',
          );
          return deny('ERR_AUDIT_WRITE', 'the pinning of these tool definitions could not be recorded');
        }
        report('passed');
        return null;
      case 'ERR_TOOL_DEFINITION_CHANGED':
        report('changed');
        deps.log.warn(
          { server, changed: verdict.changed, alert: 'mcp-rug-pull' },
          'MCP tool definitions changed since pinned (rug pull): tool list withheld',
        );
        return blocked(
          verdict.code,
          `tool definitions changed since they were pinned: ${verdict.changed.join(', ')}`,
          { server, changed: verdict.changed },
          { tools: verdict.tools, changed: verdict.changes },
        );
      case 'ERR_TOOL_POISONED': {
        report('poisoned');
        const findings = verdict.findings.map((f) => ({ id: f.id, severity: f.severity, path: f.path }));
        deps.log.warn(
          { server, findings, alert: 'mcp-tool-poisoning' },
          'MCP tool definitions hide instructions: tool list withheld',
        );
        return blocked(
          verdict.code,
          'a tool definition hides instructions for the model',
          { server, findings },
          { tools: verdict.tools, findings },
        );
      }
      default:
        report('invalid');
        deps.log.warn({ server }, 'MCP tool list withheld: a tool has no name');
        return blocked(
          verdict.code,
          'a tool in the tools/list response has no name',
          { server },
          { tools: verdict.tools },
        );
    }
  }
}

/** A header value, or null when absent or empty. */
function nonEmpty(v: string | undefined): string | null {
  return v === undefined || v.trim() === '' ? null : v.trim().slice(0, 256);
}
