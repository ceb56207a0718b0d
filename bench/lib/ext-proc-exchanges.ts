/**
 * The exchanges the ext_proc bench sends (bench/ext-proc.bench.ts): MCP `tools/call` results with text
 * content of 1, 4, 16 and 64 KiB as buffered JSON-RPC, and one of 16 KiB framed as a server-sent event and
 * streamed in 4 KiB chunks. Each comes in several variants, so no memo sees the same bytes twice in a row.
 * Their SHA-256 goes into the bench's report, so a committed report can be checked against what the bench
 * sends today (test/docs/performance-doc.test.ts).
 */
import { createHash } from 'node:crypto';
import type { ExchangeShape } from './ext-proc-load.js';

export const JSON_SIZES_KIB: readonly number[] = [1, 4, 16, 64];
export const SSE_KIB = 16;
export const SSE_CHUNK_BYTES = 4096;
/** The result size whose added latency is measured at a fixed rate. */
export const OPEN_LOOP_KIB = 16;
export const VARIANTS = 16;
/** An MCP server the default pack's `mcp_endpoints` name, so its answers are read as MCP. */
const SERVER = 'reviews.tools.svc.cluster.local';

/** Benign tool output: shop and shipping notes, with no address, credential or instruction in them. */
const SENTENCES = [
  'Order {n} left the Rotterdam warehouse on day {d} with {k} parcels.',
  'The reviewer rated the kettle {k} of 5 and said it boils quickly but the lid sticks.',
  'Battery life held for {d} hours of mixed use in the second test cycle.',
  'A customer asked whether the blue model ships in recycled packaging.',
  'The sample weighed {n} grams, slightly above the listed weight.',
  'Delivery was delayed by rain near the depot and arrived a day later than planned.',
  'Store {k} reported steady sales of the travel mug through the autumn season.',
  'The quarterly summary shows returns fell to {k} in every hundred units.',
  'Reviewers liked the soft grip of the handle and the quiet motor.',
  'The green variant sold out in two regions before the end of the month.',
];

/** About `bytes` of prose, varied by `seed`. */
function prose(bytes: number, seed: number): string {
  let out = '';
  for (let i = 0; out.length < bytes; i++) {
    const s = SENTENCES[(i + seed) % SENTENCES.length]!;
    out += `${s
      .replace('{n}', String(100 + ((i * 37 + seed * 11) % 900)))
      .replace('{d}', String(1 + ((i + seed) % 28)))
      .replace('{k}', String(1 + ((i * 7 + seed) % 9)))} `;
    if (i % 6 === 5) out += '\n';
  }
  return out.slice(0, bytes);
}

/** A JSON-RPC tools/call result of at most `bytes` bytes in all (and within a few of it), text content. */
function toolResult(bytes: number, seed: number, id: number): string {
  const shell = (text: string) =>
    JSON.stringify({ jsonrpc: '2.0', id, result: { content: [{ type: 'text', text }], isError: false } });
  let text = prose(bytes - Buffer.byteLength(shell('')), seed);
  // JSON escapes (the newlines) make the body longer than its text: trim until it fits.
  while (Buffer.byteLength(shell(text)) > bytes) text = text.slice(0, -1);
  return shell(text);
}

function exchange(body: string, id: number, events: boolean): ExchangeShape {
  const bytes = Buffer.from(body, 'utf8');
  const chunks: Buffer[] = [];
  if (events)
    for (let i = 0; i < bytes.length; i += SSE_CHUNK_BYTES)
      chunks.push(bytes.subarray(i, i + SSE_CHUNK_BYTES));
  else chunks.push(bytes);
  return {
    requestHeaders: {
      ':method': 'POST',
      ':authority': SERVER,
      ':scheme': 'https',
      ':path': '/mcp',
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-session-id': 'bench-session-1',
    },
    requestBody: Buffer.from(
      JSON.stringify({
        jsonrpc: '2.0',
        id,
        method: 'tools/call',
        params: { name: 'search_reviews', arguments: { product: 'travel kettle', limit: 50 } },
      }),
    ),
    responseHeaders: { ':status': '200', 'content-type': events ? 'text/event-stream' : 'application/json' },
    responseChunks: chunks,
  };
}

/** One kind of result the bench sends, in its variants. */
export interface ResultShape {
  readonly name: string;
  /** The result's size as the upstream sends it, in KiB. */
  readonly kib: number;
  readonly events: boolean;
  readonly variants: readonly ExchangeShape[];
}

/** Every shape the bench measures: the JSON sizes, then the event stream. */
export function resultShapes(): ResultShape[] {
  const json = JSON_SIZES_KIB.map((kib) => ({
    name: `JSON ${kib} KiB`,
    kib,
    events: false,
    variants: Array.from({ length: VARIANTS }, (_, v) =>
      exchange(toolResult(kib * 1024, v, 7 + v), 7 + v, false),
    ),
  }));
  const frame = (data: string) => `event: message\ndata: ${data}\n\n`;
  const sse: ResultShape = {
    name: `SSE ${SSE_KIB} KiB`,
    kib: SSE_KIB,
    events: true,
    // The event's framing counts in its size: the data line is sized so the whole stream is SSE_KIB KiB.
    variants: Array.from({ length: VARIANTS }, (_, v) =>
      exchange(frame(toolResult(SSE_KIB * 1024 - Buffer.byteLength(frame('')), v, 7 + v)), 7 + v, true),
    ),
  };
  return [...json, sse];
}

/** SHA-256 over every exchange as sent: headers, request body, response chunks, in order. */
export function exchangesSha256(all: readonly ResultShape[]): string {
  const h = createHash('sha256');
  for (const s of all)
    for (const v of s.variants) {
      h.update(JSON.stringify([v.requestHeaders, v.responseHeaders, v.responseChunks.map((c) => c.length)]));
      h.update(v.requestBody);
      for (const c of v.responseChunks) h.update(c);
    }
  return h.digest('hex');
}
