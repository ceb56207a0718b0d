/**
 * Whose token an MCP call carries. MCP's authorization specification (2025-06-18) binds an access token
 * to the MCP server it was requested for (RFC 8707 resource indicators: the client names the server's
 * canonical URI, and the token's `aud` holds it), and forbids token passthrough: a server, or an agent,
 * must not hand a token issued for one server to another. Read from the `Authorization: Bearer` JWT's
 * `aud` and `resource` claims, decoded and never trusted: this reading only ever refuses a call.
 */
import type { Action } from '../model/action.js';
import { canonicalHost } from '../normalize/host-pattern.js';
import { defaultPort } from '../normalize/default-port.js';
import { audienceHost, bearerClaims, claimStrings } from '../policy/request-headers.js';

/**
 * `this-server`: an audience is this MCP server (its canonical URI, a URI above it on the same origin, or
 * its host); `other`: the audiences name servers or hosts, none of them this one; `unknown`: none names a
 * server or host (`writ`, `account`), so writ cannot tell.
 */
export type McpTokenAudience = 'this-server' | 'other' | 'unknown';

/** The audiences a bearer JWT names: its `aud` and RFC 8707 `resource` claims, each value once. */
export function tokenAudiences(authorization: string | null): readonly string[] {
  const claims = bearerClaims(authorization);
  if (claims === null) return [];
  return [...new Set([...claimStrings(claims, 'aud'), ...claimStrings(claims, 'resource')])];
}

/** The request's port as a number (the scheme's default when the authority names none). */
function portOf(port: number | null, scheme: string): number | null {
  return port ?? defaultPort(scheme);
}

/** True when `path` is `base` or lies under it by whole segments (`/mcp` covers `/mcp/x`, not `/mcpx`). */
function underPath(path: string, base: string): boolean {
  const b = base.endsWith('/') ? base.slice(0, -1) : base;
  return b === '' || path === b || path.startsWith(`${b}/`);
}

/** What one audience value says of the server the action is sent to. */
function audienceOf(aud: string, action: Action): 'this' | 'other' | 'none' {
  const r = action.resource;
  const host = canonicalHost(r.host);
  if (aud.includes('://')) {
    let url: URL;
    try {
      // The URL parser resolves dot segments, so `https://h/mcp/../admin` names `/admin`, not `/mcp`.
      url = new URL(aud);
    } catch {
      return 'none';
    }
    const named = audienceHost(aud);
    if (named === null) return 'none';
    const scheme = url.protocol.slice(0, -1).toLowerCase();
    const port = url.port === '' ? defaultPort(scheme) : Number(url.port);
    // RFC 8707: a resource indicator has no fragment; a URI with a query or fragment names no server here.
    const same =
      named === host &&
      scheme === r.scheme &&
      port === portOf(r.port, r.scheme) &&
      url.search === '' &&
      url.hash === '' &&
      underPath(r.path, url.pathname);
    return same ? 'this' : 'other';
  }
  const named = audienceHost(aud);
  if (named === null) return 'none';
  const colon = aud.lastIndexOf(':');
  const port = colon < 0 ? null : Number(aud.slice(colon + 1));
  return named === host && (port === null || port === portOf(r.port, r.scheme)) ? 'this' : 'other';
}

/**
 * Whose token an MCP call carries; null when the action is not MCP or carries no bearer JWT. SECURITY: a
 * token one audience of which is this server passes this check only; whether the token is valid at all
 * is the server's (or writ's identity stage's, for a configured issuer) to judge.
 */
export function mcpTokenAudience(action: Action, authorization: string | null): McpTokenAudience | null {
  if (action.action.adapter !== 'mcp') return null;
  if (bearerClaims(authorization) === null) return null;
  let other = false;
  for (const aud of tokenAudiences(authorization)) {
    const said = audienceOf(aud, action);
    if (said === 'this') return 'this-server';
    if (said === 'other') other = true;
  }
  return other ? 'other' : 'unknown';
}
