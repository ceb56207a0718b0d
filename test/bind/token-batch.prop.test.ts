/**
 * Tokens minted in one turn under one signature (docs/canonical-action.md, "One signature per turn"): the
 * codec mints and verifies them against a key set; fast-check changes single bits, swaps proofs between
 * tokens and batches, and the verified-batch cache is watched through its own methods.
 */
import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signerFromPrivateKey, staticKeySet } from '../../src/keys/local-key.js';
import type { KeySet, Signer } from '../../src/keys/signer.js';
import { boundParts } from '../../src/pipeline/bind/canonical-action.js';
import { TokenCodec, type MintedToken } from '../../src/pipeline/bind/execution-token.js';
import { MAX_BATCH_SIZE } from '../../src/pipeline/bind/token-tree.js';
import { VerifiedBatches } from '../../src/pipeline/bind/verified-batches.js';
import { joinToken, tokenBatch, tokenIndex, tokenParts } from '../support/exec-token.js';
import { BARE_VERIFY_REQUEST } from '../support/raw-request.js';

const NOW = 1_767_600_000_000;
const BOUND = boundParts(BARE_VERIFY_REQUEST, { subject: 'spiffe://cluster.local/ns/agents/sa/a' });
const signer = signerFromPrivateKey(generateKeyPairSync('ed25519').privateKey);
const keys = staticKeySet([signer.publicKey]);

/** Mints `n` tokens in one turn, each for its own action hash `h<i>`, obligations on every third. */
const mintTurn = (codec: TokenCodec, n: number, by: Signer = signer): Promise<MintedToken[]> =>
  Promise.all(
    Array.from({ length: n }, (_, i) =>
      codec.mint(by, {
        subject: 's',
        audience: 'a',
        actionHash: `h${i}`,
        bound: BOUND,
        traceId: `t${i}`,
        policyVersion: 'v',
        nowMs: NOW,
        ...(i % 3 === 0 ? { obligations: { mask: ['$.email'] } } : {}),
      }),
    ),
  );

const expectFor = (claims: MintedToken['claims']) => ({
  actionHash: claims.ah,
  bound: BOUND,
  audience: 'a',
  nowMs: NOW,
});

/** A cache that counts what the codec asks of it. */
class WatchedBatches extends VerifiedBatches {
  hits = 0;
  adds = 0;
  override has(signed: string, key: KeyObject, nowS: number): boolean {
    const hit = super.has(signed, key, nowS);
    if (hit) this.hits++;
    return hit;
  }
  override add(signed: string, key: KeyObject, notAfter: number): void {
    this.adds++;
    super.add(signed, key, notAfter);
  }
}

describe('tokens of one turn', () => {
  it('share one signature over n leaves; a lone token is a batch of one; 257 in a turn are two batches', async () => {
    const codec = new TokenCodec();
    const five = await mintTurn(codec, 5);
    const heads = new Set(five.map((m) => tokenParts(m.token).s));
    expect(heads.size).toBe(1);
    expect(five.map((m) => tokenBatch(m.token).n)).toEqual([5, 5, 5, 5, 5]);
    expect(five.map((m) => tokenIndex(m.token))).toEqual([0, 1, 2, 3, 4]);
    for (const m of five)
      expect(codec.verify(m.token, keys, expectFor(m.claims))).toMatchObject({ ok: true });
    const [lone] = await mintTurn(codec, 1);
    expect(tokenBatch(lone!.token).n).toBe(1);
    expect(tokenParts(lone!.token).a).toBe('AAA'); // index 0, no path
    expect(codec.verify(lone!.token, keys, expectFor(lone!.claims))).toMatchObject({ ok: true });
    const many = await mintTurn(codec, MAX_BATCH_SIZE + 1);
    expect(new Set(many.map((m) => tokenParts(m.token).s)).size).toBe(2);
    expect(tokenBatch(many[0]!.token).n).toBe(MAX_BATCH_SIZE);
    expect(tokenBatch(many[MAX_BATCH_SIZE]!.token).n).toBe(1);
    for (const m of [many[0]!, many[MAX_BATCH_SIZE - 1]!, many[MAX_BATCH_SIZE]!])
      expect(codec.verify(m.token, keys, expectFor(m.claims))).toMatchObject({ ok: true });
  });

  it('refuses any single-bit change in a token: header, batch and root, signature, claims, proof', async () => {
    const codec = new TokenCodec();
    const tokens: MintedToken[] = [];
    // One turn each, so the batches are of these sizes.
    for (const n of [1, 2, 3, 7, 16, 17]) {
      const turn = await mintTurn(codec, n);
      expect(tokenBatch(turn[0]!.token).n).toBe(n);
      tokens.push(...turn);
    }
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.integer({ min: 0, max: 7 }), (which, pos, bit) => {
        const m = tokens[which % tokens.length]!;
        // The genuine token verifies first, so its batch signature is in the cache when the change is tried.
        expect(codec.verify(m.token, keys, expectFor(m.claims)).ok).toBe(true);
        const i = pos % m.token.length;
        const changed = `${m.token.slice(0, i)}${String.fromCharCode(m.token.charCodeAt(i) ^ (1 << bit))}${m.token.slice(i + 1)}`;
        expect(codec.verify(changed, keys, expectFor(m.claims)).ok, `bit ${bit} of char ${i}`).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('never verifies the proof of one token for the claims of another, of its batch or of another batch', async () => {
    const codec = new TokenCodec();
    const a = await mintTurn(codec, 9);
    const b = await mintTurn(codec, 9);
    expect(tokenParts(a[0]!.token).s).not.toBe(tokenParts(b[0]!.token).s);
    fc.assert(
      fc.property(fc.nat(8), fc.nat(8), fc.boolean(), (i, j, sameBatch) => {
        const from = a[i]!;
        const other = (sameBatch ? a : b)[j]!;
        if (sameBatch && i === j) return;
        // The claims of `other` with everything else of `from`: its signature, batch, index and path.
        const swapped = joinToken({ ...tokenParts(from.token), c: tokenParts(other.token).c });
        expect(codec.verify(swapped, keys, expectFor(other.claims))).toMatchObject({
          ok: false,
          code: 'ERR_TOKEN_SIGNATURE',
        });
        // And the proof of `other` under `from`'s claims.
        const moved = joinToken({ ...tokenParts(from.token), a: tokenParts(other.token).a });
        expect(codec.verify(moved, keys, expectFor(from.claims)).ok).toBe(false);
      }),
    );
  });

  it('caches a batch signature only once it verified, and the cache never lets a token skip its own checks', async () => {
    const batches = new WatchedBatches();
    const codec = new TokenCodec(batches);
    const turn = await mintTurn(codec, 4);
    const [first, second] = turn as [MintedToken, MintedToken];
    // A flipped signature on a batch nobody verified yet: refused, nothing cached.
    const p = tokenParts(first.token);
    const flipped = joinToken({ ...p, s: `${p.s[0] === 'A' ? 'B' : 'A'}${p.s.slice(1)}` });
    expect(codec.verify(flipped, keys, expectFor(first.claims))).toMatchObject({
      ok: false,
      code: 'ERR_TOKEN_SIGNATURE',
    });
    expect(batches.adds).toBe(0);
    expect(batches.size).toBe(0);
    expect(codec.verify(first.token, keys, expectFor(first.claims)).ok).toBe(true);
    expect([batches.adds, batches.hits, batches.size]).toEqual([1, 0, 1]);
    // The sibling costs no verification; the same flipped signature is still refused (it is not the key).
    expect(codec.verify(second.token, keys, expectFor(second.claims)).ok).toBe(true);
    expect(batches.hits).toBe(1);
    expect(codec.verify(flipped, keys, expectFor(first.claims)).ok).toBe(false);
    // A cached batch does not vouch for a sibling's altered claims, nor for another action.
    const weakened = Buffer.from(JSON.stringify({ ...second.claims, obl: {} })).toString('base64url');
    expect(
      codec.verify(joinToken({ ...tokenParts(second.token), c: weakened }), keys, expectFor(second.claims)),
    ).toMatchObject({ ok: false, code: 'ERR_TOKEN_SIGNATURE' });
    expect(
      codec.verify(second.token, keys, { ...expectFor(second.claims), actionHash: 'other' }),
    ).toMatchObject({
      ok: false,
      code: 'ERR_TOKEN_ACTION_MISMATCH',
    });
    // The key is resolved for every token: a key set that dropped the key refuses a cached batch.
    const dropped: KeySet = { get: () => undefined };
    expect(codec.verify(second.token, dropped, expectFor(second.claims))).toMatchObject({
      ok: false,
      code: 'ERR_TOKEN_UNKNOWN_KEY',
    });
    // The same key material as another object is a miss: verified again, then remembered under that key.
    const again: KeySet = staticKeySet([
      createPublicKey({ key: signer.publicKey.export({ format: 'jwk' }), format: 'jwk' }),
    ]);
    const hits = batches.hits;
    expect(codec.verify(second.token, again, expectFor(second.claims)).ok).toBe(true);
    expect(batches.hits).toBe(hits);
    expect(batches.adds).toBe(2);
  });

  it('bounds the cache, least recently used out, and expires an entry with its key certification', () => {
    const key = signer.publicKey;
    const cache = new VerifiedBatches(2);
    cache.add('a', key, 100);
    cache.add('b', key, 100);
    expect(cache.has('a', key, 50)).toBe(true); // a is now the most recently used
    cache.add('c', key, 100); // evicts b
    expect(cache.size).toBe(2);
    expect(cache.has('b', key, 50)).toBe(false);
    expect(cache.has('a', key, 100)).toBe(true);
    expect(cache.has('a', key, 101)).toBe(false); // past the certification: gone
    expect(cache.has('a', key, 50)).toBe(false);
    expect(cache.has('c', generateKeyPairSync('ed25519').publicKey, 50)).toBe(false);
  });

  it('signs with the key current when the turn ends, and fails every token of a batch whose signature fails', async () => {
    const first = signerFromPrivateKey(generateKeyPairSync('ed25519').privateKey);
    const second = signerFromPrivateKey(generateKeyPairSync('ed25519').privateKey);
    let current = first;
    const rotating: Signer = {
      get kid() {
        return current.kid;
      },
      get publicKey() {
        return current.publicKey;
      },
      sign: (d) => current.sign(d),
    };
    const codec = new TokenCodec();
    const pending = mintTurn(codec, 3, rotating);
    current = second; // rotated after the mints, before the turn ended
    for (const m of await pending) {
      expect(codec.verify(m.token, staticKeySet([second.publicKey]), expectFor(m.claims)).ok).toBe(true);
      expect(codec.verify(m.token, staticKeySet([first.publicKey]), expectFor(m.claims)).ok).toBe(false);
    }
    const broken: Signer = {
      kid: first.kid,
      publicKey: first.publicKey,
      sign: () => {
        throw new Error('signer down');
      },
    };
    const results = await Promise.allSettled(
      Array.from({ length: 3 }, () =>
        codec.mint(broken, {
          subject: 's',
          audience: 'a',
          actionHash: 'h',
          bound: BOUND,
          traceId: 't',
          policyVersion: 'v',
          nowMs: NOW,
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
  });
});
