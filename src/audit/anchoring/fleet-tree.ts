/**
 * One time-stamp for the fleet: the replicas' checkpoint notes of an interval become the leaves of an
 * RFC 6962 Merkle tree, whose root is signed as a C2SP checkpoint (here a real tree root) and anchored
 * once. Each replica keeps an inclusion proof for its own checkpoint.
 */
import { createHash } from 'node:crypto';
import type { Signer } from '../../keys/signer.js';
import {
  checkpointBody,
  makeCheckpoint,
  type CheckpointEvent,
} from '../../pipeline/audit-record/checkpoint.js';
import type { TimestampAuthority } from '../checkpointer.js';

const sha256 = (...parts: Uint8Array[]): Buffer => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};

/** RFC 6962 §2.1 leaf hash: SHA-256(0x00 || data). */
export const leafHash = (data: Uint8Array): Buffer => sha256(Buffer.of(0x00), data);
/** RFC 6962 §2.1 interior node: SHA-256(0x01 || left || right). */
export const nodeHash = (left: Uint8Array, right: Uint8Array): Buffer => sha256(Buffer.of(0x01), left, right);

/** The largest power of two strictly less than n (n > 1). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH(D[n]) of RFC 6962 §2.1 over already-hashed leaves. */
function rootOf(hashes: readonly Buffer[]): Buffer {
  if (hashes.length === 0) return sha256();
  if (hashes.length === 1) return hashes[0]!;
  const k = split(hashes.length);
  return nodeHash(rootOf(hashes.slice(0, k)), rootOf(hashes.slice(k)));
}

/** The Merkle tree hash of the leaves (RFC 6962 §2.1). */
export function treeHash(leaves: readonly Uint8Array[]): Buffer {
  return rootOf(leaves.map(leafHash));
}

function pathOf(m: number, hashes: readonly Buffer[]): Buffer[] {
  if (hashes.length <= 1) return [];
  const k = split(hashes.length);
  return m < k
    ? [...pathOf(m, hashes.slice(0, k)), rootOf(hashes.slice(k))]
    : [...pathOf(m - k, hashes.slice(k)), rootOf(hashes.slice(0, k))];
}

/** The audit path PATH(m, D[n]) of RFC 6962 §2.1.1 for leaf `index`. */
export function inclusionProof(leaves: readonly Uint8Array[], index: number): Buffer[] {
  if (!Number.isInteger(index) || index < 0 || index >= leaves.length)
    throw new RangeError('leaf index out of range');
  return pathOf(index, leaves.map(leafHash));
}

/** Verifies an inclusion proof (RFC 9162 §2.1.3.2) of a leaf's hash at `index` in a tree of `size`. */
export function verifyInclusion(
  leaf: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  if (index >= size || index < 0) return false;
  let fn = index;
  let sn = size - 1;
  let r: Buffer = Buffer.from(leaf);
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.equals(Buffer.from(root));
}

/** A fleet checkpoint: the signed tree head over the replicas' notes, and its anchor if a TSA answered. */
export interface FleetCheckpoint {
  /** The replicas' signed checkpoint notes, in leaf order (sorted, so every builder agrees). */
  readonly leaves: readonly string[];
  readonly checkpoint: CheckpointEvent;
  /** The C2SP note body the TSA imprinted (origin, size, base64 root). */
  readonly body: string;
  readonly proofs: ReadonlyArray<readonly string[]>;
  readonly tst?: string;
  readonly genTime?: string;
}

/** Builds and signs the fleet tree for one interval, and anchors its root once when a TSA is given. */
export async function anchorFleet(
  notes: readonly string[],
  signer: Signer,
  origin: string,
  tsa?: TimestampAuthority,
): Promise<FleetCheckpoint> {
  const leaves = [...new Set(notes)].sort();
  const bytes = leaves.map((n) => Buffer.from(n, 'utf8'));
  const root = treeHash(bytes).toString('hex');
  const checkpoint = makeCheckpoint(signer, origin, leaves.length, root);
  const body = checkpointBody(origin, leaves.length, root);
  const proofs = leaves.map((_, i) => inclusionProof(bytes, i).map((p) => p.toString('hex')));
  if (tsa === undefined) return { leaves, checkpoint, body, proofs };
  const { token, genTime } = await tsa.timestamp(Buffer.from(body, 'utf8'));
  return {
    leaves,
    checkpoint,
    body,
    proofs,
    tst: Buffer.from(token).toString('base64'),
    genTime: genTime.toISOString(),
  };
}

/** Whether `note` is leaf `index` of the fleet checkpoint (by its inclusion proof). */
export function noteInFleet(note: string, fleet: FleetCheckpoint, index: number): boolean {
  const proof = fleet.proofs[index];
  if (proof === undefined) return false;
  return verifyInclusion(
    leafHash(Buffer.from(note, 'utf8')),
    index,
    fleet.checkpoint.size,
    proof.map((p) => Buffer.from(p, 'hex')),
    Buffer.from(fleet.checkpoint.head, 'hex'),
  );
}
