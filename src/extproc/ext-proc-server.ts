/**
 * The ext_proc role: Envoy's external processing API (envoy.service.ext_proc.v3.ExternalProcessor),
 * because ext_authz cannot see or change a response body. For a request whose execution token carries
 * a `mask` obligation it asks for the buffered response body and returns it masked. For an MCP
 * `tools/list` call it checks the tool definitions in the response against their pins (rug pull) and
 * for hidden instructions, and withholds the response (502) when either check fails. Every block, every
 * masked body and every first-time pin is appended to the audit chain (docs/audit.md); a response whose
 * masking or pinning cannot be recorded is withheld (503), and a block stays a block.
 */
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import * as grpc from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import { loadEnvoyProtos } from '../extauthz/envoy-protos.js';
import { httpStatusFor } from '../extauthz/status.js';
import type { KeySet } from '../keys/signer.js';
import { canonicalAuthority } from '../pipeline/bind/canonical-action.js';
import { verifyExecutionToken } from '../pipeline/bind/execution-token.js';
import { TOKEN_HEADER } from '../pipeline/check-stage.js';
import type { PipelineLogger } from '../pipeline/deps.js';
import { maskResponseBody } from '../pipeline/enforce/mask-response.js';
import {
  checkToolList,
  isToolsListRequest,
  toolsInResponse,
  type ToolListVerdict,
} from '../pipeline/enforce/tool-pins.js';
import type { ReasonCode } from '../pipeline/errors.js';
import type { ExtProcEvent } from '../pipeline/trace/audit-event.js';
import type { AuditLog } from '../pipeline/trace/audit-log.js';
import type { StateStore } from '../state/store.js';

/** ext_proc's ProcessingMode.BodySendMode.BUFFERED and HeaderSendMode.SEND. */
const BUFFERED = 2;
const SEND = 1;
/** A decompressed tool list larger than this is not read (and so withheld). */
const MAX_DECODED_BYTES = 16 * 1024 * 1024;

interface HeaderValue {
  key?: string;
  value?: string;
  raw_value?: Buffer;
}
interface HttpHeaders {
  headers?: { headers?: HeaderValue[] };
  end_of_stream?: boolean;
}
interface HttpBody {
  body?: Buffer;
  end_of_stream?: boolean;
}
/** The ProcessingRequest oneof as proto-loader decodes it (`request` names the member set). */
interface ProcessingRequest {
  request?: string;
  request_headers?: HttpHeaders;
  response_headers?: HttpHeaders;
  request_body?: HttpBody;
  response_body?: HttpBody;
  request_trailers?: object;
  response_trailers?: object;
}
type ProcessingResponse = Record<string, unknown>;
type ToolListBlockedFinding = { readonly id: string; readonly severity: string; readonly path: string };

/** How a tools/list response fared: passed, or why it was withheld. */
export type ToolListOutcome = 'passed' | 'changed' | 'poisoned' | 'invalid' | 'unavailable';

export interface ExtProcOptions {
  readonly host: string;
  readonly port: number;
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

export interface RunningExtProc {
  readonly port: number;
  shutdown(graceMs?: number): Promise<void>;
}

function headerMap(h: HttpHeaders | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const x of h?.headers?.headers ?? []) {
    if (x.key === undefined) continue;
    const v =
      x.raw_value !== undefined && x.raw_value.length > 0 ? x.raw_value.toString('utf8') : (x.value ?? '');
    out.set(x.key.toLowerCase(), v);
  }
  return out;
}

const CONTINUE = { response: { status: 0 } };

/** An immediate answer to the agent with writ's deny body; the HTTP status is the catalogue's. */
function deny(code: ReasonCode, message: string, extra: Record<string, unknown> = {}): ProcessingResponse {
  return {
    immediate_response: {
      status: { code: httpStatusFor('DENY', code) },
      headers: {
        set_headers: [{ header: { key: 'content-type', raw_value: Buffer.from('application/json') } }],
      },
      body: Buffer.from(JSON.stringify({ decision: 'DENY', reason: code, message, ...extra })),
      details: `writ_${code}`,
    },
  };
}

/** What one stream remembers between its messages. */
interface StreamState {
  mask: string[] | null;
  /** A JSON POST: its body is asked for, to tell whether it is an MCP tools/list call. */
  mcpCandidate: boolean;
  toolsList: boolean;
  /** The MCP server's pin key (canonical authority) and the request path without its query. */
  server: string;
  path: string;
  contentType: string;
  contentEncoding: string;
  /** The execution token's `tid` and `jti`, when the request carried a valid one. */
  traceId: string | null;
  tokenId: string | null;
}

/**
 * Appends one ext_proc event to the audit chain; false (and an error log) when the chain refused it.
 * The caller decides what a failed append means: a block stays a block, a pass or a masked body is withheld.
 */
function audited(opts: ExtProcOptions, event: ExtProcEvent): boolean {
  try {
    opts.audit.append(event, opts.now());
    return true;
  } catch (err) {
    opts.log.error({ err, event: event.type, alert: 'audit-write-failed' }, 'ext_proc audit append failed');
    return false;
  }
}

/** The fields every ext_proc event of one stream carries. */
const eventBase = (state: StreamState) => ({
  trace_id: state.traceId,
  token_id: state.tokenId,
  server: state.server,
  path: state.path,
});

/**
 * Decides what to do for one request's headers: a token that does not verify, deny; a valid token
 * with a mask, buffer the response body for masking; a JSON POST, buffer the request body to see
 * whether it lists tools (MCP requests are small JSON-RPC messages, and ext_authz has buffered the
 * same body already to inspect it).
 */
function onRequestHeaders(
  opts: ExtProcOptions,
  headers: Map<string, string>,
  state: StreamState,
): ProcessingResponse {
  const authority = headers.get(':authority') ?? headers.get('host') ?? '';
  const scheme = headers.get(':scheme') ?? 'https';
  state.server = canonicalAuthority(authority, scheme);
  state.path = (headers.get(':path') ?? '/').split('?')[0] ?? '/';
  state.mcpCandidate =
    opts.store !== undefined &&
    headers.get(':method') === 'POST' &&
    /^\s*application\/(?:[\w.+-]+\+)?json\b/i.test(headers.get('content-type') ?? '');
  const token = headers.get(TOKEN_HEADER);
  // No token: ext_authz (which runs first and fails closed) let the request through without one, so
  // writ has no obligation to enforce on its response; a tool list is still checked.
  if (token !== undefined && token !== '') {
    let payload: { ah?: unknown } = {};
    try {
      payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
        ah?: unknown;
      };
    } catch {
      return deny('ERR_TOKEN_MALFORMED', 'token payload is not JSON');
    }
    // The body is not visible here, so the action hash is taken from the token; signature, key, time and
    // audience are checked, and the verify role binds the action upstream.
    const check = verifyExecutionToken(token, opts.keys, {
      actionHash: typeof payload.ah === 'string' ? payload.ah : '',
      audience: state.server,
      nowMs: opts.now(),
      skewSeconds: opts.clockSkewSeconds,
    });
    if (!check.ok) return deny(check.code, check.message);
    state.traceId = check.claims.tid;
    state.tokenId = check.claims.jti;
    const mask = check.claims.obl?.['mask'];
    if (Array.isArray(mask) && mask.length > 0)
      state.mask = mask.filter((m): m is string => typeof m === 'string');
  }
  if (state.mask === null && !state.mcpCandidate) return { request_headers: CONTINUE };
  return {
    request_headers: CONTINUE,
    mode_override: {
      response_header_mode: SEND,
      ...(state.mask === null ? {} : { response_body_mode: BUFFERED }),
      ...(state.mcpCandidate ? { request_body_mode: BUFFERED } : {}),
    },
  };
}

/** The response body as its media type reads it: content-encoding undone, or null when unknown. */
function decoded(body: Buffer, encoding: string): Buffer | null {
  const opts = { maxOutputLength: MAX_DECODED_BYTES };
  try {
    switch (encoding.trim().toLowerCase()) {
      case '':
      case 'identity':
        return body;
      case 'gzip':
      case 'x-gzip':
        return gunzipSync(body, opts);
      case 'deflate':
        return inflateSync(body, opts);
      case 'br':
        return brotliDecompressSync(body, opts);
      default:
        return null;
    }
  } catch {
    return null;
  }
}

/** Checks a tools/list response; null when it may pass, else the immediate response withholding it. */
async function onToolListBody(
  opts: ExtProcOptions,
  store: StateStore,
  state: StreamState,
  body: Buffer,
): Promise<ProcessingResponse | null> {
  const plain = decoded(body, state.contentEncoding);
  const tools = plain === null ? null : toolsInResponse(plain, state.contentType);
  const report = (outcome: ToolListOutcome) => opts.onToolList?.(state.server, outcome);
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
  ): ProcessingResponse => {
    audited(opts, {
      type: 'ext_proc.tool_list_blocked',
      ...eventBase(state),
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
    opts.log.warn({ server: state.server }, 'MCP tool list withheld: unreadable response');
    return blocked(
      'ERR_TOOL_LIST_INVALID',
      'the tools/list response could not be parsed strictly',
      { server: state.server },
      { tools: null },
    );
  }
  let verdict: ToolListVerdict;
  try {
    verdict = await checkToolList(store, state.server, state.path, tools);
  } catch (err) {
    // SECURITY: a tool list writ could not compare with its pins is not passed on.
    report('unavailable');
    opts.log.error({ err, server: state.server }, 'tool pins unavailable; withholding the tool list');
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
    audited(opts, {
      type: 'tools.pinned',
      ...eventBase(state),
      tools: verdict.pinned.map((p) => ({ name: p.name, hash: p.hash })),
    });
  switch (verdict.code) {
    case null:
      if (!pinsRecorded) {
        // SECURITY: a definition pinned without its record would be trusted later with no trace of when
        // it was first seen; this list is withheld (the pin stays, and the error log names the tools).
        report('unavailable');
        opts.log.error(
          { server: state.server, pinned: verdict.pinned, alert: 'audit-write-failed' },
          'tool pins could not be recorded; withholding the tool list',
        );
        return deny('ERR_AUDIT_WRITE', 'the pinning of these tool definitions could not be recorded');
      }
      report('passed');
      return null;
    case 'ERR_TOOL_DEFINITION_CHANGED':
      report('changed');
      opts.log.warn(
        { server: state.server, changed: verdict.changed, alert: 'mcp-rug-pull' },
        'MCP tool definitions changed since pinned (rug pull): tool list withheld',
      );
      return blocked(
        verdict.code,
        `tool definitions changed since they were pinned: ${verdict.changed.join(', ')}`,
        { server: state.server, changed: verdict.changed },
        { tools: verdict.tools, changed: verdict.changes },
      );
    case 'ERR_TOOL_POISONED': {
      report('poisoned');
      const findings = verdict.findings.map((f) => ({ id: f.id, severity: f.severity, path: f.path }));
      opts.log.warn(
        { server: state.server, findings, alert: 'mcp-tool-poisoning' },
        'MCP tool definitions hide instructions: tool list withheld',
      );
      return blocked(
        verdict.code,
        'a tool definition hides instructions for the model',
        { server: state.server, findings },
        { tools: verdict.tools, findings },
      );
    }
    default:
      report('invalid');
      opts.log.warn({ server: state.server }, 'MCP tool list withheld: a tool has no name');
      return blocked(
        verdict.code,
        'a tool in the tools/list response has no name',
        { server: state.server },
        { tools: verdict.tools },
      );
  }
}

/** Answers one processing message; throws only on a bug (the caller then denies). */
async function process1(
  opts: ExtProcOptions,
  state: StreamState,
  req: ProcessingRequest,
): Promise<ProcessingResponse> {
  if (req.request_headers !== undefined) return onRequestHeaders(opts, headerMap(req.request_headers), state);
  if (req.request_body !== undefined) {
    if (!state.mcpCandidate) return { request_body: CONTINUE };
    state.toolsList = isToolsListRequest(req.request_body.body ?? Buffer.alloc(0));
    if (!state.toolsList) return { request_body: CONTINUE };
    // An uncompressed answer is one writ can read; the body is already buffered, so the headers can
    // still change.
    return {
      request_body: { response: { status: 0, header_mutation: { remove_headers: ['accept-encoding'] } } },
    };
  }
  if (req.response_headers !== undefined) {
    const h = headerMap(req.response_headers);
    state.contentType = h.get('content-type') ?? '';
    state.contentEncoding = h.get('content-encoding') ?? '';
    // The masked body has another length: drop content-length so Envoy frames it anew.
    const response =
      state.mask === null
        ? CONTINUE
        : { response: { status: 0, header_mutation: { remove_headers: ['content-length'] } } };
    // mode_override is honoured on a header response, so the tool list's body is asked for here.
    return state.toolsList
      ? { response_headers: response, mode_override: { response_body_mode: BUFFERED } }
      : { response_headers: response };
  }
  if (req.response_body !== undefined) {
    const body = req.response_body.body ?? Buffer.alloc(0);
    if (state.toolsList && opts.store !== undefined) {
      const withheld = await onToolListBody(opts, opts.store, state, body);
      if (withheld !== null) return withheld;
    }
    if (state.mask === null) return { response_body: CONTINUE };
    const r = maskResponseBody(body, state.mask);
    opts.onMasked?.(r.fields, r.pii);
    const recorded = audited(opts, {
      type: 'ext_proc.response_masked',
      ...eventBase(state),
      mask: [...state.mask],
      mode: r.mode,
      fields: r.fields,
      pii: r.pii,
    });
    // SECURITY: a masked body whose masking cannot be proven in the chain is not released.
    if (!recorded) return deny('ERR_AUDIT_WRITE', 'the masking of this response could not be recorded');
    return { response_body: { response: { status: 0, body_mutation: { body: r.body } } } };
  }
  if (req.request_trailers !== undefined) return { request_trailers: {} };
  if (req.response_trailers !== undefined) return { response_trailers: {} };
  return deny('ERR_BAD_REQUEST', 'empty processing request');
}

function processHandler(
  opts: ExtProcOptions,
): grpc.handleBidiStreamingCall<ProcessingRequest, ProcessingResponse> {
  return (call) => {
    const state: StreamState = {
      mask: null,
      mcpCandidate: false,
      toolsList: false,
      server: '',
      path: '/',
      contentType: '',
      contentEncoding: '',
      traceId: null,
      tokenId: null,
    };
    // Answers go out in message order even though a tool list check awaits the store.
    let queue = Promise.resolve();
    call.on('data', (req: ProcessingRequest) => {
      queue = queue.then(async () => {
        let out: ProcessingResponse;
        try {
          out = await process1(opts, state, req);
        } catch (err) {
          // SECURITY: a response writ failed to process is never passed through.
          opts.log.error({ err }, 'ext_proc failed; denying');
          out = deny('ERR_INTERNAL', 'response could not be processed');
        }
        if (!call.destroyed) call.write(out);
      });
    });
    call.on('end', () => {
      void queue.then(() => call.end());
    });
    call.on('error', () => undefined);
  };
}

/** Starts the ext_proc gRPC listener. */
export async function startExtProc(opts: ExtProcOptions): Promise<RunningExtProc> {
  const root = loadEnvoyProtos() as unknown as {
    envoy: { service: { ext_proc: { v3: { ExternalProcessor: grpc.ServiceClientConstructor } } } };
  };
  const service = root.envoy.service.ext_proc.v3.ExternalProcessor.service;
  const server = new grpc.Server({ 'grpc.keepalive_permit_without_calls': 1 });
  server.addService(service, { Process: processHandler(opts) });
  const health = new HealthImplementation({
    '': 'SERVING',
    'writ.extproc': 'SERVING',
    'envoy.service.ext_proc.v3.ExternalProcessor': 'SERVING',
  });
  health.addToServer(server);
  const host = opts.host.includes(':') && !opts.host.startsWith('[') ? `[${opts.host}]` : opts.host;
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${host}:${opts.port}`, grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  return {
    port,
    shutdown(graceMs = 5000) {
      health.setStatus('', 'NOT_SERVING');
      return new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, graceMs);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}
