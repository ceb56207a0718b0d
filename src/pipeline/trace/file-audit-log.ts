/**
 * The JSON-lines audit file. Every record reaches the OS (write(2)) before its decision is answered, so a
 * process crash loses nothing acknowledged. Records staged in the same turn of the event loop go out in
 * one write (group commit); fsync is batched every `fsyncIntervalMs` (0 = fsync before answering), which
 * bounds what a machine crash can lose. A write that fails is cut back off the file and its records are
 * unchained, so the file never holds a half record between whole ones. On open, a torn last line is
 * moved aside, reported, and recorded in the chain itself; the chain resumes from the last whole record.
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
import type { AuditEvent } from './audit-event.js';
import type { AppendedRecord, AuditLog, StagedRecord } from './audit-log.js';
import { chainRecord, GENESIS_HASH, recordHash } from './hash-chain.js';

export interface FileAuditLogOptions {
  readonly path: string;
  /** 0: fsync every record; otherwise the longest a record waits for fsync. Default 50 ms. */
  readonly fsyncIntervalMs?: number;
  /** Called with what recovery found, so the caller can log it. */
  readonly onRecovery?: (report: RecoveryReport) => void;
  readonly nowMs?: () => number;
  /** Called after each write(2) with how many records it carried (metrics; tests see the batching). */
  readonly onWrite?: (records: number) => void;
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

/** Opens (or creates) the audit file and returns an AuditLog appending to it. */
export function openFileAuditLog(options: FileAuditLogOptions): AuditLog {
  const fd = openSync(options.path, 'a+', 0o600);
  const tail = readTail(fd);
  let seq = tail.seq;
  let prev = tail.hash;
  let dirty = false;
  let closed = false;
  const now = options.nowMs ?? Date.now;

  const interval = options.fsyncIntervalMs ?? 50;
  const write = options.writeSyncForTests ?? writeSync;
  // Where the file ends after the last whole write: a failed write is cut back to here.
  let size = fstatSync(fd).size;
  // Set when a failed write could not be cut back: appending after a torn fragment would bury it.
  let broken: Error | null = null;

  // The staged batch: records already chained (seq and prev advanced) whose lines are not written yet.
  let pending = '';
  let pendingRecords = 0;
  let batchBase = { seq, hash: prev };
  let batch: { promise: Promise<void>; resolve: () => void; reject: (err: unknown) => void } | null = null;

  const usable = (): void => {
    if (closed) throw new Error('audit log is closed');
    if (broken !== null) throw broken;
  };

  /** Writes the staged lines plus `extra` in one write(2); on failure unchains all of them and throws. */
  const commit = (extra: string, extraRecords: number): void => {
    const text = pending + extra;
    const records = pendingRecords + extraRecords;
    const settled = batch;
    const base = batchBase;
    pending = '';
    pendingRecords = 0;
    batch = null;
    if (records === 0) return;
    const bytes = Buffer.from(text, 'utf8');
    let written = 0;
    try {
      while (written < bytes.length) written += write(fd, bytes, written, bytes.length - written);
      if (interval === 0) fsyncSync(fd);
    } catch (err) {
      seq = base.seq;
      prev = base.hash;
      // Cut back even when no byte was reported written: a failing device may have taken some.
      try {
        ftruncateSync(fd, size);
      } catch (cutErr) {
        broken = new Error(
          `audit log write failed and the file could not be cut back to its last whole record ` +
            `(${cutErr instanceof Error ? cutErr.message : String(cutErr)}); restart writ to recover the chain`,
        );
      }
      settled?.reject(err);
      throw err;
    }
    size += bytes.length;
    dirty = interval !== 0;
    options.onWrite?.(records);
    settled?.resolve();
  };

  const commitStaged = (): void => {
    try {
      commit('', 0);
    } catch {
      // Already reported to every staged caller through its `written` promise.
    }
  };

  const chainNext = (event: AuditEvent, timeMs: number): { rec: AppendedRecord; line: string } => {
    const { record, line } = chainRecord(prev, seq + 1, timeMs, event);
    seq = record.seq;
    prev = record.hash;
    return { rec: { seq: record.seq, prev: record.prev, hash: record.hash }, line };
  };

  const writeRecord = (event: AuditEvent, timeMs: number): AppendedRecord => {
    if (batch === null) batchBase = { seq, hash: prev };
    const { rec, line } = chainNext(event, timeMs);
    commit(line, 1);
    return rec;
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
          fdatasync(fd, (err) => {
            syncing = false;
            if (err) dirty = true; // retried on the next tick; the write itself already succeeded
          });
        }, interval)
      : null;
  timer?.unref();

  return {
    append(event, timeMs) {
      usable();
      return writeRecord(event, timeMs);
    },
    stage(event, timeMs): StagedRecord {
      usable();
      if (batch === null) {
        batchBase = { seq, hash: prev };
        let resolve!: () => void;
        let reject!: (err: unknown) => void;
        const promise = new Promise<void>((res, rej) => {
          resolve = res;
          reject = rej;
        });
        // Callers attach their own handlers; this one only keeps a failed batch from reading as unhandled.
        promise.catch(() => undefined);
        batch = { promise, resolve, reject };
        // Microtasks run after the turn's nextTick callbacks, where grpc-js hands over finished calls:
        // every decision of one socket read lands in this batch.
        queueMicrotask(commitStaged);
      }
      const { rec, line } = chainNext(event, timeMs);
      pending += line;
      pendingRecords++;
      return { record: rec, written: batch.promise };
    },
    head: () => ({ seq, hash: prev }),
    flush() {
      if (closed) return;
      commitStaged();
      fsyncSync(fd);
      dirty = false;
    },
    close() {
      if (closed) return;
      if (timer !== null) clearInterval(timer);
      commitStaged();
      closed = true;
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    },
  };
}
