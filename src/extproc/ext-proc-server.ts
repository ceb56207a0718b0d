/**
 * The ext_proc role: Envoy's external processing API (envoy.service.ext_proc.v3.ExternalProcessor),
 * because ext_authz cannot change a response body. For a request whose execution token carries a
 * `mask` obligation it asks for the buffered response body and returns it masked.
 */
import * as grpc from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import { loadEnvoyProtos } from '../extauthz/envoy-protos.js';
import type { KeySet } from '../keys/signer.js';
import { canonicalAuthority } from '../pipeline/bind/canonical-action.js';
import { verifyExecutionToken } from '../pipeline/bind/execution-token.js';
import { TOKEN_HEADER } from '../pipeline/check-stage.js';
import type { PipelineLogger } from '../pipeline/deps.js';
import { maskResponseBody } from '../pipeline/enforce/mask-response.js';

/** ext_proc's ProcessingMode.BodySendMode.BUFFERED and HeaderSendMode.SEND. */
const BUFFERED = 2;
const SEND = 1;

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

export interface ExtProcOptions {
  readonly host: string;
  readonly port: number;
  readonly keys: KeySet;
  readonly now: () => number;
  readonly clockSkewSeconds: number;
  readonly log: PipelineLogger;
  /** Called after each masked body (metrics). */
  readonly onMasked?: (fields: number, pii: number) => void;
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

function deny(code: string, message: string): ProcessingResponse {
  return {
    immediate_response: {
      status: { code: 403 },
      headers: {
        set_headers: [{ header: { key: 'content-type', raw_value: Buffer.from('application/json') } }],
      },
      body: Buffer.from(JSON.stringify({ decision: 'DENY', reason: code, message })),
      details: `writ_${code}`,
    },
  };
}

/**
 * Decides what to do for one request's headers: no token, nothing to do; a token that does not verify,
 * deny; a valid token with a mask, buffer the response body for masking.
 */
function onRequestHeaders(
  opts: ExtProcOptions,
  headers: Map<string, string>,
): { response: ProcessingResponse; mask: string[] | null } {
  const token = headers.get(TOKEN_HEADER);
  // No token: ext_authz (which runs first and fails closed) let the request through without one, so
  // writ did not govern it and has nothing to enforce on its response.
  if (token === undefined || token === '') return { response: { request_headers: CONTINUE }, mask: null };
  let payload: { ah?: unknown } = {};
  try {
    payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      ah?: unknown;
    };
  } catch {
    return { response: deny('ERR_TOKEN_MALFORMED', 'token payload is not JSON'), mask: null };
  }
  const authority = headers.get(':authority') ?? headers.get('host') ?? '';
  // The body is not visible here, so the action hash is taken from the token; signature, key, time and
  // audience are checked, and the verify role binds the action upstream.
  const check = verifyExecutionToken(token, opts.keys, {
    actionHash: typeof payload.ah === 'string' ? payload.ah : '',
    audience: canonicalAuthority(authority, headers.get(':scheme') ?? 'https'),
    nowMs: opts.now(),
    skewSeconds: opts.clockSkewSeconds,
  });
  if (!check.ok) return { response: deny(check.code, check.message), mask: null };
  const mask = check.claims.obl?.['mask'];
  if (!Array.isArray(mask) || mask.length === 0)
    return { response: { request_headers: CONTINUE }, mask: null };
  return {
    response: {
      request_headers: CONTINUE,
      mode_override: { response_header_mode: SEND, response_body_mode: BUFFERED },
    },
    mask: mask.filter((m): m is string => typeof m === 'string'),
  };
}

function processHandler(
  opts: ExtProcOptions,
): grpc.handleBidiStreamingCall<ProcessingRequest, ProcessingResponse> {
  return (call) => {
    let mask: string[] | null = null;
    call.on('data', (req: ProcessingRequest) => {
      let out: ProcessingResponse;
      try {
        if (req.request_headers !== undefined) {
          const r = onRequestHeaders(opts, headerMap(req.request_headers));
          mask = r.mask;
          out = r.response;
        } else if (req.response_headers !== undefined) {
          // The masked body has another length: drop content-length so Envoy frames it anew.
          out = {
            response_headers:
              mask === null
                ? CONTINUE
                : { response: { status: 0, header_mutation: { remove_headers: ['content-length'] } } },
          };
        } else if (req.response_body !== undefined) {
          if (mask === null) out = { response_body: CONTINUE };
          else {
            const r = maskResponseBody(req.response_body.body ?? Buffer.alloc(0), mask);
            opts.onMasked?.(r.fields, r.pii);
            out = { response_body: { response: { status: 0, body_mutation: { body: r.body } } } };
          }
        } else if (req.request_body !== undefined) out = { request_body: CONTINUE };
        else if (req.request_trailers !== undefined) out = { request_trailers: {} };
        else if (req.response_trailers !== undefined) out = { response_trailers: {} };
        else out = deny('ERR_BAD_REQUEST', 'empty processing request');
      } catch (err) {
        // SECURITY: a response writ failed to mask is never passed through.
        opts.log.error({ err }, 'ext_proc failed; denying');
        out = deny('ERR_INTERNAL', 'response could not be processed');
      }
      call.write(out);
    });
    call.on('end', () => call.end());
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
