/**
 * Offline check of a fleet checkpoint (src/anchoring/fleet-tree.ts) and one replica note's place in it:
 * the fleet signature, the Merkle root recomputed from the leaves, the note's inclusion proof, and the
 * fleet's RFC 3161 time-stamp. The note's own signature is the caller's to check (parseCheckpointNote).
 */
import type { KeyObject } from 'node:crypto';
import { anchoredCheckpointShapeProblem, checkAnchor, checkSignedCheckpoint } from './anchored-checkpoint.js';
import { noteInFleet, treeHash, type FleetCheckpoint } from './fleet-tree.js';

export type FleetProblem =
  'bad-shape' | 'unknown-key' | 'bad-signature' | 'bad-root' | 'not-included' | 'bad-timestamp';

export type FleetVerdict =
  | {
      readonly ok: true;
      /** The note's leaf index. */
      readonly index: number;
      readonly size: number;
      /** The time-stamp's genTime when one was checked (ISO), else null. */
      readonly timestamped: string | null;
    }
  | { readonly ok: false; readonly problem: FleetProblem; readonly detail: string };

export interface FleetVerifyOptions {
  /** Public keys that may sign fleet checkpoints, by kid. */
  readonly fleetKeys: ReadonlyMap<string, KeyObject>;
  /** The TSA root CA (PEM); without it the time-stamp is not checked (and `timestamped` is null). */
  readonly tsaCaPem?: string;
}

const str = (v: unknown): v is string => typeof v === 'string';
const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every(str);

/** Narrows parsed JSON to a FleetCheckpoint, or says what is wrong with it. */
export function fleetCheckpointOf(value: unknown): FleetCheckpoint | string {
  if (typeof value !== 'object' || value === null) return 'not a JSON object';
  const v = value as Record<string, unknown>;
  if (!strings(v['leaves'])) return '"leaves" is not a list of notes';
  if (!Array.isArray(v['proofs']) || !v['proofs'].every(strings))
    return '"proofs" is not a list of hash lists';
  return anchoredCheckpointShapeProblem(v) ?? (value as FleetCheckpoint);
}

/** Checks the fleet checkpoint and that `note` (its exact text) is one of its leaves. */
export async function verifyFleetInclusion(
  fleet: FleetCheckpoint,
  note: string,
  opts: FleetVerifyOptions,
): Promise<FleetVerdict> {
  const fail = (problem: FleetProblem, detail: string): FleetVerdict => ({ ok: false, problem, detail });
  const cp = fleet.checkpoint;
  const signed = checkSignedCheckpoint(fleet, opts.fleetKeys, 'the fleet checkpoint');
  if (signed !== null)
    return fail(signed.problem === 'bad-body' ? 'bad-root' : signed.problem, signed.detail);
  // The signed head must be the root of exactly these leaves.
  if (cp.size !== fleet.leaves.length)
    return fail('bad-root', `size ${cp.size} but ${fleet.leaves.length} leaves`);
  const root = treeHash(fleet.leaves.map((l) => Buffer.from(l, 'utf8'))).toString('hex');
  if (root !== cp.head) return fail('bad-root', 'the leaves do not hash to the signed root');
  const index = fleet.leaves.indexOf(note);
  if (index === -1) return fail('not-included', 'the note is not a leaf of this fleet checkpoint');
  if (!noteInFleet(note, fleet, index))
    return fail('not-included', `the inclusion proof of leaf ${index} does not lead to the root`);
  const anchor = await checkAnchor(fleet, opts.tsaCaPem, 'the fleet checkpoint');
  if (!anchor.ok) return fail('bad-timestamp', anchor.detail);
  return { ok: true, index, size: cp.size, timestamped: anchor.timestamped };
}
