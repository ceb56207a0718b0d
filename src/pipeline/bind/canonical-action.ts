/**
 * The canonical action: the exact envelope an execution token binds, serialized by RFC 8785 (JCS).
 * Both the check and the verify role compute it with this one function; docs/canonical-action.md
 * defines it for other implementations.
 */
import type { Action } from '../model/action.js';
import type { JsonValue } from '../model/json.js';
import type { RawRequest } from '../model/raw-request.js';

import { boundHeaders, type BoundHeaders, type UnboundHeaderSets } from './bound-headers.js';
import { canonicalJson } from './canonical-json.js';
import { sha256Base64url } from './digest.js';
import { createHash } from 'node:crypto';
import { WritError } from '../errors.js';
import { keptFacts, settled } from '../kept-arguments.js';

export { sha256Base64url } from './digest.js';

/**
 * The version of the envelope; bumped whenever its fields change. Version 2 added the scheme, the caller's
 * workload identity and the digest of the end-to-end request headers; a verifier refuses any other version.
 */
export const CANONICAL_ACTION_VERSION = 2;

/** What the envelope binds besides the request itself: who sent it, and which headers the mesh may change. */
export interface BindingContext {
  /** The caller's workload identity (its SPIFFE ID) as the role authenticated it; "" when it has none. */
  readonly subject: string;
  /** The policy's extra unbound headers per host (`settings.unbound_headers`). */
  readonly unboundHeaders?: UnboundHeaderSets | undefined;
}

/** The parts of the envelope a verifier checks one by one, each with its own reason code; signed as `bnd`. */
export interface BoundParts {
  readonly headers: BoundHeaders;
  readonly scheme: string;
  readonly subject: string;
  readonly v: number;
}

/** The request's scheme as bound: lower-case, `https` when the transport names none. */
export function canonicalScheme(raw: RawRequest): string {
  return raw.scheme === '' ? 'https' : raw.scheme.toLowerCase();
}

/** The bound parts of one request under a binding context. */
export function boundParts(raw: RawRequest, ctx: BindingContext): BoundParts {
  return {
    headers: boundHeaders(raw, ctx.unboundHeaders),
    scheme: canonicalScheme(raw),
    subject: ctx.subject,
    v: CANONICAL_ACTION_VERSION,
  };
}

/** Lower-cases the authority and drops the scheme's default port, so `Host: API.x:443` binds as `api.x`. */
export function canonicalAuthority(authority: string, scheme: string): string {
  const a = authority.toLowerCase();
  if ((scheme === 'https' && a.endsWith(':443')) || (scheme === 'http' && a.endsWith(':80'))) {
    return a.slice(0, a.lastIndexOf(':'));
  }
  return a;
}

/** base64url SHA-256 of the exact body bytes (the envelope binds it; the audit record carries it too). */
export function bodySha256(raw: RawRequest): string {
  return sha256Base64url(raw.body);
}

/**
 * The envelope as a JSON object (exposed for documentation and tests). `body_sha256` is the body's digest
 * when the caller has taken it already (`bindAction`), so one request's body is hashed once.
 */
export function canonicalEnvelope(
  raw: RawRequest,
  action: Action,
  parts: BoundParts,
  body_sha256: string = bodySha256(raw),
): { [k: string]: JsonValue } {
  // Built in RFC 8785 key order, so canonicalJson serializes it in one native pass.
  const authority = canonicalAuthority(raw.authority, parts.scheme);
  const content_type = (raw.headers['content-type'] ?? '').trim();
  const headers = { set: parts.headers.set, sha256: parts.headers.sha256 };
  // The method writ decided, override included (normalize/upstream-target.ts): a token for a POST is not
  // one for a DELETE.
  const method = action.action.httpMethod;
  const path = raw.path;
  const { scheme, subject, v } = parts;
  if (bindsArguments(action)) {
    const mcp = { arguments: action.action.arguments, tool: action.action.tool };
    return { authority, body_sha256, content_type, headers, mcp, method, path, scheme, subject, v };
  }
  return { authority, body_sha256, content_type, headers, method, path, scheme, subject, v };
}

/** Whether the envelope names the tool and its arguments (`mcp`): for an MCP tools/call. */
export function bindsArguments(action: Action): boolean {
  return action.action.adapter === 'mcp' && action.action.mcpMethod === 'tools/call';
}

/** The JCS serialization of the envelope. */
export function canonicalActionJson(raw: RawRequest, action: Action, parts: BoundParts): string {
  return canonicalJson(canonicalEnvelope(raw, action, parts));
}

/** `ah`: base64url SHA-256 of the canonical action JSON. */
export function actionHash(raw: RawRequest, action: Action, parts: BoundParts): string {
  return sha256Base64url(canonicalActionJson(raw, action, parts));
}

/** One request bound for its token, as a role binds it: once, after which every part is only read. */
export interface ActionBinding {
  /** The envelope parts the token signs as `bnd`. */
  readonly parts: BoundParts;
  /** `ah`: base64url SHA-256 of the canonical action JSON. */
  readonly hash: string;
  /** base64url SHA-256 of the body, taken once for the envelope; the role hands it to the audit record. */
  readonly bodySha256: string;
}

/**
 * `ah` of an action whose arguments stay on the inspection thread (kept-arguments.ts): the envelope's RFC 8785
 * text around the arguments' own, which the thread wrote with the same canonicalJson. RFC 8785 serializes an
 * object member by member in key order, so the envelope with `mcp.arguments` null, cut at that null, holds the
 * text on either side; the digest is taken over the three parts without joining them.
 */
function keptActionHash(envelope: { [k: string]: JsonValue }, canonicalArguments: string): string {
  const text = canonicalJson(envelope);
  // No member before `mcp` can hold this text: its keys are fixed, and a quote inside a JSON string is escaped.
  const at = text.indexOf(KEPT_ARGUMENTS_MARK);
  if (at === -1) throw new Error('the canonical envelope has no mcp.arguments to put the kept arguments in');
  const cut = at + KEPT_ARGUMENTS_MARK.length;
  return createHash('sha256')
    .update(text.slice(0, cut - 'null'.length))
    .update(canonicalArguments)
    .update(text.slice(cut))
    .digest('base64url');
}

/** Where the arguments stand in the canonical envelope of an MCP tools/call, as null. */
const KEPT_ARGUMENTS_MARK = ',"mcp":{"arguments":null';

/** Binds one request: its envelope parts under `ctx`, its body digest and its action hash, each taken once. */
export function bindAction(raw: RawRequest, action: Action, ctx: BindingContext): ActionBinding {
  const parts = boundParts(raw, ctx);
  const body = bodySha256(raw);
  const kept = keptFacts(action.action.arguments);
  if (kept === undefined) {
    return {
      parts,
      hash: sha256Base64url(canonicalJson(canonicalEnvelope(raw, action, parts, body))),
      bodySha256: body,
    };
  }
  // The arguments stayed on the inspection thread; so did the walk over them (issue 15 F7).
  const bare = { ...action, action: { ...action.action, arguments: null } };
  const envelope = canonicalEnvelope(raw, bare, parts, body);
  if (!('mcp' in envelope))
    return { parts, hash: sha256Base64url(canonicalJson(envelope)), bodySha256: body };
  if (kept.canonicalArguments === null)
    throw new WritError(
      'ERR_ARGUMENTS_ON_THREAD',
      'the envelope binds arguments the thread did not serialize',
    );
  const hash = keptActionHash(envelope, settled(kept.canonicalArguments));
  return { parts, hash, bodySha256: body };
}
