/** The audit log interface the pipeline appends to; a failed append makes the decision a deny. */
import type { AuditEvent } from './audit-event.js';

export interface AppendedRecord {
  readonly seq: number;
  readonly prev: string;
  readonly hash: string;
}

/** A record chained now and written with the others staged in the same turn of the event loop. */
export interface StagedRecord {
  readonly record: AppendedRecord;
  /**
   * Settles once the OS has the record; rejects if its batch could not be written, in which case no
   * record of that batch is in the chain (the head is rolled back to before it).
   */
  readonly written: Promise<void>;
}

/** An append-only, hash-chained decision log. */
export interface AuditLog {
  /** Chains and writes one record; returns only once the OS has it (and every record staged before it). */
  append(event: AuditEvent, timeMs: number): AppendedRecord;
  /**
   * Group commit: chains the record at once and writes it together with every record staged in the same
   * turn, in one write(2). The caller answers only after `written` settles. Absent: use `append`.
   */
  stage?(event: AuditEvent, timeMs: number): StagedRecord;
  /** The last record's seq and hash (seq 0 and the genesis hash for an empty log), staged ones included. */
  head(): { readonly seq: number; readonly hash: string };
  /** Forces buffered records to stable storage. */
  flush(): void;
  close(): void;
}
