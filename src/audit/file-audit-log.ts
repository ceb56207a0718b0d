/**
 * The JSON-lines audit file. Each record is written with one write(2) before its decision is answered, so
 * a process crash loses nothing acknowledged; fsync is batched every `fsyncIntervalMs` (0 = fsync every
 * record), which bounds what a machine crash can lose. A write that fails is cut back off the file and
 * the head stays put, so the file never holds a half record between whole ones. On open, a torn last
 * line is moved aside, reported, and recorded in the chain itself; the chain resumes from the last whole
 * record. (Group commit, one write per event-loop turn, was measured and dropped: docs/performance-budget.md.)
 */
import {
  closeSync,
  fdatasync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { AuditEvent } from '../pipeline/audit-record/audit-event.js';
import type { AppendedRecord, AuditLog } from '../pipeline/audit-record/audit-log.js';
import { chainRecord, GENESIS_HASH, recordHash } from '../pipeline/audit-record/hash-chain.js';
import { IsoTime } from '../pipeline/audit-record/iso-time.js';

export interface FileAuditLogOptions {
  readonly path: string;
  /** 0: fsync every record; otherwise the longest a record waits for fsync. Default 50 ms. */
  readonly fsyncIntervalMs?: number;
  /** Called with what recovery found, so the caller can log it. */
  readonly onRecovery?: (report: RecoveryReport) => void;
  readonly nowMs?: () => number;
  /**
   * Fault injection for tests only: stands in for fs.writeSync, to produce a partial write followed by
   * an error, which no real file here can be made to do on demand.
   */
  readonly writeSyncForTests?: typeof writeSync;
}

export interface RecoveryReport {
  readonly tornBytes: number;
  readonly tornSha256: string;
  readonly movedTo: string;
  readonly resumedAtSeq: number;
}

const TAIL_WINDOW = 1 << 20;

interface Tail {
  readonly seq: number;
  readonly hash: string;
  /** Bytes after the last newline: a torn write. */
  readonly tornOffset: number | null;
}

/** Reads the end of the file to find the last whole record, without reading the whole log. */
function readTail(fd: number): Tail {
  const size = fstatSync(fd).size;
  if (size === 0) return { seq: 0, hash: GENESIS_HASH, tornOffset: null };
  const start = Math.max(0, size - TAIL_WINDOW);
  const buf = Buffer.alloc(size - start);
  readSync(fd, buf, 0, buf.length, start);
  const lastNewline = buf.lastIndexOf(0x0a);
  const tornOffset = lastNewline === buf.length - 1 ? null : start + lastNewline + 1;
  if (lastNewline === -1) {
    if (start === 0) return { seq: 0, hash: GENESIS_HASH, tornOffset: 0 };
    throw new Error('audit log tail has no complete record within 1 MiB');
  }
  const prevNewline = buf.lastIndexOf(0x0a, lastNewline - 1);
  const line = buf.subarray(prevNewline + 1, lastNewline).toString('utf8');
  const record = JSON.parse(line) as {
    seq: number;
    time: string;
    prev: string;
    event: unknown;
    hash: string;
  };
  // SECURITY: refuse to extend a chain whose last record does not verify; resuming would launder it.
  if (recordHash(record.seq, record.time, record.prev, record.event) !== record.hash) {
    throw new Error(
      `audit log last record (seq ${record.seq}) does not match its hash; run "writ audit verify"`,
    );
  }
  return { seq: record.seq, hash: record.hash, tornOffset };
}

/** What the audit file has done since it was opened, for /metrics (all counts are cumulative). */
export interface FileAuditStats {
  /** Records written with their one write(2). */
  readonly appends: number;
  /** Bytes of those records. */
  readonly appendBytes: number;
  /** Appends that failed (each one a decision turned into ERR_AUDIT_WRITE). */
  readonly appendFailures: number;
  /** fsync/fdatasync calls that completed, batched or per record. */
  readonly fsyncs: number;
  /** fsync/fdatasync calls that failed (retried on the next tick). */
  readonly fsyncFailures: number;
  /** Seconds spent in those calls, summed. */
  readonly fsyncSeconds: number;
  /** When the last fsync completed (ms since the epoch), null before the first. */
  readonly lastFsyncMs: number | null;
}

/** The audit file's AuditLog, with its counters. */
export interface FileAuditLog extends AuditLog {
  stats(): FileAuditStats;
}

/** Opens (or creates) the audit file and returns an AuditLog appending to it. */
export function openFileAuditLog(options: FileAuditLogOptions): FileAuditLog {
  const fd = openSync(options.path, 'a+', 0o600);
  const tail = readTail(fd);
  let seq = tail.seq;
  let prev = tail.hash;
  let dirty = false;
  let closed = false;
  const now = options.nowMs ?? Date.now;
  // This log's own time formatter: its per-second cache belongs to the log, not to a module.
  const clock = new IsoTime();

  const interval = options.fsyncIntervalMs ?? 50;
  const write = options.writeSyncForTests ?? writeSync;
  const stats = {
    appends: 0,
    appendBytes: 0,
    appendFailures: 0,
    fsyncs: 0,
    fsyncFailures: 0,
    fsyncSeconds: 0,
    lastFsyncMs: null as number | null,
  };
  /** A synchronous fsync, counted (a failure still throws to the caller). */
  const syncNow = (): void => {
    const started = performance.now();
    try {
      fsyncSync(fd);
    } catch (err) {
      stats.fsyncFailures++;
      throw err;
    }
    stats.fsyncs++;
    stats.fsyncSeconds += (performance.now() - started) / 1000;
    stats.lastFsyncMs = now();
  };
  // Where the file ends after the last whole write: a failed write is cut back to here.
  let size = fstatSync(fd).size;
  // Set when a failed write could not be cut back: appending after a torn fragment would bury it.
  let broken: Error | null = null;

  const usable = (): void => {
    if (closed) throw new Error('audit log is closed');
    if (broken !== null) throw broken;
  };

  /**
   * Chains and writes one record with one write(2). On failure the head stays where it was and the file
   * is cut back to its last whole record, so the next record links to what is on disk; then it throws.
   */
  const writeRecord = (event: AuditEvent, timeMs: number): AppendedRecord => {
    const { record, line } = chainRecord(prev, seq + 1, timeMs, event, clock);
    const bytes = Buffer.from(line, 'utf8');
    let written = 0;
    try {
      while (written < bytes.length) written += write(fd, bytes, written, bytes.length - written);
      if (interval === 0) syncNow();
    } catch (err) {
      stats.appendFailures++;
      // Cut back even when no byte was reported written: a failing device may have taken some.
      try {
        ftruncateSync(fd, size);
      } catch (cutErr) {
        broken = new Error(
          `audit log write failed and the file could not be cut back to its last whole record ` +
            `(${cutErr instanceof Error ? cutErr.message : String(cutErr)}); restart writ to recover the chain`,
        );
      }
      throw err;
    }
    size += bytes.length;
    stats.appends++;
    stats.appendBytes += bytes.length;
    seq = record.seq;
    prev = record.hash;
    dirty = interval !== 0;
    return { seq: record.seq, prev: record.prev, hash: record.hash };
  };

  if (tail.tornOffset !== null) {
    const torn = Buffer.alloc(size - tail.tornOffset);
    readSync(fd, torn, 0, torn.length, tail.tornOffset);
    const movedTo = `${options.path}.torn-${now()}`;
    writeFileSync(movedTo, torn, { mode: 0o600 });
    ftruncateSync(fd, tail.tornOffset);
    size = tail.tornOffset;
    const tornSha256 = createHash('sha256').update(torn).digest('hex');
    writeRecord(
      {
        type: 'audit.recovered-torn-tail',
        torn_bytes: torn.length,
        torn_sha256: tornSha256,
        moved_to: movedTo,
      },
      now(),
    );
    fsyncSync(fd);
    options.onRecovery?.({ tornBytes: torn.length, tornSha256, movedTo, resumedAtSeq: seq });
  }

  // The batched fsync runs off the event loop (fdatasync on the libuv pool): decisions are answered
  // after write(2), so a blocking fsync here would only stall every call in flight.
  let syncing = false;
  const timer =
    interval > 0
      ? setInterval(() => {
          if (!dirty || syncing) return;
          dirty = false;
          syncing = true;
          const started = performance.now();
          fdatasync(fd, (err) => {
            syncing = false;
            if (err) {
              stats.fsyncFailures++;
              dirty = true; // retried on the next tick; the write itself already succeeded
              return;
            }
            stats.fsyncs++;
            stats.fsyncSeconds += (performance.now() - started) / 1000;
            stats.lastFsyncMs = now();
          });
        }, interval)
      : null;
  timer?.unref();

  return {
    append(event, timeMs) {
      usable();
      return writeRecord(event, timeMs);
    },
    head: () => ({ seq, hash: prev }),
    flush() {
      if (closed) return;
      syncNow();
      dirty = false;
    },
    stats: () => ({ ...stats }),
    close() {
      if (closed) return;
      if (timer !== null) clearInterval(timer);
      closed = true;
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    },
  };
}
