/**
 * SIEM export: audit records become OCSF JSON events shipped to stdout, a file and/or syslog. Nothing
 * here runs on the decision path: `enqueue` pushes onto a bounded queue (a full queue drops and counts),
 * and mapping and writing happen later, per sink, so a slow or dead receiver delays only itself.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import type { JsonValue } from '../../pipeline/model/json.js';
import { toOcsf, type ExportRecord } from './ocsf.js';

/** Where a sink's lines go; rejects when they could not be written (the sink retries). */
export interface SinkWriter {
  write(lines: readonly string[]): Promise<void>;
}

export interface SiemSink {
  readonly name: string;
  readonly writer: SinkWriter & { close?(): void };
  /** Turns the OCSF event into the line this sink writes (JSON by default, RFC 5424 for syslog). */
  readonly format?: (ocsf: Readonly<Record<string, JsonValue>>) => string;
}

export interface SiemExporterOptions {
  readonly sinks: readonly SiemSink[];
  readonly product: { readonly version: string; readonly replica: string };
  /** Most events waiting per sink; more are dropped and counted. Default 10,000. */
  readonly maxQueue?: number;
  readonly maxBatch?: number;
  readonly retryInitialMs?: number;
  readonly retryMaxMs?: number;
  readonly onError?: (sink: string, err: unknown) => void;
}

/** Per-sink counters (for /metrics). */
export interface SinkStats {
  readonly sent: number;
  readonly dropped: number;
  readonly failures: number;
  readonly queued: number;
}

export interface SiemExporter {
  /** Queues a record; O(1), never throws, never waits. */
  enqueue(record: ExportRecord): void;
  stats(): Readonly<Record<string, SinkStats>>;
  /** Resolves once every sink has written everything queued so far (or has failed to). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

interface SinkState {
  readonly sink: SiemSink;
  queue: ExportRecord[];
  sent: number;
  dropped: number;
  failures: number;
  running: boolean;
  waiters: Array<() => void>;
}

/** Starts an exporter over the given sinks. */
export function createSiemExporter(opts: SiemExporterOptions): SiemExporter {
  const maxQueue = opts.maxQueue ?? 10_000;
  const maxBatch = opts.maxBatch ?? 256;
  const retryInitial = opts.retryInitialMs ?? 500;
  const retryMax = opts.retryMaxMs ?? 30_000;
  let closed = false;
  const states: SinkState[] = opts.sinks.map((sink) => ({
    sink,
    queue: [],
    sent: 0,
    dropped: 0,
    failures: 0,
    running: false,
    waiters: [],
  }));

  const pump = async (st: SinkState): Promise<void> => {
    if (st.running) return;
    st.running = true;
    let delay = retryInitial;
    try {
      while (!closed && st.queue.length > 0) {
        const batch = st.queue.slice(0, maxBatch);
        const fmt = st.sink.format ?? ((o) => JSON.stringify(o));
        const lines = batch.map((r) => fmt(toOcsf(r, opts.product)));
        try {
          await st.sink.writer.write(lines);
          st.queue.splice(0, batch.length);
          st.sent += batch.length;
          delay = retryInitial;
        } catch (err) {
          st.failures++;
          opts.onError?.(st.sink.name, err);
          await new Promise((r) => setTimeout(r, delay).unref());
          delay = Math.min(delay * 2, retryMax);
        }
      }
    } finally {
      st.running = false;
      if (st.queue.length === 0 || closed) for (const w of st.waiters.splice(0)) w();
    }
  };

  return {
    enqueue(record) {
      if (closed) return;
      for (const st of states) {
        if (st.queue.length >= maxQueue) {
          st.dropped++;
          continue;
        }
        st.queue.push(record);
        // PERF: the first record of a burst schedules one pump; the rest only push.
        if (!st.running && st.queue.length === 1) setImmediate(() => void pump(st));
      }
    },
    stats() {
      return Object.fromEntries(
        states.map((s) => [
          s.sink.name,
          { sent: s.sent, dropped: s.dropped, failures: s.failures, queued: s.queue.length },
        ]),
      );
    },
    async idle() {
      await Promise.all(
        states.map((st) =>
          st.queue.length === 0 && !st.running
            ? Promise.resolve()
            : new Promise<void>((resolve) => {
                st.waiters.push(resolve);
                void pump(st);
              }),
        ),
      );
    },
    async close() {
      await Promise.race([this.idle(), new Promise((r) => setTimeout(r, 2000).unref())]);
      closed = true;
      for (const st of states) {
        st.sink.writer.close?.();
        for (const w of st.waiters.splice(0)) w();
      }
    },
  };
}

/** A writer for a Node stream (stdout, or an append-only file), honouring backpressure. */
export function streamWriter(stream: NodeJS.WritableStream | WriteStream): SinkWriter & { close(): void } {
  return {
    write(lines) {
      return new Promise<void>((resolve, reject) => {
        stream.write(`${lines.join('\n')}\n`, (err) => (err ? reject(err) : resolve()));
      });
    },
    close() {
      if (stream !== process.stdout && stream !== process.stderr) stream.end();
    },
  };
}

/** A JSON-lines file sink (mode 0600, appended). */
export function fileWriter(path: string): SinkWriter & { close(): void } {
  return streamWriter(createWriteStream(path, { flags: 'a', mode: 0o600 }));
}
