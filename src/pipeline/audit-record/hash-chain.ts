/**
 * The SHA-256 hash chain: each JSON line holds `seq`, `time`, `prev` (the previous record's hash), the
 * `event`, and `hash` = SHA-256 over the RFC 8785 serialization of the other four fields.
 */
import { hash as digest } from 'node:crypto';
import { canonicalJson } from '../bind/canonical-json.js';
import type { IsoTime } from './iso-time.js';
import { isJsonObject, type JsonValue } from '../model/json.js';
import type { AuditEvent } from './audit-event.js';

/** The `prev` of the first record. */
export const GENESIS_HASH = '0'.repeat(64);

export interface AuditRecord {
  readonly seq: number;
  readonly time: string;
  readonly prev: string;
  readonly event: AuditEvent | JsonValue;
  readonly hash: string;
}

/** The RFC 8785 bytes a record's hash covers (also what a checkpoint's time-stamp imprints). */
export function recordBody(seq: number, time: string, prev: string, event: unknown): string {
  return canonicalJson({ event, prev, seq, time });
}

/** The hash a record must carry, computed from its other fields. */
export function recordHash(seq: number, time: string, prev: string, event: unknown): string {
  return digest('sha256', recordBody(seq, time, prev, event), 'hex');
}

/**
 * Builds the next record and its JSON line (canonical, newline-terminated). The event is serialized
 * once; the hashed body and the line are assembled around it in RFC 8785 key order
 * (`event`, `hash`, `prev`, `seq`, `time`), which is what `recordHash` and the verifier recompute.
 * `clock` is the log's own time formatter (faster, same text); without it Date writes the time.
 */
export function chainRecord(
  prev: string,
  seq: number,
  timeMs: number,
  event: AuditEvent,
  clock?: IsoTime,
): { record: AuditRecord; line: string } {
  const time = clock === undefined ? new Date(timeMs).toISOString() : clock.format(timeMs);
  const eventJson = canonicalJson(event);
  const tail = `"prev":"${prev}","seq":${seq},"time":"${time}"}`;
  const hash = digest('sha256', `{"event":${eventJson},${tail}`, 'hex');
  const record: AuditRecord = { seq, time, prev, event, hash };
  return { record, line: `{"event":${eventJson},"hash":"${hash}",${tail}\n` };
}

export type ChainProblem =
  | 'unparseable'
  | 'torn-last-line'
  | 'bad-shape'
  | 'bad-sequence'
  | 'broken-link'
  | 'bad-hash'
  // Found by the checkpoint layer (checkpoint-verify.ts) on a record whose link and hash are fine.
  | 'bad-checkpoint'
  | 'unknown-key'
  | 'bad-key-event'
  | 'bad-anchor'
  | 'missing-checkpoint';

export interface ChainVerdict {
  readonly ok: boolean;
  /** Records that verified before the first problem. */
  readonly records: number;
  readonly lastHash: string;
  readonly firstBad?: { readonly line: number; readonly problem: ChainProblem; readonly detail: string };
}

/** Incremental chain checker: feed lines in order; the first problem names its line and stops it. */
export class ChainVerifier {
  private expectedSeq = 1;
  private prev = GENESIS_HASH;
  private prevBefore = GENESIS_HASH;
  private lineNo = 0;
  private bad: ChainVerdict['firstBad'];

  /** Feeds one line (without its newline). Returns false once a problem has been found. */
  push(line: string): boolean {
    return this.pushRecord(line) !== null;
  }

  /** Like push, but returns the verified record (null once a problem has been found). */
  pushRecord(line: string): AuditRecord | null {
    if (this.bad !== undefined) return null;
    this.lineNo++;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      return this.fail('unparseable', 'line is not JSON');
    }
    if (!isJsonObject(parsed as JsonValue)) return this.fail('bad-shape', 'record is not an object');
    const r = parsed as Record<string, unknown>;
    if (
      typeof r['seq'] !== 'number' ||
      typeof r['time'] !== 'string' ||
      typeof r['prev'] !== 'string' ||
      typeof r['hash'] !== 'string' ||
      !('event' in r)
    ) {
      return this.fail('bad-shape', 'record lacks seq, time, prev, event or hash');
    }
    if (Object.keys(r).length !== 5) return this.fail('bad-shape', 'record has extra fields');
    if (r['seq'] !== this.expectedSeq)
      return this.fail('bad-sequence', `expected seq ${this.expectedSeq}, found ${String(r['seq'])}`);
    if (r['prev'] !== this.prev)
      return this.fail('broken-link', `prev does not match the hash of record ${this.expectedSeq - 1}`);
    const expected = recordHash(r['seq'], r['time'], r['prev'], r['event']);
    if (expected !== r['hash']) return this.fail('bad-hash', 'hash does not match the record content');
    this.prevBefore = this.prev;
    this.prev = expected;
    this.expectedSeq++;
    return r as unknown as AuditRecord;
  }

  /** Marks the final line as torn (the file did not end with a newline). */
  tornTail(): void {
    if (this.bad === undefined) {
      this.lineNo++;
      this.fail('torn-last-line', 'the last line is incomplete (no trailing newline): a write was cut short');
    }
  }

  /** Marks the line just pushed as bad for a reason beyond the link (a checkpoint or anchor problem). */
  reject(problem: ChainProblem, detail: string): void {
    if (this.bad === undefined) {
      this.fail(problem, detail);
      // The rejected record does not count as verified.
      this.expectedSeq--;
      this.prev = this.prevBefore;
    }
  }

  /** Fails after the last line (e.g. the log ends before a checkpoint it must contain). */
  rejectAtEnd(problem: ChainProblem, detail: string): void {
    if (this.bad === undefined) {
      this.lineNo++;
      this.fail(problem, detail);
    }
  }

  result(): ChainVerdict {
    const base = { ok: this.bad === undefined, records: this.expectedSeq - 1, lastHash: this.prev };
    return this.bad === undefined ? base : { ...base, firstBad: this.bad };
  }

  private fail(problem: ChainProblem, detail: string): null {
    this.bad = { line: this.lineNo, problem, detail };
    return null;
  }
}

/** Verifies a whole log held in memory (tests, small files); the CLI streams instead. */
export function verifyChainText(text: string): ChainVerdict {
  const verifier = new ChainVerifier();
  if (text.length === 0) return verifier.result();
  const torn = !text.endsWith('\n');
  const lines = text.split('\n');
  if (!torn) lines.pop();
  const last = torn ? lines.pop() : undefined;
  for (const line of lines) if (!verifier.push(line)) break;
  if (last !== undefined) verifier.tornTail();
  return verifier.result();
}
