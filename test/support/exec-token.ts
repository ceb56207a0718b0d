/**
 * Reading and forging execution tokens in tests: a token is the batch's compact JWS (`h.P.s`) followed by
 * the token's claims and its inclusion proof (`.c.a`; docs/canonical-action.md, "One signature per turn").
 */
import { sign, type KeyObject } from 'node:crypto';
import { leafHash, treeOf } from '../../src/pipeline/bind/token-tree.js';

export const b64json = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
const json = (segment: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as Record<string, unknown>;

export interface TokenParts {
  readonly h: string;
  readonly P: string;
  readonly s: string;
  readonly c: string;
  readonly a: string;
}

export function tokenParts(token: string): TokenParts {
  const parts = token.split('.');
  if (parts.length !== 5) throw new Error(`not a batch token: ${parts.length} segments`);
  const [h, P, s, c, a] = parts as [string, string, string, string, string];
  return { h, P, s, c, a };
}

export const joinToken = (p: TokenParts): string => `${p.h}.${p.P}.${p.s}.${p.c}.${p.a}`;
/** The protected header of a token. */
export const tokenHeader = (token: string): Record<string, unknown> => json(tokenParts(token).h);
/** The claims of a token (read without verifying). */
export const tokenClaims = (token: string): Record<string, unknown> => json(tokenParts(token).c);
/** The signed batch statement `{n, root}` of a token. */
export const tokenBatch = (token: string): { n: number; root: string } =>
  json(tokenParts(token).P) as { n: number; root: string };
/** A token's index in its batch. */
export const tokenIndex = (token: string): number =>
  Buffer.from(tokenParts(token).a, 'base64url').readUInt16BE(0);

/**
 * Tokens for these claim sets under one header, as writ mints them, signed by `signWith` (an Ed25519 key,
 * or any function over the signing input: HS256, an empty signature for `alg: none`).
 */
export function forgeBatch(
  header: Record<string, unknown>,
  claims: readonly Record<string, unknown>[],
  signWith: KeyObject | ((input: Buffer) => Buffer),
): string[] {
  const h = b64json(header);
  const cs = claims.map(b64json);
  const { root, paths } = treeOf(cs.map((c) => leafHash(h, c)));
  const input = `${h}.${b64json({ n: cs.length, root: root.toString('base64url') })}`;
  const sig =
    typeof signWith === 'function'
      ? signWith(Buffer.from(input, 'ascii'))
      : sign(null, Buffer.from(input, 'ascii'), signWith);
  return cs.map((c, i) => {
    const proof = Buffer.alloc(2 + 32 * paths[i]!.length);
    proof.writeUInt16BE(i, 0);
    paths[i]!.forEach((p, j) => p.copy(proof, 2 + 32 * j));
    return `${input}.${sig.toString('base64url')}.${c}.${proof.toString('base64url')}`;
  });
}

/** One token for one claim set (a batch of one). */
export const forgeToken = (
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
  signWith: KeyObject | ((input: Buffer) => Buffer),
): string => forgeBatch(header, [claims], signWith)[0]!;

/** The same token with other claims and its own proof and signature kept (what an attacker can try). */
export const withClaims = (token: string, claims: Record<string, unknown>): string =>
  joinToken({ ...tokenParts(token), c: b64json(claims) });
