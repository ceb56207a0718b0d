/**
 * Server-sent events (`text/event-stream`) read event by event from a body that arrives in chunks, so each
 * event can be inspected before the agent sees it. At most one event is held: an event larger than the
 * bound, bytes that are not UTF-8, or a stream that ends inside an event cannot be read, and throw.
 */
import { WritError } from '../errors.js';

/** One complete event: its text as it is passed on (line ends written `\n`) and its joined `data` lines. */
export interface SseEvent {
  readonly text: string;
  /** The `data` lines joined with `\n` (the spec's data buffer); null for an event with none (a comment). */
  readonly data: string | null;
}

/** The `data` of one event's lines, as the EventSource spec joins them; null without a data line. */
function dataOf(lines: readonly string[]): string | null {
  let data: string[] | null = null;
  for (const line of lines) {
    if (line === 'data' || line.startsWith('data:'))
      (data ??= []).push(line.startsWith('data: ') ? line.slice(6) : line.slice(5));
  }
  return data === null ? null : data.join('\n');
}

/** Reads one event stream chunk by chunk; one reader per response. */
export class SseReader {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  /** The text of the event not yet complete, line ends already made `\n`. */
  private pending = '';
  /** A `\r` that ended the last chunk: a `\n` starting the next one belongs to it. */
  private carriageReturn = false;

  constructor(private readonly maxEventBytes: number) {}

  /**
   * The events a chunk completes. Throws ERR_RESPONSE_UNREADABLE for bytes that are not UTF-8 or a stream
   * that ends inside an event, ERR_RESPONSE_EVENT_TOO_LARGE when one event outgrows the bound.
   */
  push(chunk: Uint8Array, end: boolean): SseEvent[] {
    let text: string;
    try {
      text = this.decoder.decode(chunk, { stream: !end });
    } catch {
      throw new WritError('ERR_RESPONSE_UNREADABLE', 'the event stream is not valid UTF-8');
    }
    // CRLF, CR and LF all end a line (the spec); a CR at a chunk's end may be the first half of a CRLF.
    if (this.carriageReturn && text.startsWith('\n')) text = text.slice(1);
    this.carriageReturn = text.endsWith('\r');
    this.pending += text.replace(/\r\n?/g, '\n');
    const out: SseEvent[] = [];
    let at = this.pending.indexOf('\n\n');
    while (at !== -1) {
      const block = this.pending.slice(0, at);
      this.pending = this.pending.slice(at + 2);
      // A stray blank line (the pending text starting with `\n`) dispatches nothing.
      if (block !== '') out.push({ text: `${block}\n\n`, data: dataOf(block.split('\n')) });
      at = this.pending.indexOf('\n\n');
    }
    if (this.pending === '\n') this.pending = '';
    // SECURITY: an event is inspected whole or not passed at all; one that outgrows the bound is refused
    // rather than forwarded in pieces writ never read together.
    if (this.pending.length > this.maxEventBytes || Buffer.byteLength(this.pending) > this.maxEventBytes)
      throw new WritError(
        'ERR_RESPONSE_EVENT_TOO_LARGE',
        `an event in the stream is larger than ${this.maxEventBytes} bytes`,
      );
    if (end && this.pending.trim() !== '') {
      // The spec drops an unterminated last event; writ refuses to guess whether the client does too.
      throw new WritError('ERR_RESPONSE_UNREADABLE', 'the event stream ends inside an event');
    }
    return out;
  }
}
