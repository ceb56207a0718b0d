/**
 * The identity stage: who is calling (workload SPIFFE ID, JWT, API key, inbound session) and on whose
 * behalf (the delegation chain). Pure: every key fetch and file read is behind the injected IdentityDeps.
 */
import { API_KEY_HEADER, DELEGATION_HEADER, SESSION_HEADER, AGENT_HEADER } from '../headers.js';
import type { ApiKeyResult, JwtResult } from './credentials.js';
import {
  checkScopeForOperation,
  resourceFromToolName,
  type DelegationResult,
  type DelegationSuccess,
} from './delegation-scope.js';
import { quote } from './identity-errors.js';
import {
  resolveWorkloadIdentity,
  type WorkloadIdentity,
  type WorkloadIdentityConfig,
} from './workload-identity.js';
import type { ReasonCode } from '../errors.js';
import type { Action, Subject } from '../model/action.js';
import type { RawRequest } from '../model/raw-request.js';

/** Envoy's forwarded client certificate header; read only when a trusted proxy is configured. */
export const XFCC_HEADER = 'x-forwarded-client-cert';

/** What the identity stage needs from the outside world; built by the composition root. */
export interface IdentityDeps {
  /** Trusted trust domains, and the XFCC trusted proxy when one is configured. */
  readonly workload: WorkloadIdentityConfig;
  /** The configured JWT issuers (`iss` values); empty when none are configured. */
  readonly issuers: readonly string[];
  /** Verifies a JWT against the configured issuers at `nowMs`; absent when none are configured. */
  readonly verifyJwt?: (token: string, nowMs: number) => Promise<JwtResult>;
  /** Verifies an `x-writ-delegation-chain` header at `nowMs`; absent when no issuers are configured. */
  readonly verifyChain?: (header: string, nowMs: number) => Promise<DelegationResult>;
  /** Authenticates an API key; absent when no key file is configured. */
  readonly authenticateApiKey?: (key: string) => Promise<ApiKeyResult>;
}

/**
 * A token caller's principal: `jwt:<iss>/<sub>` or `api-key:<subject>`, each part percent-encoded, so
 * no issuer and subject pair can spell another's key (`/` and `:` never appear unencoded in a part).
 */
export function credentialPrincipal(method: 'jwt' | 'api-key', subject: string, issuer = ''): string {
  return method === 'jwt'
    ? `jwt:${encodeURIComponent(issuer)}/${encodeURIComponent(subject)}`
    : `api-key:${encodeURIComponent(subject)}`;
}

/** A caller authenticated by a token: a JWT (bearer or session) or an API key. */
export interface Credential {
  readonly ok: true;
  readonly method: 'jwt' | 'api-key';
  /** The token's `sub`, or the API key's subject. */
  readonly subject: string;
  /** The subject qualified by how it was authenticated, unique across issuers (`credentialPrincipal`). */
  readonly principal: string;
  readonly scopes: readonly string[];
  /** The session id a JWT names (`sid`, else `jti`); null for API keys. */
  readonly sessionId: string | null;
}

/** A denial by the identity stage, with the underlying code when the reported one summarizes it. */
export interface IdentityDenial {
  readonly ok: false;
  readonly code: ReasonCode;
  readonly message: string;
  readonly cause?: ReasonCode;
}

/** The action with the identity facts applied, or the denial. */
export type IdentityResult = { readonly ok: true; readonly action: Action } | IdentityDenial;

/** How one request's identity is resolved. */
export interface IdentityOptions {
  readonly nowMs: number;
  /** Whether `x-writ-agent` is trusted (it then names the agent, as in normalize). */
  readonly trustAgentHeaders: boolean;
  /**
   * Inbound: a bearer token is addressed to the governed agent, so writ verifies every one. Check: the
   * agent's outbound `authorization` usually belongs to the upstream API (a GitHub token, say), so only a
   * JWT whose unverified `iss` is a configured issuer is writ's to verify; the signature then proves it.
   */
  readonly strictBearer: boolean;
  /** The inbound session, already authenticated by `authenticateSession`. */
  readonly session?: Credential;
}

const UNAVAILABLE: ReadonlySet<ReasonCode> = new Set<ReasonCode>([
  'ERR_JWKS_UNAVAILABLE',
  'ERR_OIDC_DISCOVERY',
  'ERR_API_KEYS_UNAVAILABLE',
]);
const MAX_TOKEN_LENGTH = 16 * 1024;
const BEARER = /^Bearer[ \t]+([^\s,]+)[ \t]*$/i;

const deny = (code: ReasonCode, message: string, cause?: ReasonCode): IdentityDenial =>
  cause === undefined ? { ok: false, code, message } : { ok: false, code, message, cause };

/** The token of an `Authorization: Bearer` header, or null for any other scheme. */
function bearerToken(header: string | undefined): string | null {
  if (header === undefined) return null;
  return BEARER.exec(header)?.[1] ?? null;
}

/** Whether a compact JWT's unverified `iss` is a configured issuer; only selects, never authenticates. */
function namesConfiguredIssuer(token: string, issuers: readonly string[]): boolean {
  if (issuers.length === 0 || token.length > MAX_TOKEN_LENGTH) return false;
  const payload = token.split('.')[1];
  if (payload === undefined) return false;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
    const iss =
      typeof claims === 'object' && claims !== null ? (claims as Record<string, unknown>)['iss'] : null;
    return typeof iss === 'string' && issuers.includes(iss);
  } catch {
    return false;
  }
}

async function credentialFromJwt(
  ids: IdentityDeps,
  token: string,
  nowMs: number,
): Promise<Credential | IdentityDenial> {
  if (ids.verifyJwt === undefined) return deny('ERR_JWT_UNTRUSTED_ISSUER', 'no jwt issuers are configured');
  const r = await ids.verifyJwt(token, nowMs);
  if (!r.ok) return deny(r.code, r.message);
  const { sub, scope, jti, iss } = r.claims;
  if (typeof sub !== 'string' || sub.length === 0) return deny('ERR_JWT_CLAIMS', 'token has no sub claim');
  if (scope !== undefined && typeof scope !== 'string')
    return deny('ERR_JWT_CLAIMS', 'token scope is not a string');
  const sid = r.claims['sid'];
  return {
    ok: true,
    method: 'jwt',
    subject: sub,
    // Two trusted issuers may both have an "alice": the issuer is part of who the caller is.
    principal: credentialPrincipal('jwt', sub, typeof iss === 'string' ? iss : ''),
    scopes: typeof scope === 'string' ? scope.split(' ').filter((s) => s.length > 0) : [],
    sessionId: typeof sid === 'string' ? sid : (jti ?? null),
  };
}

async function credentialFromApiKey(ids: IdentityDeps, key: string): Promise<Credential | IdentityDenial> {
  // A writ-specific credential writ cannot check is refused, not ignored: the caller meant it for writ.
  if (ids.authenticateApiKey === undefined)
    return deny('ERR_API_KEY_UNKNOWN', 'no api key file is configured');
  const r = await ids.authenticateApiKey(key);
  if (!r.ok) return deny(r.code, r.message);
  return {
    ok: true,
    method: 'api-key',
    subject: r.subject,
    principal: credentialPrincipal('api-key', r.subject),
    scopes: r.scopes,
    sessionId: null,
  };
}

/**
 * Admits an inbound call by its session token (`x-writ-session-token`: a dotted token is a JWT, else an
 * API key). A missing or refused token is ERR_INBOUND_NO_SESSION with the underlying code as `cause`;
 * an unreachable IdP or key file keeps its own code, because a retry may succeed.
 */
async function authenticateSession(
  ids: IdentityDeps | undefined,
  raw: RawRequest,
  nowMs: number,
): Promise<Credential | IdentityDenial> {
  const token = raw.headers[SESSION_HEADER]?.trim() ?? '';
  if (token.length === 0) return deny('ERR_INBOUND_NO_SESSION', `no ${SESSION_HEADER} header`);
  if (ids === undefined) return deny('ERR_INBOUND_NO_SESSION', 'no jwt issuer or api key file is configured');
  const r = token.includes('.')
    ? await credentialFromJwt(ids, token, nowMs)
    : await credentialFromApiKey(ids, token);
  if (r.ok || UNAVAILABLE.has(r.code)) return r;
  return deny('ERR_INBOUND_NO_SESSION', `session token refused (${r.code}): ${r.message}`, r.code);
}

/** The subject's workload identity; null when unauthenticated (policy decides), a denial when untrusted. */
function resolveWorkload(ids: IdentityDeps, raw: RawRequest): WorkloadIdentity | IdentityDenial | null {
  const xfcc = raw.headers[XFCC_HEADER];
  // With a trusted proxy configured, a request without XFCC did not come through it: no identity.
  if (ids.workload.xfcc !== undefined && xfcc === undefined) return null;
  const w = resolveWorkloadIdentity({ principal: raw.sourcePrincipal, xfcc }, ids.workload);
  if (w.ok) return Object.freeze(w);
  // Empty or malformed principal (plaintext, PERMISSIVE mTLS): unauthenticated, and policy decides.
  return w.code === 'ERR_IDENTITY_UNAUTHENTICATED' ? null : Object.freeze(deny(w.code, w.message));
}

/** A peer principal's resolution, with a copy of the trusted domains it was made against. */
interface PeerWorkload {
  readonly trusted: readonly string[];
  readonly result: WorkloadIdentity | IdentityDenial | null;
}

const MAX_PEER_WORKLOADS = 256;
const MAX_PRINCIPAL_LENGTH = 2048;

function sameDomains(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The peer principals one identity stage has resolved. The check role's callers are a few workloads whose
 * principal recurs on every call; without XFCC the resolution depends only on the principal and the
 * trusted domains, so it is keyed on the one and checked against the other; results are frozen. Bounded:
 * cleared when full, long principals never stored. Owned by one stage instance, never shared by the module.
 */
class PeerWorkloads {
  private readonly seen = new Map<string, PeerWorkload>();

  of(ids: IdentityDeps, raw: RawRequest): WorkloadIdentity | IdentityDenial | null {
    const principal = raw.sourcePrincipal;
    if (ids.workload.xfcc !== undefined || principal.length > MAX_PRINCIPAL_LENGTH) {
      return resolveWorkload(ids, raw);
    }
    const trusted = ids.workload.trustedTrustDomains;
    const hit = this.seen.get(principal);
    if (hit !== undefined && sameDomains(hit.trusted, trusted)) return hit.result;
    const result = resolveWorkload(ids, raw);
    if (this.seen.size >= MAX_PEER_WORKLOADS) this.seen.clear();
    this.seen.set(principal, Object.freeze({ trusted: Object.freeze([...trusted]), result }));
    return result;
  }
}

/** Verifies the chain, binds its last actor to the caller, and checks its scope covers the tool call. */
async function delegationOf(
  ids: IdentityDeps,
  header: string,
  action: Action,
  callers: readonly string[],
  nowMs: number,
): Promise<DelegationSuccess | IdentityDenial> {
  // SECURITY: a chain writ cannot verify is refused, never ignored: policy may deny on hops or actors.
  if (ids.verifyChain === undefined)
    return deny('ERR_JWT_UNTRUSTED_ISSUER', 'a delegation chain was sent but no jwt issuers are configured');
  const d = await ids.verifyChain(header, nowMs);
  if (!d.ok) return deny(d.code, d.message);
  const last = d.actors[d.actors.length - 1] ?? '';
  // SECURITY: a valid chain stolen from another agent proves nothing about this caller.
  if (!callers.includes(last)) {
    return deny(
      'ERR_DELEGATION_ACTOR_MISMATCH',
      `the chain's last actor ${quote(last)} is not the caller (${callers.length === 0 ? 'unauthenticated' : callers.map((c) => quote(c)).join(', ')})`,
    );
  }
  // A batch's every tool call needs the scope a call of its own would (normalize/mcp/batch.ts).
  for (const call of action.elements ?? [action]) {
    if (call.action.mcpMethod !== 'tools/call') continue;
    const resource = resourceFromToolName(call.action.tool);
    if (resource === null) {
      return deny(
        'ERR_DELEGATION_SCOPE_INSUFFICIENT',
        `tool ${quote(call.action.tool)} names no resource a delegated scope can grant`,
      );
    }
    const scope = checkScopeForOperation(d.effectiveScopes, call.action.operation, resource);
    if (!scope.ok) return deny(scope.code, scope.message);
  }
  return d;
}

/**
 * (The body of `IdentityStage.resolve`.) Applies identity to a normalized action: the workload SPIFFE ID (trusted domains only), a bearer JWT or
 * API key, the inbound session, and the delegation chain. The result feeds policy: `subject.*` (scopes,
 * auth method) and `context.hops` / `context.actors`. With no identity configured the action is unchanged.
 */
async function resolveIdentity(
  ids: IdentityDeps | undefined,
  workloads: PeerWorkloads,
  raw: RawRequest,
  action: Action,
  opts: IdentityOptions,
): Promise<IdentityResult> {
  if (ids === undefined) return { ok: true, action };
  const h = raw.headers;
  const workload = workloads.of(ids, raw);
  if (workload !== null && !workload.ok) return workload;
  const bearer = bearerToken(h['authorization']);
  const apiKey = h[API_KEY_HEADER];
  const chain = h[DELEGATION_HEADER];
  const verifyBearer =
    bearer !== null &&
    ids.verifyJwt !== undefined &&
    (opts.strictBearer || namesConfiguredIssuer(bearer, ids.issuers));
  // Hot path (the check role with no credentials): normalize already derived this subject from the peer.
  if (
    ids.workload.xfcc === undefined &&
    !verifyBearer &&
    apiKey === undefined &&
    chain === undefined &&
    opts.session === undefined
  ) {
    return { ok: true, action };
  }
  let credential: Credential | null = null;
  if (verifyBearer) {
    const c = await credentialFromJwt(ids, bearer, opts.nowMs);
    if (!c.ok) return c;
    credential = c;
  }
  if (apiKey !== undefined) {
    const c = await credentialFromApiKey(ids, apiKey);
    if (!c.ok) return c;
    credential ??= c;
  }
  credential ??= opts.session ?? null;
  let delegation: DelegationSuccess | null = null;
  if (chain !== undefined) {
    const callers = [workload?.uri, credential?.subject, opts.session?.subject].filter(
      (c): c is string => c !== undefined,
    );
    const d = await delegationOf(ids, chain, action, callers, opts.nowMs);
    if (!d.ok) return d;
    delegation = d;
  }
  const id = workload?.id ?? null;
  const headerAgent = opts.trustAgentHeaders ? (h[AGENT_HEADER] ?? null) : null;
  const subject: Subject = {
    ...action.subject,
    spiffeId: workload?.uri ?? null,
    trustDomain: id?.trustDomain ?? null,
    namespace: id?.namespace ?? null,
    serviceAccount: id?.serviceAccount ?? null,
    agent: headerAgent ?? id?.serviceAccount ?? null,
    // The effective scope is the narrowest one: the chain's last hop, which no hop may widen.
    scopes: delegation?.effectiveScopes ?? credential?.scopes ?? [],
    authMethod: credential?.method ?? (workload === null ? 'none' : 'mtls'),
    // SECURITY: the workload first: an agent pod presenting a user's token is still that agent.
    principal: workload?.uri ?? credential?.principal ?? null,
  };
  return {
    ok: true,
    action: {
      ...action,
      subject,
      context: {
        ...action.context,
        hops: delegation?.hops.length ?? action.context.hops,
        ...(delegation === null ? {} : { actors: delegation.actors }),
        sessionId: opts.session?.sessionId ?? action.context.sessionId,
      },
    },
  };
}

/** The identity stage of one pipeline: its dependencies and the peer principals it has resolved. */
export interface IdentityStage {
  /**
   * Applies identity to a normalized action: the workload SPIFFE ID (trusted domains only), a bearer JWT
   * or API key, the inbound session, and the delegation chain; with no identity configured, unchanged.
   */
  resolve(raw: RawRequest, action: Action, opts: IdentityOptions): Promise<IdentityResult>;
  /** Admits an inbound call by its session token; see `authenticateSession`. */
  authenticateSession(raw: RawRequest, nowMs: number): Promise<Credential | IdentityDenial>;
  /**
   * The caller's workload identity as a token binds it: the SPIFFE ID this role authenticates (the peer
   * principal, or the trusted proxy's XFCC element), "" when there is none or it is not trusted. The check
   * and the verify role both compute it here, so a token presented by another workload fails.
   */
  boundWorkload(raw: RawRequest, action: Action): string;
}

/** Creates the identity stage for one pipeline; `ids` absent means no identity is configured. */
export function createIdentityStage(ids: IdentityDeps | undefined): IdentityStage {
  const workloads = new PeerWorkloads();
  return {
    resolve: (raw, action, opts) => resolveIdentity(ids, workloads, raw, action, opts),
    authenticateSession: (raw, nowMs) => authenticateSession(ids, raw, nowMs),
    boundWorkload(raw, action) {
      if (ids === undefined) return action.subject.spiffeId ?? '';
      const workload = workloads.of(ids, raw);
      return workload !== null && workload.ok ? workload.uri : '';
    },
  };
}
