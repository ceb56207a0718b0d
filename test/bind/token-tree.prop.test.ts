/**
 * The Merkle tree of a turn's tokens against a reference RFC 9162 tree hash written here from the RFC's
 * definition (docs/canonical-action.md, "One signature per turn"): roots, paths, and the paths that must not
 * verify.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { leafHash, MAX_BATCH_SIZE, rootFromPath, treeOf } from '../../src/pipeline/bind/token-tree.js';

const sha = (...parts: Buffer[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};

/** RFC 9162 section 2.1.1: MTH of a list of leaf hashes (already hashed with 0x00). */
function referenceRoot(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 1) return leaves[0]!;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return sha(Buffer.from([1]), referenceRoot(leaves.slice(0, k)), referenceRoot(leaves.slice(k)));
}

const leavesOf = (n: number, salt = '') =>
  Array.from({ length: n }, (_, i) =>
    leafHash('eyJoIjoxfQ', Buffer.from(`${salt}${i}`).toString('base64url')),
  );

describe('token tree', () => {
  it('computes the leaf as SHA-256 over 0x00 and the header and claims segments', () => {
    expect(leafHash('aGVhZA', 'Y2xhaW1z')).toEqual(sha(Buffer.from([0]), Buffer.from('aGVhZA.Y2xhaW1z')));
  });

  it('has the reference root for n = 1..40 and 256, and every path leads to it', () => {
    for (const n of [...Array.from({ length: 40 }, (_, i) => i + 1), MAX_BATCH_SIZE]) {
      const leaves = leavesOf(n);
      const { root, paths } = treeOf(leaves);
      expect(root.equals(referenceRoot(leaves)), `n=${n}`).toBe(true);
      for (let i = 0; i < n; i++) {
        expect(rootFromPath(leaves[i]!, i, n, paths[i]!)?.equals(root), `n=${n} i=${i}`).toBe(true);
        expect(paths[i]!.length).toBeLessThanOrEqual(Math.ceil(Math.log2(n)));
      }
    }
    expect(treeOf(leavesOf(1)).paths).toEqual([[]]);
    expect(() => treeOf([])).toThrow(RangeError);
    expect(() => treeOf(leavesOf(MAX_BATCH_SIZE + 1))).toThrow(RangeError);
  });

  it('refuses a path for another leaf, another index, a truncated or lengthened path, an index past n', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 64 }),
        fc.nat(),
        fc.nat(),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        (n, ri, rj, extra) => {
          const leaves = leavesOf(n);
          const { root, paths } = treeOf(leaves);
          const i = ri % n;
          const j = (i + 1 + (rj % (n - 1))) % n; // j != i
          const at = (leaf: Buffer, index: number, path: readonly Buffer[]) =>
            rootFromPath(leaf, index, n, path)?.equals(root) === true;
          expect(at(leaves[i]!, i, paths[i]!)).toBe(true);
          expect(at(leaves[j]!, i, paths[i]!)).toBe(false); // another leaf with i's path
          expect(at(leaves[i]!, j, paths[i]!)).toBe(false); // the path at another index
          expect(at(leaves[i]!, i, paths[i]!.slice(0, -1))).toBe(false);
          expect(at(leaves[i]!, i, [...paths[i]!, Buffer.from(extra)])).toBe(false);
          expect(rootFromPath(leaves[i]!, n + i, n, paths[i]!)).toBeNull();
          expect(rootFromPath(leaves[i]!, -1, n, paths[i]!)).toBeNull();
          // A leaf of another batch of the same size with this path.
          expect(at(leavesOf(n, 'other')[i]!, i, paths[i]!)).toBe(false);
        },
      ),
    );
  });

  it('reaches the root from an interior node with the rest of a path: so the verifier computes every leaf itself', () => {
    // Leaves 0 and 1 of four: their parent with leaf 0's path minus its first hash, at index 0 of a tree
    // of 2, gives the root. A token cannot present that node as its leaf: the verifier hashes the token's own
    // text behind 0x00, and an interior node is a hash behind 0x01.
    const leaves = leavesOf(4);
    const { root, paths } = treeOf(leaves);
    const parent = sha(Buffer.from([1]), leaves[0]!, leaves[1]!);
    expect(rootFromPath(parent, 0, 2, paths[0]!.slice(1))?.equals(root)).toBe(true);
    expect(rootFromPath(parent, 0, 4, paths[0]!.slice(1))).toBeNull();
  });
});
