/** An ext_proc client for tests: one real gRPC bidirectional stream per exchange, driven as Envoy would. */
/* eslint-disable @typescript-eslint/no-explicit-any -- proto-loader messages are untyped; tests read them loosely */
import * as grpc from '@grpc/grpc-js';
import { loadEnvoyProtos } from '../../../src/extauthz/envoy-protos.js';

/** A header value as Envoy sends it (raw bytes). */
export const hv = (key: string, value: string) => ({ key, raw_value: Buffer.from(value) });

/** One tool definition as an MCP server lists it. */
export const tool = (name: string, description: string) => ({
  name,
  description,
  inputSchema: { type: 'object', properties: { q: { type: 'string', description: 'what to look up' } } },
});

/** A JSON-RPC tools/list result body. */
export const listBody = (tools: unknown[]) => JSON.stringify({ jsonrpc: '2.0', id: 1, result: { tools } });

/** The status and deny body of an immediate response, or null when the response passed. */
export function withheld(final: any): { status: number; body: any } | null {
  if (final.response !== 'immediate_response') return null;
  return {
    status: final.immediate_response.status.code,
    body: JSON.parse(Buffer.from(final.immediate_response.body).toString('utf8')),
  };
}

/** What Envoy sees of one HTTP exchange: request headers and body, then the upstream's answer. */
export interface EnvoyExchange {
  readonly requestHeaders: Readonly<Record<string, string>>;
  readonly requestBody: Buffer;
  readonly responseHeaders: Readonly<Record<string, string>>;
  readonly responseBody: Buffer;
}

/** A client of one ext_proc listener. */
export interface ExtProcClient {
  /** Opens one stream; `send` writes a message and awaits its answer. */
  stream(): { send(msg: object): Promise<any>; end(): void };
  /**
   * One MCP tools/list exchange: request headers, the buffered request body, response headers, the
   * buffered response body. Returns every answer.
   */
  listExchange(
    server: string,
    responseBody: string | Buffer,
    opts?: { contentType?: string; requestBody?: string; headers?: Record<string, string> },
  ): Promise<{ headers: any; body: any; responseHeaders: any; final: any }>;
  /**
   * One HTTP exchange driven as Envoy drives it: request headers, then each body only when writ asked
   * for it (mode_override), stopping at the first immediate response. `final` is the last answer.
   */
  exchange(x: EnvoyExchange): Promise<{ answers: any[]; final: any }>;
  close(): void;
}

/** Connects to the ext_proc listener on a loopback port. */
export function extProcClient(port: number): ExtProcClient {
  const root = loadEnvoyProtos() as any;
  const Ctor = root.envoy.service.ext_proc.v3.ExternalProcessor as grpc.ServiceClientConstructor;
  const client = new Ctor(
    `127.0.0.1:${port}`,
    grpc.credentials.createInsecure(),
  ) as unknown as grpc.Client & {
    Process: () => grpc.ClientDuplexStream<object, any>;
  };
  const stream = () => {
    const call = client.Process();
    const answers: any[] = [];
    const waiters: { resolve: (v: any) => void; reject: (e: Error) => void }[] = [];
    let failed: Error | undefined;
    call.on('data', (m: any) => {
      const w = waiters.shift();
      if (w) w.resolve(m);
      else answers.push(m);
    });
    // A stream the server ends (or a shutdown cancels) reports an error: hand it to whoever waits,
    // never leave it unhandled.
    call.on('error', (err: Error) => {
      failed = err;
      for (const w of waiters.splice(0)) w.reject(err);
    });
    return {
      send(msg: object): Promise<any> {
        call.write(msg);
        return new Promise((resolve, reject) => {
          const a = answers.shift();
          if (a !== undefined) resolve(a);
          else if (failed !== undefined) reject(failed);
          else waiters.push({ resolve, reject });
        });
      },
      end: () => call.end(),
    };
  };
  return {
    stream,
    async listExchange(server, responseBody, opts = {}) {
      const s = stream();
      const headers = await s.send({
        request_headers: {
          headers: {
            headers: [
              hv(':method', 'POST'),
              hv(':authority', server),
              hv(':scheme', 'https'),
              hv(':path', '/mcp?session=1'),
              hv('content-type', 'application/json'),
              hv('accept-encoding', 'gzip'),
              ...Object.entries(opts.headers ?? {}).map(([k, v]) => hv(k, v)),
            ],
          },
        },
      });
      const body = await s.send({
        request_body: {
          body: Buffer.from(
            opts.requestBody ?? JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
          ),
          end_of_stream: true,
        },
      });
      const responseHeaders = await s.send({
        response_headers: {
          headers: {
            headers: [hv(':status', '200'), hv('content-type', opts.contentType ?? 'application/json')],
          },
        },
      });
      const final = await s.send({ response_body: { body: Buffer.from(responseBody), end_of_stream: true } });
      s.end();
      return { headers, body, responseHeaders, final };
    },
    async exchange(x) {
      const s = stream();
      const answers: any[] = [];
      const headers = (h: Readonly<Record<string, string>>) => ({
        headers: { headers: Object.entries(h).map(([k, v]) => hv(k, v)) },
      });
      const done = (a: any) => a.response === 'immediate_response';
      let modes: any = {};
      const ask = async (msg: object): Promise<any> => {
        const a: any = await s.send(msg);
        answers.push(a);
        modes = { ...modes, ...(a.mode_override ?? {}) };
        return a;
      };
      try {
        if (done(await ask({ request_headers: headers(x.requestHeaders) })))
          return { answers, final: answers.at(-1) };
        if (
          modes.request_body_mode === 2 &&
          done(await ask({ request_body: { body: x.requestBody, end_of_stream: true } }))
        )
          return { answers, final: answers.at(-1) };
        // Envoy asks for response headers only in SEND mode (the default for the filter, as charts/writ sets).
        if (done(await ask({ response_headers: headers(x.responseHeaders) })))
          return { answers, final: answers.at(-1) };
        if (modes.response_body_mode === 2)
          await ask({ response_body: { body: x.responseBody, end_of_stream: true } });
        return { answers, final: answers.at(-1) };
      } finally {
        s.end();
      }
    },
    close: () => client.close(),
  };
}

/**
 * One MCP `tools/call` exchange with a buffered JSON answer whose content is `text`, driven as Envoy drives
 * it. `headers` adds request headers (the check role's `x-writ-token`, `mcp-session-id`, `x-writ-session`).
 */
export function toolCallExchange(
  c: ExtProcClient,
  o: { server: string; tool: string; text: string; id?: number; headers?: Record<string, string> },
): Promise<{ answers: any[]; final: any }> {
  const id = o.id ?? 1;
  return c.exchange({
    requestHeaders: {
      ':method': 'POST',
      ':authority': o.server,
      ':scheme': 'https',
      ':path': '/mcp',
      'content-type': 'application/json',
      ...o.headers,
    },
    requestBody: Buffer.from(
      JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: o.tool, arguments: {} } }),
    ),
    responseHeaders: { ':status': '200', 'content-type': 'application/json' },
    responseBody: Buffer.from(
      JSON.stringify({ jsonrpc: '2.0', id, result: { content: [{ type: 'text', text: o.text }] } }),
    ),
  });
}
