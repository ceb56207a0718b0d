/**
 * The response role: what writ decides about an upstream's response, which ext_authz cannot see. For a
 * request whose execution token carries a `mask` obligation it masks the buffered response body; for an
 * MCP `tools/list` call it checks the tool definitions in the response against their pins (rug pull) and
 * for hidden instructions, and withholds the response when either check fails. Every block, every masked
 * body and every first-time pin is appended to the audit chain (docs/audit.md); a response whose masking
 * or pinning cannot be recorded is withheld, and a block stays a block. The transport (src/extproc) maps
 * Envoy's ext_proc messages to the steps below and the steps back to Envoy's answers.
 */
import type { KeySet } from '../../keys/signer.js';
import type { StateStore } from '../../state/store.js';
import { canonicalAuthority } from '../bind/canonical-action.js';
import { verifyExecutionToken } from '../bind/execution-token.js';
import type { PipelineLogger } from '../deps.js';
import { maskResponseBody } from '../enforce/mask-response.js';
import {
  checkToolList,
  isToolsListRequest,
  toolsInResponse,
  type ToolListVerdict,
} from '../enforce/tool-pins.js';
import { WritError, type ReasonCode } from '../errors.js';
import { TOKEN_HEADER } from '../headers.js';
import { decodeContent, parseContentCodings } from '../normalize/content-encoding.js';
import type { ExtProcEvent } from '../audit-record/audit-event.js';
import type { AuditLog } from '../audit-record/audit-log.js';

/** A decompressed tool list larger than this is not read (and so withheld). */
const MAX_DECODED_BYTES = 16 * 1024 * 1024;

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
  /**
   * Where tool definitions are pinned (shared across replicas with Redis). Without it, tools/list
   * responses are not checked and no request body is asked for.
   */
  readonly store?: StateStore;
  /** Called after each masked body (metrics). */
  readonly onMasked?: (fields: number, pii: number) => void;
  /** Called after each checked tools/list response (metrics). */
  readonly onToolList?: (server: string, outcome: ToolListOutcome) => void;
}

/** Which further parts of the exchange the role asks the proxy to send it. */
export interface AskFor {
  readonly requestBody?: boolean;
  readonly responseHeaders?: boolean;
  readonly responseBody?: boolean;
}

/** What to do with one message of the exchange: let it pass (perhaps changed), or answer with a deny. */
export type ResponseStep =
  | {
      readonly kind: 'continue';
      /** Headers to remove from the message passing on. */
      readonly removeHeaders?: readonly string[];
      /** The body that replaces the message's body. */
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
  /** The request's body, asked for only for a JSON POST: is it an MCP tools/list call? */
  onRequestBody(body: Uint8Array): ResponseStep;
  /** The response's headers. */
  onResponseHeaders(headers: ReadonlyMap<string, string>): ResponseStep;
  /** The response's body: the tool list checked, then the mask applied. */
  onResponseBody(body: Uint8Array): Promise<ResponseStep>;
}

/** The response role: one exchange object per stream. */
export interface ResponseRole {
  newExchange(): ResponseExchange;
}

/** Creates the response role over its dependencies. */
export function createResponseRole(deps: ResponseRoleDeps): ResponseRole {
  return { newExchange: () => new Exchange(deps) };
}

/** What one exchange remembers between its messages. */
class Exchange implements ResponseExchange {
  private mask: string[] | null = null;
  /** A JSON POST: its body is asked for, to tell whether it is an MCP tools/list call. */
  private mcpCandidate = false;
  private toolsList = false;
  /** The MCP server's pin key (canonical authority) and the request path without its query. */
  private server = '';
  private path = '/';
  private contentType = '';
  private contentEncoding = '';
  /** The execution token's `tid` and `jti`, when the request carried a valid one. */
  private traceId: string | null = null;
  private tokenId: string | null = null;

  constructor(private readonly deps: ResponseRoleDeps) {}

  /**
   * A token that does not verify, deny; a valid token with a mask, buffer the response body for masking;
   * a JSON POST, buffer the request body to see whether it lists tools (MCP requests are small JSON-RPC
   * messages, and ext_authz has buffered the same body already to inspect it).
   */
  onRequestHeaders(headers: ReadonlyMap<string, string>): ResponseStep {
    const authority = headers.get(':authority') ?? headers.get('host') ?? '';
    const scheme = headers.get(':scheme') ?? 'https';
    this.server = canonicalAuthority(authority, scheme);
    this.path = (headers.get(':path') ?? '/').split('?')[0] ?? '/';
    this.mcpCandidate =
      this.deps.store !== undefined &&
      headers.get(':method') === 'POST' &&
      /^\s*application\/(?:[\w.+-]+\+)?json\b/i.test(headers.get('content-type') ?? '');
    const token = headers.get(TOKEN_HEADER);
    // No token: ext_authz (which runs first and fails closed) let the request through without one, so
    // writ has no obligation to enforce on its response; a tool list is still checked.
    if (token !== undefined && token !== '') {
      // The body is not visible here, so the action is not compared; signature, key, time and audience
      // are checked, and the verify role binds the action upstream.
      const check = verifyExecutionToken(token, this.deps.keys, {
        actionHash: null,
        bound: null,
        audience: this.server,
        nowMs: this.deps.now(),
        skewSeconds: this.deps.clockSkewSeconds,
      });
      if (!check.ok) return deny(check.code, check.message);
      this.traceId = check.claims.tid;
      this.tokenId = check.claims.jti;
      const mask = check.claims.obl?.['mask'];
      if (Array.isArray(mask) && mask.length > 0)
        this.mask = mask.filter((m): m is string => typeof m === 'string');
    }
    if (this.mask === null && !this.mcpCandidate) return CONTINUE;
    return {
      kind: 'continue',
      askFor: { responseHeaders: true, responseBody: this.mask !== null, requestBody: this.mcpCandidate },
    };
  }

  onRequestBody(body: Uint8Array): ResponseStep {
    if (!this.mcpCandidate) return CONTINUE;
    this.toolsList = isToolsListRequest(body);
    if (!this.toolsList) return CONTINUE;
    // An uncompressed answer is one writ can read; the body is already buffered, so the headers can
    // still change.
    return { kind: 'continue', removeHeaders: ['accept-encoding'] };
  }

  onResponseHeaders(headers: ReadonlyMap<string, string>): ResponseStep {
    this.contentType = headers.get('content-type') ?? '';
    this.contentEncoding = headers.get('content-encoding') ?? '';
    return {
      kind: 'continue',
      // The masked body has another length: drop content-length so the proxy frames it anew.
      ...(this.mask === null ? {} : { removeHeaders: ['content-length'] }),
      // The tool list's body is asked for here, where the proxy honours the request.
      ...(this.toolsList ? { askFor: { responseBody: true } } : {}),
    };
  }

  async onResponseBody(body: Uint8Array): Promise<ResponseStep> {
    if (this.toolsList && this.deps.store !== undefined) {
      const withheld = await this.checkToolList(this.deps.store, body);
      if (withheld !== null) return withheld;
    }
    if (this.mask === null) return CONTINUE;
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
    return { kind: 'continue', body: r.body };
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
