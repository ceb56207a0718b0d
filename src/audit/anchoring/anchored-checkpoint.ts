/**
 * A signed checkpoint carried outside the audit log with the body a TSA imprinted and, when anchored, the
 * time-stamp: the part a fleet checkpoint (fleet-tree.ts) and an evidence seal (../evidence-seal.ts) share.
 * Its shape, its signature, its body and its time-stamp are checked here, once; what the head commits to
 * (a Merkle root of notes, a manifest of files) is each caller's.
 */
import type { KeyObject } from 'node:crypto';
import {
  checkpointBody,
  verifyCheckpointSignature,
  type CheckpointEvent,
} from '../../pipeline/audit-record/checkpoint.js';
import { TimestampError, verifyTimeStampToken } from './timestamp-token.js';

export interface AnchoredCheckpoint {
  readonly checkpoint: CheckpointEvent;
  /** The checkpoint body the time-stamp covers (`checkpointBody` of the checkpoint). */
  readonly body: string;
  /** base64 DER TimeStampToken over `body`, and its genTime (ISO); both absent when not anchored. */
  readonly tst?: string;
  readonly genTime?: string;
}

/** Why an anchored checkpoint does not verify; each caller may name `bad-body` and `no-timestamp` its own way. */
export type AnchorProblem = 'unknown-key' | 'bad-signature' | 'bad-body' | 'no-timestamp' | 'bad-timestamp';

export interface AnchorFailure<P extends AnchorProblem = AnchorProblem> {
  readonly ok: false;
  readonly problem: P;
  readonly detail: string;
}

const str = (v: unknown): v is string => typeof v === 'string';

/** What is wrong with the `checkpoint`, `body`, `tst` and `genTime` fields of parsed JSON, or null. */
export function anchoredCheckpointShapeProblem(v: Readonly<Record<string, unknown>>): string | null {
  const c = v['checkpoint'] as Record<string, unknown> | undefined;
  if (
    typeof c !== 'object' ||
    c === null ||
    c['type'] !== 'audit.checkpoint' ||
    !str(c['origin']) ||
    !Number.isSafeInteger(c['size']) ||
    !str(c['head']) ||
    !str(c['kid']) ||
    !str(c['sig'])
  )
    return '"checkpoint" is not a signed checkpoint';
  if (!str(v['body'])) return '"body" is missing';
  if ((v['tst'] !== undefined && !str(v['tst'])) || (v['genTime'] !== undefined && !str(v['genTime'])))
    return '"tst" and "genTime" must be strings';
  return null;
}

/**
 * The checkpoint is signed by one of `keys` and `body` is that checkpoint's body (so a time-stamp over the
 * body covers the signed head). `what` names the object in the details ("the seal").
 */
export function checkSignedCheckpoint(
  a: AnchoredCheckpoint,
  keys: ReadonlyMap<string, KeyObject>,
  what: string,
): AnchorFailure<'unknown-key' | 'bad-signature' | 'bad-body'> | null {
  const cp = a.checkpoint;
  const key = keys.get(cp.kid);
  if (key === undefined)
    return fail('unknown-key', `${what} is signed by key "${cp.kid}", not one of the keys given`);
  if (!verifyCheckpointSignature(cp, key)) return fail('bad-signature', `${what} signature does not verify`);
  // SECURITY: the time-stamped body must be the signed checkpoint, or parts swapped between two anchored
  // checkpoints would each verify.
  if (a.body !== checkpointBody(cp.origin, cp.size, cp.head))
    return fail('bad-body', 'the time-stamped body is not the signed checkpoint');
  return null;
}

/**
 * The time-stamp over the body, under the TSA root `tsaCaPem`: its genTime (ISO), or why it fails. Without
 * a root nothing is checked (null genTime); with one, a missing time-stamp fails.
 */
export async function checkAnchor(
  a: AnchoredCheckpoint,
  tsaCaPem: string | undefined,
  what: string,
): Promise<
  { readonly ok: true; readonly timestamped: string | null } | AnchorFailure<'no-timestamp' | 'bad-timestamp'>
> {
  if (tsaCaPem === undefined) return { ok: true, timestamped: null };
  if (a.tst === undefined) return fail('no-timestamp', `${what} carries no time-stamp`);
  let timestamped: string;
  try {
    const v = await verifyTimeStampToken(Buffer.from(a.tst, 'base64'), {
      data: Buffer.from(a.body, 'utf8'),
      trustedCaPem: tsaCaPem,
    });
    timestamped = v.genTime.toISOString();
  } catch (err) {
    if (!(err instanceof TimestampError)) throw err;
    return fail('bad-timestamp', `${err.problem}: ${err.message}`);
  }
  if (a.genTime !== timestamped)
    return fail('bad-timestamp', `genTime ${a.genTime ?? ''} is not the token's ${timestamped}`);
  return { ok: true, timestamped };
}

function fail<P extends AnchorProblem>(problem: P, detail: string): AnchorFailure<P> {
  return { ok: false, problem, detail };
}
