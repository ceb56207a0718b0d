/**
 * The ext_proc transport: Envoy's external processing API (envoy.service.ext_proc.v3.ExternalProcessor),
 * because ext_authz cannot see or change a response body. It only maps: each ProcessingRequest to a step
 * of the response role (src/pipeline/roles/response.ts, which governs every answer it can read), and
 * the step back to a ProcessingResponse. A message it cannot process is answered with a deny.
 */
import * as grpc from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import { loadEnvoyProtos } from '../extauthz/envoy-protos.js';
import { httpStatusFor } from '../extauthz/status.js';
import type { ReasonCode } from '../pipeline/errors.js';
import {
  createResponseRole,
  type AskFor,
  type ResponseExchange,
  type ResponseRoleDeps,
  type ResponseStep,
} from '../pipeline/roles/response.js';

export type { ToolListOutcome } from '../pipeline/roles/response.js';

/** ext_proc's ProcessingMode.BodySendMode.STREAMED and BUFFERED, and HeaderSendMode.SEND. */
const STREAMED = 1;
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

/** Where the listener binds, and what the response role needs. */
export interface ExtProcOptions extends ResponseRoleDeps {
  readonly host: string;
  readonly port: number;
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

/** An immediate answer to the agent with writ's deny body; the HTTP status is the catalogue's. */
function deny(
  code: ReasonCode,
  message: string,
  extra: Readonly<Record<string, unknown>> = {},
): ProcessingResponse {
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

/** The CommonResponse of a step that lets the message pass: unchanged, or with headers or body replaced. */
function common(step: Extract<ResponseStep, { kind: 'continue' }>): ProcessingResponse {
  const set = Object.entries(step.setHeaders ?? {});
  const mutation =
    step.removeHeaders === undefined && set.length === 0
      ? {}
      : {
          header_mutation: {
            ...(step.removeHeaders === undefined ? {} : { remove_headers: [...step.removeHeaders] }),
            ...(set.length === 0
              ? {}
              : {
                  set_headers: set.map(([key, value]) => ({
                    header: { key, raw_value: Buffer.from(value) },
                    append_action: 'OVERWRITE_IF_EXISTS_OR_ADD',
                  })),
                }),
          },
        };
  return {
    response: {
      status: 0,
      ...mutation,
      // An empty replacement is sent as clear_body: an empty `body` reads as "no mutation" to some proxies.
      ...(step.body === undefined
        ? {}
        : step.body.length === 0
          ? { body_mutation: { clear_body: true } }
          : { body_mutation: { body: Buffer.from(step.body) } }),
    },
  };
}

/** The ProcessingMode override asking Envoy for the further parts the role wants. */
function modeOverride(ask: AskFor | undefined): ProcessingResponse {
  if (ask === undefined) return {};
  return {
    mode_override: {
      ...(ask.responseHeaders === true ? { response_header_mode: SEND } : {}),
      ...(ask.responseBody === true ? { response_body_mode: BUFFERED } : {}),
      ...(ask.responseBody === 'streamed' ? { response_body_mode: STREAMED } : {}),
      ...(ask.requestBody === true ? { request_body_mode: BUFFERED } : {}),
    },
  };
}

/** A step as the answer to one phase (`request_headers`, `response_body`, ...) of the stream. */
function answer(phase: string, step: ResponseStep): ProcessingResponse {
  if (step.kind === 'deny') return deny(step.code, step.message, step.extra);
  return { [phase]: common(step), ...modeOverride(step.askFor) };
}

/** Answers one processing message; throws only on a bug (the caller then denies). */
async function process1(exchange: ResponseExchange, req: ProcessingRequest): Promise<ProcessingResponse> {
  if (req.request_headers !== undefined)
    return answer('request_headers', exchange.onRequestHeaders(headerMap(req.request_headers)));
  if (req.request_body !== undefined)
    return answer('request_body', exchange.onRequestBody(req.request_body.body ?? Buffer.alloc(0)));
  if (req.response_headers !== undefined)
    return answer('response_headers', exchange.onResponseHeaders(headerMap(req.response_headers)));
  if (req.response_body !== undefined)
    return answer(
      'response_body',
      await exchange.onResponseBody(
        req.response_body.body ?? Buffer.alloc(0),
        req.response_body.end_of_stream !== false,
      ),
    );
  if (req.request_trailers !== undefined) return { request_trailers: {} };
  if (req.response_trailers !== undefined) return { response_trailers: {} };
  return deny('ERR_BAD_REQUEST', 'empty processing request');
}

function processHandler(
  opts: ExtProcOptions,
): grpc.handleBidiStreamingCall<ProcessingRequest, ProcessingResponse> {
  const role = createResponseRole(opts);
  return (call) => {
    const exchange = role.newExchange();
    // Answers go out in message order even though a tool list check awaits the store.
    let queue = Promise.resolve();
    call.on('data', (req: ProcessingRequest) => {
      queue = queue.then(async () => {
        let out: ProcessingResponse;
        try {
          out = await process1(exchange, req);
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
