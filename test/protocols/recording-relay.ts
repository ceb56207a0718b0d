/**
 * A recording relay for protocol tests: an HTTP proxy on loopback that forwards every request to an SDK
 * server and records the request and the response exactly as they crossed the wire (method, path, headers,
 * body bytes; a streamed response chunk by chunk), so the bytes writ is asked about are the SDKs' own.
 */
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the client sent it. */
export interface RecordedRequest {
  readonly method: string;
  /** The request target as sent (path and query). */
  readonly path: string;
  /** Header names lower-cased; a repeated header joined with `, ` as HTTP/1.1 allows. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/** The upstream's answer, complete once the upstream ended it (or the client went away). */
export interface RecordedResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** Every body chunk as the upstream wrote it (an SSE stream arrives event by event). */
  readonly chunks: readonly Buffer[];
  readonly body: Buffer;
}

/** One request and the answer it got. */
export interface RecordedExchange {
  /** Order of arrival at the relay. */
  readonly seq: number;
  readonly request: RecordedRequest;
  /** Settles when the response is over; a long-lived SSE stream settles when either side closes it. */
  readonly response: Promise<RecordedResponse>;
}

export interface RecordingRelay {
  /** Where clients connect: `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Every exchange so far, in order of arrival. */
  readonly exchanges: readonly RecordedExchange[];
  /** Every exchange whose response is over, waiting for each one. */
  settled(): Promise<{ request: RecordedRequest; response: RecordedResponse }[]>;
  close(): Promise<void>;
}

function flatHeaders(h: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) {
    if (v === undefined) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

/** Starts a relay in front of `target` (`http://127.0.0.1:<port>`). */
export async function startRecordingRelay(target: string): Promise<RecordingRelay> {
  const upstream = new URL(target);
  const exchanges: RecordedExchange[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request: RecordedRequest = {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: flatHeaders(req.headers),
        body: Buffer.concat(chunks),
      };
      let settle!: (r: RecordedResponse) => void;
      let fail!: (e: Error) => void;
      const response = new Promise<RecordedResponse>((resolve, reject) => {
        settle = resolve;
        fail = reject;
      });
      // The caller reads it only after the session; a failure is kept for it, not left unhandled.
      response.catch(() => undefined);
      exchanges.push({ seq: exchanges.length, request, response });
      const out = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: request.method,
          path: request.path,
          headers: { ...req.headers, host: upstream.host },
        },
        (up) => {
          const status = up.statusCode ?? 0;
          const headers = flatHeaders(up.headers);
          const body: Buffer[] = [];
          let done = false;
          const finish = () => {
            if (done) return;
            done = true;
            settle({ status, headers, chunks: body, body: Buffer.concat(body) });
          };
          res.writeHead(status, up.headers);
          // Flushed at once, so an SSE stream's headers reach the client before its first event.
          res.flushHeaders();
          up.on('data', (c: Buffer) => {
            body.push(c);
            res.write(c);
          });
          up.on('end', () => {
            finish();
            res.end();
          });
          up.on('close', finish);
          res.on('close', () => {
            finish();
            up.destroy();
          });
        },
      );
      out.on('error', (e) => {
        fail(e);
        if (!res.headersSent) res.writeHead(502);
        res.end();
      });
      res.on('close', () => out.destroy());
      out.end(request.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    exchanges,
    async settled() {
      return Promise.all(exchanges.map(async (x) => ({ request: x.request, response: await x.response })));
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
