/**
 * The canonical action: the exact envelope an execution token binds, serialized by RFC 8785 (JCS).
 * Both the check and the verify role compute it with this one function; docs/canonical-action.md
 * defines it for other implementations.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Action } from '../model/action.js';
import type { JsonValue } from '../model/json.js';
import type { RawRequest } from '../model/raw-request.js';

// canonicalize ships CommonJS whose typings declare an ESM default; require() sidesteps the mismatch.
const canonicalize = createRequire(import.meta.url)('canonicalize') as (value: unknown) => string | undefined;

/** The version of the envelope; bumped if its fields ever change. */
export const CANONICAL_ACTION_VERSION = 1;

/** Lower-cases the authority and drops the scheme's default port, so `Host: API.x:443` binds as `api.x`. */
export function canonicalAuthority(authority: string, scheme: string): string {
  const a = authority.toLowerCase();
  if ((scheme === 'https' && a.endsWith(':443')) || (scheme === 'http' && a.endsWith(':80'))) {
    return a.slice(0, a.lastIndexOf(':'));
  }
  return a;
}

/** SHA-256, base64url without padding. */
export function sha256Base64url(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('base64url');
}

const bodyDigests = new WeakMap<RawRequest, string>();

/** base64url SHA-256 of the exact body bytes, computed once per request (the token and the audit both use it). */
export function bodySha256(raw: RawRequest): string {
  let digest = bodyDigests.get(raw);
  if (digest === undefined) {
    digest = sha256Base64url(raw.body);
    bodyDigests.set(raw, digest);
  }
  return digest;
}

/** The envelope as a JSON object (exposed for documentation and tests). */
export function canonicalEnvelope(raw: RawRequest, action: Action): { [k: string]: JsonValue } {
  const envelope: { [k: string]: JsonValue } = {
    v: CANONICAL_ACTION_VERSION,
    method: raw.method.toUpperCase(),
    authority: canonicalAuthority(raw.authority, raw.scheme || 'https'),
    path: raw.path,
    content_type: (raw.headers['content-type'] ?? '').trim(),
    body_sha256: bodySha256(raw),
  };
  if (action.action.adapter === 'mcp' && action.action.mcpMethod === 'tools/call') {
    envelope['mcp'] = { tool: action.action.tool, arguments: action.action.arguments };
  }
  return envelope;
}

/** The JCS serialization of the envelope. */
export function canonicalActionJson(raw: RawRequest, action: Action): string {
  const text = canonicalize(canonicalEnvelope(raw, action));
  if (text === undefined) throw new TypeError('canonical envelope did not serialize');
  return text;
}

/** `ah`: base64url SHA-256 of the canonical action JSON. */
export function actionHash(raw: RawRequest, action: Action): string {
  return sha256Base64url(canonicalActionJson(raw, action));
}
