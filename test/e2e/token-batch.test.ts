/**
 * Tokens that share one turn's signature, over real gRPC (docs/canonical-action.md, "One signature per
 * turn"): concurrent checks are signed together; each token is spent on its own; a token's proof, index,
 * path, signature or claims altered is refused, and none of the refusals spends the genuine token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { responseHeader, structField } from '../../src/cli/check-client.js';
import { scenarioCheckRequest, type ScenarioRequest } from '../../src/cli/scenario.js';
import { b64json, joinToken, tokenBatch, tokenClaims, tokenParts } from '../support/exec-token.js';
import { ANALYTICS_READ, startTestWrit, type TestWrit } from '../support/writ-server.js';

let t: TestWrit;
beforeAll(async () => {
  t = await startTestWrit();
});
afterAll(async () => t.stop());

const query: ScenarioRequest = ANALYTICS_READ;

async function verifyCode(token: string): Promise<string> {
  const res = await t.verify.check(scenarioCheckRequest(query, { 'x-writ-token': token }));
  return String(structField(res, 'writ_code'));
}

/** The Ed25519 group order L, little-endian as S is encoded. */
const L = (1n << 252n) + 27742317777372353535851937790883648493n;
const leToBig = (b: Buffer) => BigInt(`0x${Buffer.from(b).reverse().toString('hex') || '0'}`);
const bigToLe = (n: bigint) => Buffer.from(n.toString(16).padStart(64, '0'), 'hex').reverse();

describe('tokens of one turn over gRPC', () => {
  it('concurrent checks share a signature; each token is spent once; every alteration is refused', async () => {
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => t.check.check(scenarioCheckRequest(query))),
    );
    const tokens = answers.map((res) => {
      expect(structField(res, 'writ_decision')).toBe('ALLOW');
      return responseHeader(res, 'x-writ-token')!;
    });
    // Group by signature: calls that arrived in one socket read were decided, and signed, in one turn.
    const bySignature = new Map<string, string[]>();
    for (const token of tokens) {
      const s = tokenParts(token).s;
      bySignature.set(s, [...(bySignature.get(s) ?? []), token]);
    }
    for (const group of bySignature.values())
      expect(group.map((g) => tokenBatch(g).n)).toEqual(group.map(() => group.length));
    const [x, y] = [...bySignature.values()].sort((a, b) => b.length - a.length)[0]!;
    expect(y, 'at least two of eight concurrent checks were signed together').toBeDefined();
    const px = tokenParts(x!);
    const py = tokenParts(y!);
    expect(px.P).toBe(py.P);
    expect(px.a).not.toBe(py.a);

    // y's claims with x's index and path (and the reverse), under the shared signature.
    expect(await verifyCode(joinToken({ ...px, c: py.c }))).toBe('ERR_TOKEN_SIGNATURE');
    expect(await verifyCode(joinToken({ ...py, c: px.c }))).toBe('ERR_TOKEN_SIGNATURE');
    // x's path at y's index; x's path without its last hash; with one hash too many.
    const proof = Buffer.from(px.a, 'base64url');
    const otherIndex = Buffer.from(proof);
    otherIndex.writeUInt16BE(Buffer.from(py.a, 'base64url').readUInt16BE(0), 0);
    expect(await verifyCode(joinToken({ ...px, a: otherIndex.toString('base64url') }))).toBe(
      'ERR_TOKEN_SIGNATURE',
    );
    expect(await verifyCode(joinToken({ ...px, a: proof.subarray(0, -32).toString('base64url') }))).toBe(
      'ERR_TOKEN_SIGNATURE',
    );
    expect(
      await verifyCode(
        joinToken({ ...px, a: Buffer.concat([proof, proof.subarray(2, 34)]).toString('base64url') }),
      ),
    ).toBe('ERR_TOKEN_SIGNATURE');
    // A malleated signature (S + L, the same point equation) and one flipped bit.
    const sig = Buffer.from(px.s, 'base64url');
    const malleated = Buffer.concat([sig.subarray(0, 32), bigToLe(leToBig(sig.subarray(32)) + L)]);
    expect(await verifyCode(joinToken({ ...px, s: malleated.toString('base64url') }))).toBe(
      'ERR_TOKEN_SIGNATURE',
    );
    const flipped = Buffer.from(sig);
    flipped[5]! ^= 1;
    expect(await verifyCode(joinToken({ ...px, s: flipped.toString('base64url') }))).toBe(
      'ERR_TOKEN_SIGNATURE',
    );
    // Obligations slipped into the claims under the genuine signature and proof.
    const withObligations = { ...tokenClaims(x!), obl: { sandbox: 'none' } };
    expect(await verifyCode(joinToken({ ...px, c: b64json(withObligations) }))).toBe('ERR_TOKEN_SIGNATURE');
    // Another turn's signature and batch over x's claims and proof.
    const later = tokenParts(
      responseHeader(await t.check.check(scenarioCheckRequest(query)), 'x-writ-token')!,
    );
    expect(await verifyCode(joinToken({ ...px, P: later.P, s: later.s }))).toBe('ERR_TOKEN_SIGNATURE');

    // None of that spent anything: x verifies once, its replay is refused, and its sibling is unspent.
    expect(await verifyCode(x!)).toBe('VERIFY_OK');
    expect(await verifyCode(x!)).toBe('ERR_TOKEN_REPLAYED');
    expect(await verifyCode(y!)).toBe('VERIFY_OK');
    expect(await verifyCode(y!)).toBe('ERR_TOKEN_REPLAYED');
    for (const token of tokens.filter((k) => k !== x && k !== y))
      expect(await verifyCode(token)).toBe('VERIFY_OK');
  });
});
