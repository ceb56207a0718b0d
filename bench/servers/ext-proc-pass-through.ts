/**
 * The ext_proc bench's baseline: the same grpc-js server, options and Envoy proto loading as writ's ext_proc
 * role (src/extproc/ext-proc-server.ts), asking Envoy for the same parts of an exchange writ asks for (a
 * JSON request's body, the response headers, the response body buffered, or streamed for an event stream)
 * and letting each pass unread. The same bytes cross the same gRPC stream, so the gap between it and writ is
 * what reading, inspecting, deciding and recording a response costs: the run without response inspection.
 * Run: node --import tsx bench/servers/ext-proc-pass-through.ts [--port 0] [--app dist|src]
 */
import * as grpc from '@grpc/grpc-js';
import type { loadEnvoyProtos as LoadEnvoyProtos } from '../../src/extauthz/envoy-protos.js';
import { announce, serverArgs } from '../lib/server-stats.js';

const args = serverArgs(process.argv.slice(2));
// Same module as writ loads (dist/ or src/), so both decode ProcessingRequest with the same code.
const protos = (await import(
  args.app === 'dist' ? '../../dist/extauthz/envoy-protos.js' : '../../src/extauthz/envoy-protos.js'
)) as { loadEnvoyProtos: typeof LoadEnvoyProtos };
const root = protos.loadEnvoyProtos() as unknown as {
  envoy: { service: { ext_proc: { v3: { ExternalProcessor: grpc.ServiceClientConstructor } } } };
};

/** ext_proc's ProcessingMode values writ's transport sends (HeaderSendMode.SEND, BodySendMode.BUFFERED/STREAMED). */
const SEND = 1;
const STREAMED = 1;
const BUFFERED = 2;
const EVENT_STREAM = /^\s*text\/event-stream\b/i;

interface HeaderValue {
  key?: string;
  value?: string;
  raw_value?: Buffer;
}
interface ProcessingRequest {
  request_headers?: { headers?: { headers?: HeaderValue[] } };
  request_body?: object;
  response_headers?: { headers?: { headers?: HeaderValue[] } };
  response_body?: object;
}

const pass = { response: { status: 0 } };

function header(h: ProcessingRequest['response_headers'], name: string): string {
  const v = h?.headers?.headers?.find((x) => x.key?.toLowerCase() === name);
  return v === undefined ? '' : v.raw_value !== undefined ? v.raw_value.toString('utf8') : (v.value ?? '');
}

/** The answer writ's role would give to each phase of a benign exchange, minus the reading. */
function answer(req: ProcessingRequest): Record<string, unknown> {
  if (req.request_headers !== undefined) {
    const json = /^\s*application\/json/i.test(header(req.request_headers, 'content-type'));
    return {
      request_headers: pass,
      mode_override: { response_header_mode: SEND, ...(json ? { request_body_mode: BUFFERED } : {}) },
    };
  }
  if (req.request_body !== undefined) return { request_body: pass };
  if (req.response_headers !== undefined) {
    const events = EVENT_STREAM.test(header(req.response_headers, 'content-type'));
    return {
      response_headers: pass,
      mode_override: { response_body_mode: events ? STREAMED : BUFFERED },
    };
  }
  if (req.response_body !== undefined) return { response_body: pass };
  return { request_trailers: {} };
}

const server = new grpc.Server({ 'grpc.keepalive_permit_without_calls': 1 });
server.addService(root.envoy.service.ext_proc.v3.ExternalProcessor.service, {
  Process: (call: grpc.ServerDuplexStream<ProcessingRequest, unknown>) => {
    call.on('data', (req: ProcessingRequest) => {
      if (!call.destroyed) call.write(answer(req));
    });
    call.on('end', () => call.end());
    call.on('error', () => undefined);
  },
});
const port = await new Promise<number>((resolve, reject) => {
  server.bindAsync(`127.0.0.1:${args.port}`, grpc.ServerCredentials.createInsecure(), (err, p) =>
    err ? reject(err) : resolve(p),
  );
});
announce(port, () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())));
