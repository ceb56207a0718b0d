/**
 * Key certifications and the audit events that record key changes. A certification is a compact JWS
 * (typ `key-cert+jwt`) by a root key (local file or KMS) over a short-lived key's public JWK and
 * validity; the audit log and the JWKS carry it, so verifiers need only the root public key.
 */
import { createPublicKey, verify as edVerify, type KeyObject } from 'node:crypto';
import { ed25519Thumbprint } from './local-key.js';

/** The JWS `typ` of a key certification (RFC 8725 explicit typing). */
export const KEY_CERT_TYPE = 'key-cert+jwt';

/** What a certification states about the certified key. */
export interface KeyCertClaims {
  readonly iss: 'writ';
  /** kid (RFC 7638 thumbprint) of the certified key. */
  readonly sub: string;
  readonly jwk: { readonly kty: 'OKP'; readonly crv: 'Ed25519'; readonly x: string };
  /** Seconds: the key may sign from nbf to exp (tokens it signs may be verified until exp + token ttl). */
  readonly nbf: number;
  readonly exp: number;
}

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64url');

/** The public JWK members of an Ed25519 key. */
export function publicJwk(key: KeyObject): KeyCertClaims['jwk'] {
  return { kty: 'OKP', crv: 'Ed25519', x: key.export({ format: 'jwk' }).x ?? '' };
}

/** The JWS signing input for a certification of `key` by the issuer `issuerKid`. */
export function certificationInput(issuerKid: string, key: KeyObject, nbf: number, exp: number): string {
  const claims: KeyCertClaims = { iss: 'writ', sub: ed25519Thumbprint(key), jwk: publicJwk(key), nbf, exp };
  return `${b64(JSON.stringify({ alg: 'EdDSA', typ: KEY_CERT_TYPE, kid: issuerKid }))}.${b64(JSON.stringify(claims))}`;
}

/** Why a certification fails: malformed or inconsistent (`invalid`), or not signed by a trusted root. */
export type CertFailure = 'invalid' | 'untrusted';

export type CertCheck =
  | {
      readonly ok: true;
      readonly kid: string;
      readonly key: KeyObject;
      readonly claims: KeyCertClaims;
      readonly issuer: string;
    }
  | { readonly ok: false; readonly failure: CertFailure; readonly reason: string };

const B64URL = /^[A-Za-z0-9_-]+$/;
const invalid = (reason: string): CertCheck => ({ ok: false, failure: 'invalid', reason });
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function decodeSegment(segment: string): unknown {
  if (!B64URL.test(segment)) return undefined;
  try {
    return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Verifies a certification against issuer keys by kid; returns the certified key. It may come from a
 * token header (an attacker's bytes), so every member is type-checked and nothing here throws.
 */
export function verifyCertification(jws: string, issuers: ReadonlyMap<string, KeyObject>): CertCheck {
  const parts = jws.split('.');
  if (parts.length !== 3) return invalid('certification is not a compact JWS');
  const [h, p, s] = parts as [string, string, string];
  const header = decodeSegment(h);
  const claims = decodeSegment(p);
  if (!isObject(header) || !isObject(claims)) return invalid('certification does not parse');
  const issuerKid = header['kid'];
  // SECURITY: the algorithm is fixed (EdDSA), never taken from the certification.
  if (header['alg'] !== 'EdDSA' || header['typ'] !== KEY_CERT_TYPE || typeof issuerKid !== 'string')
    return invalid('certification header is not EdDSA key-cert+jwt with a kid');
  if (header['crit'] !== undefined) return invalid('certification has critical header parameters');
  const issuer = issuers.get(issuerKid);
  if (issuer === undefined)
    return { ok: false, failure: 'untrusted', reason: `certification issuer "${issuerKid}" is not trusted` };
  const sig = B64URL.test(s) ? Buffer.from(s, 'base64url') : null;
  if (sig === null || sig.length !== 64 || !edVerify(null, Buffer.from(`${h}.${p}`, 'ascii'), issuer, sig))
    return {
      ok: false,
      failure: 'untrusted',
      reason: `certification signature does not verify under root "${issuerKid}"`,
    };
  const jwk = claims['jwk'];
  if (!isObject(jwk) || jwk['kty'] !== 'OKP' || jwk['crv'] !== 'Ed25519' || typeof jwk['x'] !== 'string')
    return invalid('certified key is not an Ed25519 JWK');
  if (claims['iss'] !== 'writ') return invalid('certification issuer claim is not writ');
  let key: KeyObject;
  try {
    key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk['x'] }, format: 'jwk' });
  } catch {
    return invalid('certified key is not a valid Ed25519 public key');
  }
  const kid = ed25519Thumbprint(key);
  if (kid !== claims['sub']) return invalid('certified key does not match its kid');
  const { nbf, exp } = claims;
  if (!Number.isSafeInteger(nbf) || !Number.isSafeInteger(exp) || (exp as number) < (nbf as number))
    return invalid('certification validity is malformed');
  return {
    ok: true,
    kid,
    key,
    claims: {
      iss: 'writ',
      sub: kid,
      jwk: { kty: 'OKP', crv: 'Ed25519', x: jwk['x'] },
      nbf: nbf as number,
      exp: exp as number,
    },
    issuer: issuerKid,
  };
}

/** Checks an `audit.key-added` event: its certification must verify under a trusted key and match its kid. */
export function verifyKeyEvent(
  event: Readonly<Record<string, unknown>>,
  trusted: ReadonlyMap<string, KeyObject>,
):
  | { ok: true; kid: string; key: KeyObject; validity?: { nbf: number; exp: number } }
  | { ok: false; reason: string } {
  const kid = event['kid'];
  const cert = event['certification'];
  if (typeof kid !== 'string') return { ok: false, reason: 'key event has no kid' };
  // A key that is itself trusted (a root listed in --keys) needs no certification.
  const known = trusted.get(kid);
  if (known !== undefined) return { ok: true, kid, key: known };
  if (typeof cert !== 'string') return { ok: false, reason: `key "${kid}" is neither trusted nor certified` };
  const c = verifyCertification(cert, trusted);
  if (!c.ok) return { ok: false, reason: c.reason };
  if (c.kid !== kid) return { ok: false, reason: 'key event kid differs from its certification' };
  return { ok: true, kid, key: c.key, validity: { nbf: c.claims.nbf, exp: c.claims.exp } };
}
