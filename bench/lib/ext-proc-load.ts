/**
 * Load for an ext_proc server, driven as Envoy drives it: one bidirectional gRPC stream per HTTP exchange,
 * the request headers first, then each further part only when the server asked for it (mode_override): the
 * request body, the response headers, the response body whole (buffered) or chunk by chunk (streamed),
 * each message awaiting its answer before the next is sent. h2load cannot hold such a conversation, so the
 * bench drives it from its own process with grpc-js.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- proto-loader messages are untyped */
import * as grpc from '@grpc/grpc-js';
import { loadEnvoyProtos } from '../../src/extauthz/envoy-protos.js';

/** ext_proc's BodySendMode values. */
const STREAMED = 1;
const BUFFERED = 2;

/** One HTTP exchange as Envoy sees it; `responseChunks` are the upstream's body as it arrives. */
export interface ExchangeShape {
  readonly requestHeaders: Readonly<Record<string, string>>;
  readonly requestBody: Buffer;
  readonly responseHeaders: Readonly<Record<string, string>>;
  readonly responseChunks: readonly Buffer[];
}

/** A ProcessingResponse as proto-loader decodes it, as far as the bench reads it. */
export interface ProcessingAnswer {
  /** Which member of the oneof is set: `request_headers`, `response_body`, `immediate_response`, ... */
  readonly response?: string;
  readonly mode_override?: { readonly request_body_mode?: number; readonly response_body_mode?: number };
  readonly response_body?: {
    readonly response?: {
      readonly header_mutation?: unknown;
      readonly body_mutation?: { readonly body?: Uint8Array; readonly clear_body?: boolean } | null;
    };
  };
}

/** What one exchange came to: the answers in order, and whether the server stopped it (immediate_response). */
export interface ExchangeResult {
  readonly answers: readonly ProcessingAnswer[];
  readonly stopped: boolean;
}

const headers = (h: Readonly<Record<string, string>>) => ({
  headers: { headers: Object.entries(h).map(([key, v]) => ({ key, raw_value: Buffer.from(v) })) },
});

/** A client of one ext_proc listener on loopback. */
export interface ExtProcDriver {
  exchange(shape: ExchangeShape): Promise<ExchangeResult>;
  close(): void;
}

export function extProcDriver(port: number): ExtProcDriver {
  const root = loadEnvoyProtos() as any;
  const Ctor = root.envoy.service.ext_proc.v3.ExternalProcessor as grpc.ServiceClientConstructor;
  const client = new Ctor(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
    'grpc.max_receive_message_length': 16 * 1024 * 1024,
  }) as unknown as grpc.Client & { Process: () => grpc.ClientDuplexStream<object, any> };

  async function exchange(shape: ExchangeShape): Promise<ExchangeResult> {
    const call = client.Process();
    const waiting: { resolve: (m: ProcessingAnswer) => void; reject: (e: Error) => void }[] = [];
    let failed: Error | undefined;
    call.on('data', (m: ProcessingAnswer) => waiting.shift()?.resolve(m));
    call.on('error', (err: Error) => {
      failed = err;
      for (const w of waiting.splice(0)) w.reject(err);
    });
    const answers: ProcessingAnswer[] = [];
    let modes: NonNullable<ProcessingAnswer['mode_override']> = {};
    const send = (msg: object): Promise<ProcessingAnswer> => {
      if (failed !== undefined) return Promise.reject(failed);
      return new Promise<ProcessingAnswer>((resolve, reject) => {
        waiting.push({ resolve, reject });
        call.write(msg);
      }).then((a) => {
        answers.push(a);
        modes = { ...modes, ...(a.mode_override ?? {}) };
        return a;
      });
    };
    const stopped = (a: ProcessingAnswer) => a.response === 'immediate_response';
    try {
      if (stopped(await send({ request_headers: headers(shape.requestHeaders) })))
        return { answers, stopped: true };
      if (
        modes.request_body_mode === BUFFERED &&
        stopped(await send({ request_body: { body: shape.requestBody, end_of_stream: true } }))
      )
        return { answers, stopped: true };
      if (stopped(await send({ response_headers: headers(shape.responseHeaders) })))
        return { answers, stopped: true };
      if (modes.response_body_mode === BUFFERED) {
        const body = Buffer.concat([...shape.responseChunks]);
        if (stopped(await send({ response_body: { body, end_of_stream: true } })))
          return { answers, stopped: true };
      } else if (modes.response_body_mode === STREAMED) {
        for (let i = 0; i < shape.responseChunks.length; i++) {
          const last = i === shape.responseChunks.length - 1;
          const a = await send({ response_body: { body: shape.responseChunks[i], end_of_stream: last } });
          if (stopped(a)) return { answers, stopped: true };
        }
      }
      return { answers, stopped: false };
    } finally {
      call.end();
    }
  }
  return { exchange, close: () => client.close() };
}

/** Which exchange the k-th call sends, and whether what came back is what the caller expects. */
export interface Load {
  readonly next: (k: number) => ExchangeShape;
  /** A description of what is wrong with a result, or null when it is as expected. */
  readonly wrong: (shape: ExchangeShape, result: ExchangeResult) => string | null;
}

function checked(load: Load, shape: ExchangeShape, r: ExchangeResult): void {
  const wrong = load.wrong(shape, r);
  if (wrong !== null) throw new Error(`a bench exchange came back wrong: ${wrong}`);
}

/** Closed loop: `concurrency` exchanges in flight for `seconds`; the number completed. */
export async function closedLoop(
  driver: ExtProcDriver,
  load: Load,
  concurrency: number,
  seconds: number,
): Promise<number> {
  const until = performance.now() + seconds * 1000;
  let done = 0;
  let k = 0;
  const worker = async () => {
    while (performance.now() < until) {
      const shape = load.next(k++);
      checked(load, shape, await driver.exchange(shape));
      done++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return done;
}

/**
 * Open loop: exchange k is due at start + k/rate whatever happened to the ones before it, and its latency is
 * measured from that due time (so a stalled server's queue counts, and no coordinated omission hides it).
 * Latencies in ms, in send order.
 */
export async function openLoop(
  driver: ExtProcDriver,
  load: Load,
  rate: number,
  seconds: number,
): Promise<Float64Array> {
  const total = Math.round(rate * seconds);
  const latencies = new Float64Array(total);
  const start = performance.now();
  const calls: Promise<void>[] = [];
  for (let k = 0; k < total; k++) {
    const due = start + (k * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const shape = load.next(k);
    calls.push(
      driver.exchange(shape).then((r) => {
        latencies[k] = performance.now() - due;
        checked(load, shape, r);
      }),
    );
  }
  await Promise.all(calls);
  return latencies;
}
