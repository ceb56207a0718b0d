/** RFC 6962 hashing (certificate-transparency test vectors), inclusion proofs, and one real time-stamp for a fleet. */
import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  anchorFleet,
  inclusionProof,
  leafHash,
  noteInFleet,
  treeHash,
  verifyInclusion,
} from '../../src/audit/anchoring/fleet-tree.js';
import { verifyTimeStampToken } from '../../src/audit/anchoring/timestamp-token.js';
import { createTsaClient } from '../../src/audit/anchoring/tsa-client.js';
import { signerFromPrivateKey } from '../../src/keys/local-key.js';
import {
  checkpointNote,
  makeCheckpoint,
  parseCheckpointNote,
} from '../../src/pipeline/audit-record/checkpoint.js';
import { startTestTsa, type TestTsa } from '../support/tsa.js';

// The certificate-transparency reference vectors (merkle_tree_test.cc).
const LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map((h) => Buffer.from(h, 'hex'));
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

let tsa: TestTsa;
beforeAll(async () => {
  tsa = await startTestTsa();
}, 60_000);
afterAll(async () => tsa.dispose());

describe('RFC 6962 Merkle tree', () => {
  it('matches the reference roots for 0..8 leaves and the reference audit path', () => {
    for (let n = 0; n <= 8; n++) expect(treeHash(LEAVES.slice(0, n)).toString('hex')).toBe(ROOTS[n]);
    expect(inclusionProof(LEAVES, 0).map((p) => p.toString('hex'))).toEqual([
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ]);
  });

  it('every leaf proves its inclusion; another leaf, index or root does not', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 8 }), { minLength: 1, maxLength: 40 }),
        fc.nat(),
        (raw, a) => {
          const leaves = raw.map((b, i) => Buffer.concat([Buffer.from([i]), b])); // distinct leaves
          const root = treeHash(leaves);
          const i = a % leaves.length;
          const proof = inclusionProof(leaves, i);
          expect(verifyInclusion(leafHash(leaves[i]!), i, leaves.length, proof, root)).toBe(true);
          expect(verifyInclusion(leafHash(Buffer.from('forged')), i, leaves.length, proof, root)).toBe(false);
          if (leaves.length > 1) {
            const j = (i + 1) % leaves.length;
            expect(verifyInclusion(leafHash(leaves[i]!), j, leaves.length, proof, root)).toBe(false);
          }
          expect(verifyInclusion(leafHash(leaves[i]!), i, leaves.length, proof, leafHash(root))).toBe(false);
        },
      ),
    );
  });
});

describe('fleet checkpoint', () => {
  it('anchors three replicas with one time-stamp; each proves its checkpoint is covered', async () => {
    const replicas = ['a', 'b', 'c'].map((name) => {
      const signer = signerFromPrivateKey(generateKeyPairSync('ed25519').privateKey);
      const head = leafHash(Buffer.from(name)).toString('hex');
      return {
        signer,
        note: checkpointNote(makeCheckpoint(signer, `writ-audit/${name}`, 42, head), signer.publicKey),
      };
    });
    const fleetSigner = signerFromPrivateKey(generateKeyPairSync('ed25519').privateKey);
    const fleet = await anchorFleet(
      replicas.map((r) => r.note),
      fleetSigner,
      'writ-fleet/prod',
      createTsaClient({ url: tsa.url, trustedCaPem: tsa.caPem }),
    );
    expect(fleet.checkpoint.size).toBe(3);
    // The fleet head is a standard C2SP checkpoint note with a real Merkle root.
    const note = checkpointNote(fleet.checkpoint, fleetSigner.publicKey);
    expect(parseCheckpointNote(note, () => fleetSigner.publicKey).head).toBe(fleet.checkpoint.head);
    await verifyTimeStampToken(Buffer.from(fleet.tst!, 'base64'), {
      data: Buffer.from(fleet.body, 'utf8'),
      trustedCaPem: tsa.caPem,
    });
    expect(tsa.answered()).toBeGreaterThanOrEqual(1);
    for (const r of replicas) {
      const index = fleet.leaves.indexOf(r.note);
      expect(noteInFleet(r.note, fleet, index)).toBe(true);
      expect(noteInFleet(r.note.replace('42', '41'), fleet, index)).toBe(false);
    }
  });
});
