/** The audit log interface the pipeline appends to; a failed append makes the decision a deny. */
import type { AuditEvent } from './audit-event.js';

export interface AppendedRecord {
  readonly seq: number;
  readonly prev: string;
  readonly hash: string;
}

/** An append-only, hash-chained decision log. */
export interface AuditLog {
  /** Chains and writes one record; returns only once the OS has it. */
  append(event: AuditEvent, timeMs: number): AppendedRecord;
  /** The last record's seq and hash (seq 0 and the genesis hash for an empty log). */
  head(): { readonly seq: number; readonly hash: string };
  /** Forces buffered records to stable storage. */
  flush(): void;
  close(): void;
}
