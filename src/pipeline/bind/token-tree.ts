/**
 * The Merkle tree over one event-loop turn's execution tokens (docs/canonical-action.md, "One signature per
 * turn"): the tree of RFC 9162 section 2.1 (leaves `SHA-256(0x00 || data)`, interior nodes
 * `SHA-256(0x01 || left || right)`, the left subtree the largest power of two), its inclusion paths, and
 * the verification of a path (RFC 9162 section 2.1.3.2), which fixes the path's length for a given index and
 * tree size. The domain bytes keep a leaf from ever being read as an interior node (second preimage).
 */
import { hash } from 'node:crypto';

/** The most tokens one signature covers: a path is then at most 8 hashes (256 bytes). */
export const MAX_BATCH_SIZE = 256;
const LEAF = '\u0000';
const NODE = Buffer.from([1]);

/**
 * The leaf of one token: SHA-256 over 0x00 and the token's own header and claims segments, `h.c`, exactly as
 * carried, so it commits to every claim (and to the key id and certification in the header).
 */
export function leafHash(headerSegment: string, claimsSegment: string): Buffer {
  // Both segments are base64url (ASCII), so the UTF-8 of this string is 0x00 followed by their bytes.
  return hash('sha256', `${LEAF}${headerSegment}.${claimsSegment}`, 'buffer');
}

function nodeHash(left: Buffer, right: Buffer): Buffer {
  return hash('sha256', Buffer.concat([NODE, left, right], 65), 'buffer');
}

/** The largest power of two smaller than n (n >= 2). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** The root of the leaves and each leaf's inclusion path, leaf to root (RFC 9162 `PATH`). */
export function treeOf(leaves: readonly Buffer[]): { readonly root: Buffer; readonly paths: Buffer[][] } {
  if (leaves.length === 0 || leaves.length > MAX_BATCH_SIZE)
    throw new RangeError(`a token batch holds 1 to ${MAX_BATCH_SIZE} leaves, not ${leaves.length}`);
  const paths: Buffer[][] = leaves.map(() => []);
  // Deeper siblings are pushed first, so each path runs from its leaf up.
  const subtree = (lo: number, hi: number): Buffer => {
    if (hi - lo === 1) return leaves[lo]!;
    const k = split(hi - lo);
    const left = subtree(lo, lo + k);
    const right = subtree(lo + k, hi);
    for (let i = lo; i < lo + k; i++) paths[i]!.push(right);
    for (let i = lo + k; i < hi; i++) paths[i]!.push(left);
    return nodeHash(left, right);
  };
  return { root: subtree(0, leaves.length), paths };
}

/**
 * The root the path leads to from `leaf` at `index` in a tree of `size` leaves, or null when the path
 * cannot belong to that position (too short, too long, or an index outside the tree): RFC 9162 2.1.3.2.
 */
export function rootFromPath(
  leaf: Buffer,
  index: number,
  size: number,
  path: readonly Buffer[],
): Buffer | null {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return null;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of path) {
    if (sn === 0) return null;
    if ((fn & 1) === 1 || fn === sn) {
      r = nodeHash(p, r);
      if ((fn & 1) === 0)
        while ((fn & 1) === 0 && fn !== 0) {
          fn >>>= 1;
          sn >>>= 1;
        }
    } else {
      r = nodeHash(r, p);
    }
    fn >>>= 1;
    sn >>>= 1;
  }
  return sn === 0 ? r : null;
}
