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

export type CertCheck =
  | {
      readonly ok: true;
      readonly kid: string;
      readonly key: KeyObject;
      readonly claims: KeyCertClaims;
      readonly issuer: string;
    }
  | { readonly ok: false; readonly reason: string };

/** Verifies a certification against issuer keys by kid; returns the certified key. */
export function verifyCertification(jws: string, issuers: ReadonlyMap<string, KeyObject>): CertCheck {
  const parts = jws.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'certification is not a compact JWS' };
  const [h, p, s] = parts as [string, string, string];
  let header: Record<string, unknown>;
  let claims: KeyCertClaims;
  try {
    header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as Record<string, unknown>;
    claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as KeyCertClaims;
  } catch {
    return { ok: false, reason: 'certification does not parse' };
  }
  if (header['alg'] !== 'EdDSA' || header['typ'] !== KEY_CERT_TYPE || typeof header['kid'] !== 'string')
    return { ok: false, reason: 'certification header is not EdDSA key-cert+jwt with a kid' };
  const issuer = issuers.get(header['kid']);
  if (issuer === undefined)
    return { ok: false, reason: `certification issuer "${header['kid']}" is not trusted` };
  if (!edVerify(null, Buffer.from(`${h}.${p}`, 'ascii'), issuer, Buffer.from(s, 'base64url')))
    return { ok: false, reason: 'certification signature does not verify' };
  if (claims.jwk?.kty !== 'OKP' || claims.jwk.crv !== 'Ed25519' || typeof claims.jwk.x !== 'string')
    return { ok: false, reason: 'certified key is not an Ed25519 JWK' };
  const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: claims.jwk.x }, format: 'jwk' });
  const kid = ed25519Thumbprint(key);
  if (kid !== claims.sub) return { ok: false, reason: 'certified key does not match its kid' };
  if (!Number.isSafeInteger(claims.nbf) || !Number.isSafeInteger(claims.exp) || claims.exp < claims.nbf)
    return { ok: false, reason: 'certification validity is malformed' };
  return { ok: true, kid, key, claims, issuer: header['kid'] };
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
  if (!c.ok) return c;
  if (c.kid !== kid) return { ok: false, reason: 'key event kid differs from its certification' };
  return { ok: true, kid, key: c.key, validity: { nbf: c.claims.nbf, exp: c.claims.exp } };
}
