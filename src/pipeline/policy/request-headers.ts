/**
 * Policy dimensions over the request's headers: `request.headers.<name>` (the value, null when absent, for
 * presence and value matching) and `request.bearer_for_other_host` (an `Authorization: Bearer` JWT whose
 * `aud` names hosts, none of them the destination: a credential carried to a host it was not issued for).
 */
import { canonicalHost } from '../normalize/host-pattern.js';
import type { PolicyInput } from './policy-input.js';

/** A header name in a dimension: lower-case RFC 9110 token characters. */
export const HEADER_DIMENSION = /^request\.headers\.([a-z0-9!#$%&'*+.^_`|~-]+)$/;

/** The value of one request header, or null when the request does not carry it. */
export function requestHeader(input: PolicyInput, name: string): string | null {
  const headers = input.facts.headers;
  if (headers === undefined || !Object.hasOwn(headers, name)) return null;
  return headers[name] ?? null;
}

const BEARER = /^Bearer[ \t]+([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]*)[ \t]*$/i;
/** A DNS host name with at least one dot (a bare word such as `writ` or `account` names no host). */
const HOST_NAME =
  /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const MAX_BEARER = 16 * 1024;

/** The host an `aud` value names: a URL's host, or a bare host name; null when it names none. */
export function audienceHost(aud: string): string | null {
  if (aud.includes('://')) {
    try {
      const host = canonicalHost(new URL(aud).hostname);
      return host === '' ? null : host;
    } catch {
      return null;
    }
  }
  const host = canonicalHost(aud.split(':', 1)[0] ?? '');
  return HOST_NAME.test(host) ? host : null;
}

/**
 * The claims of an `Authorization: Bearer` JWT, decoded and never trusted (the signature is not checked:
 * what is read here may only refuse a call, never admit one); null when the header carries no JWT.
 */
export function bearerClaims(authorization: string | null): Readonly<Record<string, unknown>> | null {
  if (authorization === null || authorization.length > MAX_BEARER) return null;
  const m = BEARER.exec(authorization);
  if (m === null) return null;
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(m[2]!, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) return null;
  return claims as Record<string, unknown>;
}

/** The string values of one claim that holds a string or a list of them (`aud`, RFC 8707's `resource`). */
export function claimStrings(claims: Readonly<Record<string, unknown>>, name: string): string[] {
  const v = Object.hasOwn(claims, name) ? claims[name] : undefined;
  return typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((a) => typeof a === 'string') : [];
}

/** The hosts the `aud` of an `Authorization: Bearer` JWT names (its claims decoded, never trusted). */
export function bearerAudienceHosts(authorization: string | null): string[] {
  const claims = bearerClaims(authorization);
  if (claims === null) return [];
  const auds = claimStrings(claims, 'aud');
  const hosts: string[] = [];
  for (const a of auds) {
    const h = audienceHost(a);
    if (h !== null) hosts.push(h);
  }
  return hosts;
}

/**
 * True when the request carries a bearer JWT whose `aud` names at least one host and none of them is the
 * destination host: writ can tell the credential was issued for another host. False when there is no such
 * token or its audience names no host (writ cannot tell).
 */
export function bearerForOtherHost(input: PolicyInput): boolean {
  const cached = input.memo.get('bearer-other-host');
  if (cached !== undefined) return cached as boolean;
  const hosts = bearerAudienceHosts(requestHeader(input, 'authorization'));
  const destination = canonicalHost(input.action.resource.host);
  const value = hosts.length > 0 && !hosts.includes(destination);
  input.memo.set('bearer-other-host', value);
  return value;
}
