/**
 * `writ audit note FILE --keys JWKS|PEM [--seq N]`: exports a checkpoint of an audit log as a C2SP signed
 * note, the form `writ audit verify --checkpoint` and outside witnesses take. The log is verified first
 * (links, checkpoint signatures): a note is never exported from a log that does not verify.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import {
  checkpointNote,
  verifyCheckpointSignature,
  type CheckpointEvent,
} from '../pipeline/audit-record/checkpoint.js';
import { loadPublicKeys, verifyAuditFile } from './verify-file.js';

export interface AuditNoteFlags {
  /** Public keys (JWKS or PEM) the checkpoints are signed with; required: a note names its key. */
  readonly keys: string;
  /** The seq of the checkpoint record to export; default the last checkpoint. */
  readonly seq?: number;
}

/** The checkpoint event at record `seq`, or the last one when `seq` is undefined; null if none. */
async function findCheckpoint(path: string, seq: number | undefined): Promise<CheckpointEvent | null> {
  let found: CheckpointEvent | null = null;
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of lines) {
    // The log verified just before: every line parses, and checkpoint events have their fields.
    if (!line.includes('"audit.checkpoint"')) continue;
    const record = JSON.parse(line) as { seq: number; event: { type?: unknown } };
    if (record.event.type !== 'audit.checkpoint') continue;
    if (seq === undefined || record.seq === seq) found = record.event as CheckpointEvent;
    if (seq !== undefined && record.seq === seq) break;
  }
  return found;
}

/** Runs the command; returns the exit code (0 note printed, 1 no such checkpoint or the log is bad, 2 bad input). */
export async function runAuditNote(
  path: string,
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
  flags: AuditNoteFlags,
): Promise<number> {
  let keys;
  try {
    keys = loadPublicKeys(flags.keys);
  } catch (e) {
    err.write(`writ audit note: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  let verdict;
  try {
    verdict = await verifyAuditFile(path, { keys });
  } catch (e) {
    err.write(`writ audit note: cannot read "${path}": ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  if (!verdict.ok) {
    const bad = verdict.firstBad!;
    err.write(
      `writ audit note: the log does not verify (line ${bad.line}, ${bad.problem}: ${bad.detail}); no note exported\n`,
    );
    return 1;
  }
  const event = await findCheckpoint(path, flags.seq);
  if (event === null) {
    err.write(
      `writ audit note: no checkpoint ${flags.seq === undefined ? 'in the log' : `at seq ${flags.seq}`}\n`,
    );
    return 1;
  }
  const key = keys.get(event.kid);
  // SECURITY: verified again here, not trusted from the pass above: the note carries this signature.
  if (key === undefined || !verifyCheckpointSignature(event, key)) {
    err.write(
      `writ audit note: checkpoint of size ${event.size} is signed by a key not in "${flags.keys}"\n`,
    );
    return 1;
  }
  out.write(checkpointNote(event, key));
  return 0;
}
