/**
 * Execution tokens: binding one action hash to one upstream for a short time. Minted by the check role,
 * verified and consumed by the verify role. The tokens minted in one event-loop turn share one Ed25519
 * signature: a compact JWS (EdDSA, typ `exec-batch+jwt`) over the Merkle root of their claims, each token
 * carrying its own claims and inclusion path (docs/canonical-action.md, "One signature per turn"). A token
 * signed by a short-lived key carries that key's certification by the root (`wcrt`, declared in `crit`), so
 * a verify role on any replica trusting the root can verify it (docs/keys.md).
 */
import { randomFillSync, verify as verifySignature } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { CertifiedKey, KeySet, Signer } from '../../keys/signer.js';
import type { ReasonCode } from '../errors.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../model/json.js';
import type { BoundParts } from './canonical-action.js';
import { leafHash, MAX_BATCH_SIZE, rootFromPath, treeOf } from './token-tree.js';
import { VerifiedBatches } from './verified-batches.js';

/**
 * The JWS `typ` (RFC 8725 explicit typing) of a turn's batch signature, so no other JWS can pass for one.
 * Tokens of the earlier single-signature form (`exec+jwt`) are refused with ERR_TOKEN_TYPE.
 */
export const TOKEN_TYPE = 'exec-batch+jwt';
export const TOKEN_ISSUER = 'writ';
/** Tokens live 60 s unless configured otherwise. */
export const DEFAULT_TOKEN_TTL_SECONDS = 60;
/** Clock skew tolerated between the check and verify roles' clocks. */
export const DEFAULT_CLOCK_SKEW_SECONDS = 5;
const MAX_TOKEN_LENGTH = 16_384;
/** The private header parameter carrying the signing key's certification (a compact `key-cert+jwt`). */
export const CERT_HEADER_PARAM = 'wcrt';

export interface ExecutionClaims {
  readonly iss: string;
  readonly sub: string;
  readonly aud: string;
  readonly jti: string;
  readonly iat: number;
  readonly exp: number;
  /** base64url SHA-256 of the canonical action. */
  readonly ah: string;
  /** Trace id of the decision that issued the token. */
  readonly tid: string;
  /** Policy version that decided. */
  readonly pv: string;
  /** Obligations the upstream side must honour; signed, so they cannot be dropped or altered. */
  readonly obl?: JsonObject;
  /**
   * The envelope's version, scheme, subject and header digest, also inside `ah`: carried so a verifier can
   * name which of them differs. Absent on tokens of envelope version 1, which no verifier accepts now.
   */
  readonly bnd?: BoundParts;
  /** The replay epoch of the state store when the token was minted (`StateStore.replayEpoch`). */
  readonly ep?: string;
}

export interface MintInput {
  readonly subject: string;
  readonly audience: string;
  readonly actionHash: string;
  readonly traceId: string;
  readonly policyVersion: string;
  readonly nowMs: number;
  readonly ttlSeconds?: number;
  readonly obligations?: JsonObject;
  readonly bound: BoundParts;
  /** The state store's replay epoch; the verifier refuses the token under any other. */
  readonly epoch?: string;
}

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64url');

/** The protected header of a key's tokens, as minted (`crit` and `wcrt` only for a certified key). */
function encodeHeader(kid: string, cert: string | null): string {
  // `crit` (RFC 7515 section 4.1.11): a verifier that does not understand `wcrt` must refuse the token
  // rather than ignore how its key is vouched for.
  return b64(
    JSON.stringify(
      cert === null
        ? { alg: 'EdDSA', typ: TOKEN_TYPE, kid }
        : { alg: 'EdDSA', typ: TOKEN_TYPE, kid, crit: [CERT_HEADER_PARAM], [CERT_HEADER_PARAM]: cert },
    ),
  );
}

/** Keys rotate: each per-key memo below is dropped whole past this many entries, never grows without bound. */
const MAX_KEYS_REMEMBERED = 64;

/**
 * Mints and verifies execution tokens for one pipeline (or one response role), which owns it: the token id
 * pool and the per-key header memos belong to that instance, never to the module. Every method is otherwise
 * the pure function it was: which codec mints or verifies a token changes nothing about the token.
 */
export class TokenCodec {
  // Token ids come from a pooled CSPRNG buffer: one randomFillSync per 256 tokens instead of one per token.
  // SECURITY: each 16-byte slice is handed out once and the pool is refilled from the CSPRNG before reuse,
  // so every jti is 128 fresh random bits whichever codec minted it (unique across codecs, processes and
  // replicas with the odds of a 128-bit collision).
  readonly #idPool = Buffer.alloc(16 * 256);
  #idOffset = this.#idPool.length;
  // The protected header depends only on the key (its id and certification); encode it once per key.
  readonly #encodedHeaders = new Map<string, { readonly cert: string | null; readonly h: string }>();
  /** Decoded protected headers of tokens that verified, by their encoded form (read-only once stored). */
  readonly #decodedHeaders = new Map<string, JsonObject>();
  /** Tokens minted in this turn and not yet signed, by the signer that will sign them. */
  readonly #pending = new Map<Signer, PendingMint[]>();
  #flushScheduled = false;

  constructor(
    /** Batch signatures that verified (bounded; docs/canonical-action.md, "One signature per turn"). */
    private readonly verifiedBatches = new VerifiedBatches(),
  ) {}

  /** 128 random bits, base64url. */
  #randomTokenId(): string {
    if (this.#idOffset === this.#idPool.length) {
      randomFillSync(this.#idPool);
      this.#idOffset = 0;
    }
    const id = this.#idPool.toString('base64url', this.#idOffset, this.#idOffset + 16);
    this.#idOffset += 16;
    return id;
  }

  #encodedHeader(kid: string, cert: string | null): string {
    const hit = this.#encodedHeaders.get(kid);
    if (hit !== undefined && hit.cert === cert) return hit.h;
    const h = encodeHeader(kid, cert);
    if (this.#encodedHeaders.size > MAX_KEYS_REMEMBERED) this.#encodedHeaders.clear();
    this.#encodedHeaders.set(kid, { cert, h });
    return h;
  }

  /**
   * Mints a token, signed at the end of this event-loop turn together with every other token this codec
   * mints in the turn (one Ed25519 signature over their Merkle root). A turn with one decision signs it
   * alone: nothing waits for a batch to fill. The jti is 128 random bits.
   */
  mint(signer: Signer, input: MintInput): Promise<MintedToken> {
    const iat = Math.floor(input.nowMs / 1000);
    const claims: ExecutionClaims = {
      iss: TOKEN_ISSUER,
      sub: input.subject,
      aud: input.audience,
      jti: this.#randomTokenId(),
      iat,
      exp: iat + (input.ttlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS),
      ah: input.actionHash,
      tid: input.traceId,
      pv: input.policyVersion,
      ...(input.obligations === undefined ? {} : { obl: input.obligations }),
      bnd: input.bound,
      ...(input.epoch === undefined ? {} : { ep: input.epoch }),
    };
    return new Promise<MintedToken>((resolve, reject) => {
      let batch = this.#pending.get(signer);
      if (batch === undefined) this.#pending.set(signer, (batch = []));
      batch.push({ claimsSegment: b64(JSON.stringify(claims)), claims, resolve, reject });
      if (batch.length >= MAX_BATCH_SIZE) {
        // SECURITY (bounded batch): a full batch is signed now; the turn's next tokens start another.
        this.#pending.delete(signer);
        this.#signBatch(signer, batch);
      } else if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        // After this turn's I/O callbacks and their promise continuations: no timer, so no added wait.
        setImmediate(this.#flush);
      }
    });
  }

  readonly #flush = (): void => {
    this.#flushScheduled = false;
    const batches = [...this.#pending];
    this.#pending.clear();
    for (const [signer, batch] of batches) this.#signBatch(signer, batch);
  };

  /** Signs one batch with the signer's current key and hands each token its claims and inclusion path. */
  #signBatch(signer: Signer, batch: readonly PendingMint[]): void {
    let tokens: string[];
    try {
      // The header is read when the batch is signed, with the key that signs it (a ring may have rotated).
      const h = this.#encodedHeader(signer.kid, signer.certification ?? null);
      const { root, paths } = treeOf(batch.map((m) => leafHash(h, m.claimsSegment)));
      const signingInput = `${h}.${b64(`{"n":${batch.length},"root":"${root.toString('base64url')}"}`)}`;
      const signature = Buffer.from(signer.sign(Buffer.from(signingInput, 'ascii'))).toString('base64url');
      const head = `${signingInput}.${signature}.`;
      tokens = batch.map((m, i) => `${head}${m.claimsSegment}.${encodeProof(i, paths[i]!)}`);
    } catch (err) {
      for (const m of batch) m.reject(err);
      return;
    }
    for (let i = 0; i < batch.length; i++) batch[i]!.resolve({ token: tokens[i]!, claims: batch[i]!.claims });
  }

  /** Checks a token against the request about to execute (`verifyToken`). */
  verify(token: string, keys: KeySet, expect: VerifyExpectations): TokenCheck {
    return verifyToken(token, keys, expect, this.#decodedHeaders, this.verifiedBatches);
  }
}

export interface MintedToken {
  readonly token: string;
  readonly claims: ExecutionClaims;
}

interface PendingMint {
  readonly claimsSegment: string;
  readonly claims: ExecutionClaims;
  readonly resolve: (minted: MintedToken) => void;
  readonly reject: (err: unknown) => void;
}

/** The proof segment: the leaf's index (16 bits, big-endian) and its path, leaf to root, 32 bytes a hash. */
function encodeProof(index: number, path: readonly Buffer[]): string {
  const proof = Buffer.allocUnsafe(2 + 32 * path.length);
  proof.writeUInt16BE(index, 0);
  for (let j = 0; j < path.length; j++) path[j]!.copy(proof, 2 + 32 * j);
  return proof.toString('base64url');
}

export type TokenCheck =
  | { readonly ok: true; readonly claims: ExecutionClaims }
  | { readonly ok: false; readonly code: ReasonCode; readonly message: string };

export interface VerifyExpectations {
  /**
   * The hash of the action about to run; null only where the action cannot be seen (the response role
   * has no request body): the token's own binding then stands, and the verify role checks it upstream.
   */
  readonly actionHash: string | null;
  /** The envelope parts recomputed from the request about to run; null exactly when `actionHash` is. */
  readonly bound: BoundParts | null;
  readonly audience: string;
  readonly nowMs: number;
  readonly skewSeconds?: number;
}

const fail = (code: ReasonCode, message: string): TokenCheck => ({ ok: false, code, message });

/**
 * The bytes of a base64url segment in its one canonical spelling (no padding, unused bits zero), or null:
 * the signature and the proof are used as bytes, so another spelling of the same bytes must not verify.
 */
function strictBase64url(segment: string): Buffer | null {
  if (!/^[A-Za-z0-9_-]*$/.test(segment)) return null;
  const bytes = Buffer.from(segment, 'base64url');
  return bytes.toString('base64url') === segment ? bytes : null;
}

/**
 * A JSON segment's value. Its spelling needs no canonical check: the header and claims segments are hashed
 * into the leaf as text and the batch segment is signed as text, so another spelling of the same JSON
 * fails the inclusion proof or the signature.
 */
function decodeJsonSegment(segment: string): JsonValue | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(segment)) return undefined;
  try {
    return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as JsonValue;
  } catch {
    return undefined;
  }
}

/** The signed batch statement `{"n": size, "root": base64url SHA-256}`, or null when it is not exactly that. */
function batchOf(segment: string): { readonly n: number; readonly root: Buffer } | null {
  const payload = decodeJsonSegment(segment);
  if (!isJsonObject(payload) || Object.keys(payload).length !== 2) return null;
  const { n, root } = payload;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1 || n > MAX_BATCH_SIZE) return null;
  const bytes = typeof root === 'string' ? strictBase64url(root) : null;
  return bytes === null || bytes.length !== 32 ? null : { n, root: bytes };
}

function claimsOf(payload: JsonObject): ExecutionClaims | null {
  const str = (k: string) => (typeof payload[k] === 'string' ? payload[k] : null);
  const num = (k: string) => (Number.isSafeInteger(payload[k]) ? (payload[k] as number) : null);
  const iss = str('iss');
  const sub = str('sub');
  const aud = str('aud');
  const jti = str('jti');
  const ah = str('ah');
  const tid = str('tid');
  const pv = str('pv');
  const iat = num('iat');
  const exp = num('exp');
  if (
    iss === null ||
    sub === null ||
    aud === null ||
    jti === null ||
    ah === null ||
    tid === null ||
    pv === null ||
    iat === null ||
    exp === null
  ) {
    return null;
  }
  const obl = payload['obl'];
  if (obl !== undefined && !isJsonObject(obl)) return null;
  const ep = payload['ep'];
  if (ep !== undefined && typeof ep !== 'string') return null;
  const rawBnd = payload['bnd'];
  const bnd = rawBnd === undefined ? undefined : boundPartsOf(rawBnd);
  if (bnd === null) return null;
  return {
    iss,
    sub,
    aud,
    jti,
    iat,
    exp,
    ah,
    tid,
    pv,
    ...(obl === undefined ? {} : { obl }),
    ...(bnd === undefined ? {} : { bnd }),
    ...(ep === undefined ? {} : { ep }),
  };
}

/** The `bnd` claim, or null when it is not exactly the shape writ mints. */
function boundPartsOf(value: JsonValue): BoundParts | null {
  if (!isJsonObject(value)) return null;
  const { headers, scheme, subject, v } = value;
  if (typeof scheme !== 'string' || typeof subject !== 'string' || !Number.isSafeInteger(v)) return null;
  if (!isJsonObject(headers) || typeof headers['set'] !== 'string' || typeof headers['sha256'] !== 'string')
    return null;
  return { headers: { set: headers['set'], sha256: headers['sha256'] }, scheme, subject, v: v as number };
}

/**
 * Which bound part differs between the token and the request, in the order they are reported, or null.
 * The envelope version (and the header set that is part of it) first: parts of another version mean
 * nothing to this verifier.
 */
function boundMismatch(
  bnd: BoundParts | undefined,
  expect: BoundParts,
): { readonly code: ReasonCode; readonly message: string } | null {
  if (bnd === undefined || bnd.v !== expect.v)
    return {
      code: 'ERR_TOKEN_ENVELOPE_VERSION',
      message: `token binds canonical action version ${bnd === undefined ? 1 : bnd.v}, this verifier accepts only ${expect.v}`,
    };
  if (bnd.headers.set !== expect.headers.set)
    return {
      code: 'ERR_TOKEN_ENVELOPE_VERSION',
      message: `token binds header set "${bnd.headers.set}", this verifier's set for the host is "${expect.headers.set}"`,
    };
  if (bnd.scheme !== expect.scheme)
    return {
      code: 'ERR_TOKEN_SCHEME',
      message: `token was issued for scheme "${bnd.scheme}", the request uses "${expect.scheme}"`,
    };
  if (bnd.subject !== expect.subject)
    return {
      code: 'ERR_TOKEN_SUBJECT',
      message: `token was issued to ${bnd.subject === '' ? 'an unauthenticated caller' : `"${bnd.subject}"`}, presented by ${expect.subject === '' ? 'an unauthenticated caller' : `"${expect.subject}"`}`,
    };
  if (bnd.headers.sha256 !== expect.headers.sha256)
    return {
      code: 'ERR_TOKEN_HEADERS_MISMATCH',
      message: 'a bound request header was added, removed or changed after the check',
    };
  return null;
}

/**
 * Checks a token against the request about to execute: structure, algorithm, type, key, signature,
 * issuer, time, audience, envelope version, scheme, subject, headers and action hash, in that order. Single use (the jti) is the caller's step.
 * `decodedHeaders` is the codec's memo of the headers of tokens that verified, by their encoded form.
 */
function verifyToken(
  token: string,
  keys: KeySet,
  expect: VerifyExpectations,
  decodedHeaders: Map<string, JsonObject>,
  verifiedBatches: VerifiedBatches,
): TokenCheck {
  if (token.length === 0 || token.length > MAX_TOKEN_LENGTH)
    return fail('ERR_TOKEN_MALFORMED', 'token is empty or too long');
  const parts = token.split('.');
  // Five segments: the batch's compact JWS (header, payload, signature), the token's claims, its proof.
  // Three are read as far as the header, so a token of the single-signature form is named by its type.
  if (parts.length !== 5 && parts.length !== 3)
    return fail('ERR_TOKEN_MALFORMED', 'token is not a compact JWS with claims and an inclusion proof');
  const h = parts[0]!;
  // Every token of one key has the same header (with `wcrt`, about 800 bytes): decode it once per key.
  const header = decodedHeaders.get(h) ?? decodeJsonSegment(h);
  if (!isJsonObject(header)) return fail('ERR_TOKEN_MALFORMED', 'token header is not a JSON object');
  // SECURITY: the algorithm is fixed, never taken from the token ("none", HS256-with-public-key).
  if (header['alg'] !== 'EdDSA')
    return fail('ERR_TOKEN_ALG', `token algorithm ${JSON.stringify(header['alg'] ?? null)} is not EdDSA`);
  if (header['typ'] !== TOKEN_TYPE)
    return fail('ERR_TOKEN_TYPE', `token type ${JSON.stringify(header['typ'] ?? null)} is not ${TOKEN_TYPE}`);
  if (parts.length !== 5)
    return fail('ERR_TOKEN_MALFORMED', 'token carries no claims and inclusion proof beside its signature');
  const [, P, s, c, a] = parts as [string, string, string, string, string];
  const crit = header['crit'];
  const wcrt = header[CERT_HEADER_PARAM];
  // SECURITY: writ understands exactly one critical parameter, `wcrt`, and mints it only with its `crit`.
  if (crit !== undefined && !(Array.isArray(crit) && crit.length === 1 && crit[0] === CERT_HEADER_PARAM))
    return fail('ERR_TOKEN_MALFORMED', 'token has critical header parameters writ does not understand');
  if ((crit === undefined) !== (wcrt === undefined) || (wcrt !== undefined && typeof wcrt !== 'string'))
    return fail('ERR_TOKEN_MALFORMED', `token header ${CERT_HEADER_PARAM} must be a string declared in crit`);
  const kid = header['kid'];
  let key: KeyObject | undefined = typeof kid === 'string' ? keys.get(kid) : undefined;
  // Set only for a key another replica signs with: the validity its certification states.
  let certified: CertifiedKey | undefined;
  if (key === undefined) {
    // Not one of this replica's keys: trusted only if a root this replica trusts certified it.
    if (typeof kid !== 'string' || typeof wcrt !== 'string' || keys.certified === undefined)
      return fail('ERR_TOKEN_UNKNOWN_KEY', 'token was signed by an unknown key');
    const cert = keys.certified(wcrt);
    if (!cert.ok)
      return fail(
        cert.failure === 'untrusted' ? 'ERR_TOKEN_CERT_UNTRUSTED' : 'ERR_TOKEN_CERT_INVALID',
        cert.reason,
      );
    if (cert.key.kid !== kid)
      return fail('ERR_TOKEN_CERT_INVALID', 'token certification certifies another key than the token kid');
    certified = cert.key;
    key = certified.key;
  }
  const batch = batchOf(P);
  if (batch === null) return fail('ERR_TOKEN_MALFORMED', 'token batch payload is not {n, root}');
  const proof = strictBase64url(a);
  if (proof === null || proof.length < 2 || (proof.length - 2) % 32 !== 0)
    return fail('ERR_TOKEN_MALFORMED', 'token inclusion proof is not an index and 32-byte hashes');
  const path: Buffer[] = [];
  for (let off = 2; off < proof.length; off += 32) path.push(proof.subarray(off, off + 32));
  // SECURITY: the leaf is recomputed from this token's own header and claims; the walk fixes the path's
  // length for its index and the batch size, and leaf and node hashes are domain-separated (RFC 9162).
  const root = rootFromPath(leafHash(h, c), proof.readUInt16BE(0), batch.n, path);
  if (root === null || !root.equals(batch.root))
    return fail('ERR_TOKEN_SIGNATURE', 'token claims are not in the signed batch (inclusion proof fails)');
  const signature = strictBase64url(s);
  if (signature === null) return fail('ERR_TOKEN_MALFORMED', 'token signature is not base64url');
  const now = Math.floor(expect.nowMs / 1000);
  const signed = `${h}.${P}`;
  // SECURITY: a batch signature is remembered only once it verified, under the key this token resolves to
  // now, and no longer than that key's certification; the claims below are checked for every token.
  // A batch of one has no sibling to meet later, so it is neither looked up nor remembered.
  const remembered = batch.n > 1 ? `${signed}.${s}` : null;
  if (remembered === null || !verifiedBatches.has(remembered, key, now)) {
    if (signature.length !== 64 || !verifySignature(null, Buffer.from(signed, 'ascii'), key, signature))
      return fail('ERR_TOKEN_SIGNATURE', 'token signature does not verify');
    const notAfter = certified?.exp ?? Number.POSITIVE_INFINITY;
    if (remembered !== null && now <= notAfter) verifiedBatches.add(remembered, key, notAfter);
  }
  const payload = decodeJsonSegment(c);
  const claims = isJsonObject(payload) ? claimsOf(payload) : null;
  if (claims === null || claims.iss !== TOKEN_ISSUER)
    return fail('ERR_TOKEN_CLAIMS', 'token claims are missing or malformed');
  // The key may sign only within its certified window; iat and the window come from the minting replica's
  // clock, so no skew applies.
  if (certified !== undefined && (claims.iat < certified.nbf || claims.iat > certified.exp))
    return fail(
      'ERR_TOKEN_CERT_EXPIRED',
      `token issued at ${claims.iat}, outside its key's certified window ${certified.nbf}..${certified.exp}`,
    );
  const skew = expect.skewSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS;
  if (now > claims.exp + skew) return fail('ERR_TOKEN_EXPIRED', `token expired at ${claims.exp}`);
  if (claims.iat > now + skew)
    return fail('ERR_TOKEN_NOT_YET_VALID', `token issued in the future (${claims.iat})`);
  if (claims.aud !== expect.audience)
    return fail('ERR_TOKEN_AUDIENCE', `token audience "${claims.aud}" is not "${expect.audience}"`);
  const mismatch = expect.bound === null ? null : boundMismatch(claims.bnd, expect.bound);
  if (mismatch !== null) return fail(mismatch.code, mismatch.message);
  if (expect.actionHash !== null && claims.ah !== expect.actionHash)
    return fail('ERR_TOKEN_ACTION_MISMATCH', 'request does not match the action the token binds');
  if (!decodedHeaders.has(h)) {
    // Only headers of tokens that verified are kept, so a caller cannot fill the cache with its own.
    if (decodedHeaders.size >= MAX_KEYS_REMEMBERED) decodedHeaders.clear(); // keys rotate
    decodedHeaders.set(h, header);
  }
  return { ok: true, claims };
}

/**
 * The subject a token says it was minted for, read WITHOUT verifying it, or null when the token does not
 * say. Only for choosing which subject to recompute the bound action with when a configured forwarder
 * presents the token: `verifyExecutionToken` then checks the signature over that very subject and hash.
 */
export function claimedSubject(token: string): string | null {
  if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) return null;
  const parts = token.split('.');
  if (parts.length !== 5) return null;
  const payload = decodeJsonSegment(parts[3]!);
  if (!isJsonObject(payload) || payload['bnd'] === undefined) return null;
  return boundPartsOf(payload['bnd'])?.subject ?? null;
}
