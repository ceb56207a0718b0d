/**
 * OIDC discovery: `<issuer>/.well-known/openid-configuration` to `jwks_uri`, with the document's issuer
 * required to equal the configured issuer exactly (OIDC Discovery 1.0 section 4.3, against mix-up).
 */
import { fail, quote, type IdentityFailure } from '../pipeline/identity/identity-errors.js';

/** What writ takes from a discovery document. */
export interface OidcMetadata {
  readonly ok: true;
  readonly issuer: string;
  readonly jwksUri: URL;
}

const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** Whether a URL may be fetched for key material: https, or http only on loopback (tests, sidecars). */
export function isAllowedKeyUrl(url: URL): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
}

/** The discovery URL for an issuer: the issuer with any trailing slash removed, then the well-known path. */
export function discoveryUrl(issuer: string): URL {
  return new URL(`${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`);
}

/** Fetches and checks the discovery document of `issuer`; never throws on network or document errors. */
export async function discoverOidc(
  issuer: string,
  options: { readonly timeoutMs?: number } = {},
): Promise<OidcMetadata | IdentityFailure<'ERR_OIDC_DISCOVERY' | 'ERR_OIDC_ISSUER_MISMATCH'>> {
  let url: URL;
  try {
    url = discoveryUrl(issuer);
  } catch {
    return fail('ERR_OIDC_DISCOVERY', `issuer ${quote(issuer)} is not a url`);
  }
  if (!isAllowedKeyUrl(url)) return fail('ERR_OIDC_DISCOVERY', `issuer ${quote(issuer)} is not https`);
  let doc: unknown;
  try {
    // SECURITY: redirects are not followed, so the document comes from the issuer's own origin.
    const res = await fetch(url, {
      redirect: 'manual',
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
    });
    if (res.status !== 200)
      return fail('ERR_OIDC_DISCOVERY', `discovery at ${quote(url.href)} answered ${res.status}`);
    doc = await res.json();
  } catch (err) {
    return fail('ERR_OIDC_DISCOVERY', `discovery at ${quote(url.href)} failed: ${(err as Error).message}`);
  }
  if (typeof doc !== 'object' || doc === null)
    return fail('ERR_OIDC_DISCOVERY', 'discovery document is not an object');
  const { issuer: docIssuer, jwks_uri: jwksUri } = doc as Record<string, unknown>;
  if (docIssuer !== issuer) {
    return fail(
      'ERR_OIDC_ISSUER_MISMATCH',
      `discovery document issuer ${quote(String(docIssuer))} is not ${quote(issuer)}`,
    );
  }
  if (typeof jwksUri !== 'string') return fail('ERR_OIDC_DISCOVERY', 'discovery document has no jwks_uri');
  let jwks: URL;
  try {
    jwks = new URL(jwksUri);
  } catch {
    return fail('ERR_OIDC_DISCOVERY', `jwks_uri ${quote(jwksUri)} is not a url`);
  }
  if (!isAllowedKeyUrl(jwks)) return fail('ERR_OIDC_DISCOVERY', `jwks_uri ${quote(jwksUri)} is not https`);
  return { ok: true, issuer, jwksUri: jwks };
}
