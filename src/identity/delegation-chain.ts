/**
 * RFC 8693 delegation as a chain of tokens, one per hop (`x-writ-delegation-chain`, origin first): each
 * hop is verified and may only narrow what the previous hop granted (actor, scope, expiry, may_act).
 */
import type { JWTPayload } from 'jose';
import type { OperationClass } from '../pipeline/model/action.js';
import { classifyToolName, toolWords } from '../pipeline/normalize/operation-class.js';
import { quote, type IdentityErrorCode } from './identity-errors.js';
import { verifyJwt, type JwtVerifyOptions } from './jwt-verifier.js';

/** The request header that carries the chain: comma-separated compact JWTs, origin first. */
export const DELEGATION_HEADER = 'x-writ-delegation-chain';

/** The default maximum number of hops. */
export const DEFAULT_MAX_DEPTH = 5;

/** Options of chain verification. */
export interface DelegationOptions {
  /** How each hop's token is verified (issuers, audience, skew, clock). */
  readonly verify: JwtVerifyOptions;
  /** Maximum number of hops; default 5. */
  readonly maxDepth?: number;
}

/** One verified hop: `sub` delegated to `actor` with `scopes` until `exp`. */
export interface DelegationHop {
  readonly index: number;
  readonly issuer: string;
  readonly sub: string;
  readonly actor: string;
  readonly scopes: readonly string[];
  readonly exp: number;
  readonly claims: JWTPayload;
}

/** A chain that verified: its hops, the principals in order (origin first, caller last) and the scopes left. */
export interface DelegationSuccess {
  readonly ok: true;
  readonly hops: readonly DelegationHop[];
  readonly actors: readonly string[];
  readonly effectiveScopes: readonly string[];
}

/** A chain that did not verify, with the 0-based index of the hop that broke it. */
export interface DelegationFailure {
  readonly ok: false;
  readonly code: IdentityErrorCode;
  readonly hop: number;
  readonly message: string;
}

/** The result of `verifyDelegationChain`. */
export type DelegationResult = DelegationSuccess | DelegationFailure;

const MAX_HEADER_LENGTH = 64 * 1024;

function failHop(code: IdentityErrorCode, hop: number, message: string): DelegationFailure {
  return { ok: false, code, hop, message };
}

/** Splits the scope claim (space-separated, RFC 8693 section 4.2) into a set; absent means no scope. */
function parseScopes(value: unknown): string[] | null {
  if (value === undefined) return [];
  if (typeof value !== 'string') return null;
  return [...new Set(value.split(' ').filter((s) => s.length > 0))];
}

/** Whether `actor` (issued by `actorIssuer`) is allowed by a `may_act` claim: an object or a list of them. */
function mayActPermits(mayAct: unknown, actor: string, actorIssuer: string): boolean {
  const entries = Array.isArray(mayAct) ? (mayAct as unknown[]) : [mayAct];
  return entries.some((e) => {
    if (typeof e !== 'object' || e === null) return false;
    const { sub, iss } = e as Record<string, unknown>;
    return sub === actor && (iss === undefined || iss === actorIssuer);
  });
}

/** Verifies a delegation chain header; never throws, and checks every hop against the one before it. */
export async function verifyDelegationChain(
  header: string,
  options: DelegationOptions,
): Promise<DelegationResult> {
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  if (header.length > MAX_HEADER_LENGTH) {
    return failHop('ERR_DELEGATION_TOO_DEEP', 0, `header longer than ${MAX_HEADER_LENGTH} bytes`);
  }
  const tokens = header.split(',').map((t) => t.trim());
  if (tokens.length === 1 && tokens[0] === '')
    return failHop('ERR_DELEGATION_EMPTY', 0, 'delegation chain is empty');
  // Depth is checked before any signature so an oversized chain costs no crypto.
  if (tokens.length > maxDepth) {
    return failHop(
      'ERR_DELEGATION_TOO_DEEP',
      maxDepth,
      `chain has ${tokens.length} hops, at most ${maxDepth}`,
    );
  }
  const verified = await Promise.all(tokens.map((t) => verifyJwt(t, options.verify)));
  const hops: DelegationHop[] = [];
  // Every principal named so far (hop 0's sub, then each actor): a repeat is a loop of delegation.
  const seen = new Set<string>();
  for (const [i, v] of verified.entries()) {
    if (!v.ok) return failHop(v.code, i, `hop ${i}: ${v.message}`);
    const { claims } = v;
    const act = claims['act'];
    const actor =
      typeof act === 'object' && act !== null ? (act as Record<string, unknown>)['sub'] : undefined;
    if (typeof claims.sub !== 'string' || typeof actor !== 'string') {
      return failHop('ERR_DELEGATION_ACTOR_MISMATCH', i, `hop ${i} has no sub or no act.sub`);
    }
    const scopes = parseScopes(claims['scope']);
    if (scopes === null) return failHop('ERR_JWT_CLAIMS', i, `hop ${i} scope is not a string`);
    // INVARIANT: verifyJwt requires exp, so it is a number here.
    const exp = claims.exp ?? 0;
    const hop: DelegationHop = { index: i, issuer: v.issuer, sub: claims.sub, actor, scopes, exp, claims };
    const prev = hops[i - 1];
    if (prev !== undefined) {
      if (hop.sub !== prev.actor) {
        return failHop(
          'ERR_DELEGATION_ACTOR_MISMATCH',
          i,
          `hop ${i} sub ${quote(hop.sub)} is not hop ${i - 1} actor ${quote(prev.actor)}`,
        );
      }
      const widened = scopes.filter((s) => !prev.scopes.includes(s));
      if (widened.length > 0) {
        return failHop('ERR_DELEGATION_SCOPE_WIDENED', i, `hop ${i} adds scope ${quote(widened.join(' '))}`);
      }
      if (exp > prev.exp) {
        return failHop(
          'ERR_DELEGATION_EXPIRY_EXTENDED',
          i,
          `hop ${i} expires at ${exp}, after hop ${i - 1} (${prev.exp})`,
        );
      }
    }
    // SECURITY: a chain that returns to a principal already in it (A to B to A) lets an actor launder its
    // own request through another agent; it is never a legitimate delegation.
    if (i === 0) seen.add(hop.sub);
    if (seen.has(actor)) {
      return failHop(
        'ERR_DELEGATION_CYCLE',
        i,
        `hop ${i} actor ${quote(actor)} already appears in the chain`,
      );
    }
    seen.add(actor);
    // may_act on this hop's subject names who may act for it; the actor here is the next hop's sub.
    const next = verified[i + 1];
    const actorIssuer = next?.ok === true ? next.issuer : v.issuer;
    if (claims['may_act'] !== undefined && !mayActPermits(claims['may_act'], actor, actorIssuer)) {
      return failHop('ERR_DELEGATION_MAY_ACT', i, `hop ${i} may_act does not permit actor ${quote(actor)}`);
    }
    hops.push(hop);
  }
  const first = hops[0];
  const last = hops[hops.length - 1];
  if (first === undefined || last === undefined)
    return failHop('ERR_DELEGATION_EMPTY', 0, 'delegation chain is empty');
  return {
    ok: true,
    hops,
    actors: [first.sub, ...hops.map((h) => h.actor)],
    effectiveScopes: last.scopes,
  };
}

/** The scope levels of the convention, each allowing the operation classes listed. */
const LEVEL_ALLOWS: Readonly<Record<'read' | 'write' | 'admin', ReadonlySet<OperationClass>>> = {
  read: new Set<OperationClass>(['read']),
  write: new Set<OperationClass>(['read', 'write']),
  // admin allows everything, including classes writ could not determine (unknown).
  admin: new Set<OperationClass>(['read', 'write', 'delete', 'send', 'exec', 'admin', 'unknown']),
};

/** The result of a scope check: the scope that allowed it, or the denial. */
export type ScopeCheck =
  | { readonly ok: true; readonly scope: string }
  | { readonly ok: false; readonly code: 'ERR_DELEGATION_SCOPE_INSUFFICIENT'; readonly message: string };

/**
 * Checks the convention `read.<resource>` allows read, `write.<resource>` allows read and write,
 * `admin.<resource>` allows every operation class; delete, send, exec and unknown need admin.
 */
export function checkScopeForOperation(
  effectiveScopes: readonly string[],
  operationClass: OperationClass,
  resourceName: string,
): ScopeCheck {
  const resource = resourceName.toLowerCase();
  for (const level of ['read', 'write', 'admin'] as const) {
    const scope = `${level}.${resource}`;
    // Exact string match per scope: no wildcards, so `read.customers` never matches `read.customers_pii`.
    if (effectiveScopes.includes(scope) && LEVEL_ALLOWS[level].has(operationClass))
      return { ok: true, scope };
  }
  return {
    ok: false,
    code: 'ERR_DELEGATION_SCOPE_INSUFFICIENT',
    message: `no scope allows ${operationClass} on ${quote(resource)} (have ${quote(effectiveScopes.join(' '))})`,
  };
}

/** Naive English plural: `customer` to `customers`, `policy` to `policies`, `box` to `boxes`; `s` endings kept. */
export function pluralize(noun: string): string {
  if (noun.endsWith('s')) return noun;
  if (/[^aeiou]y$/.test(noun)) return `${noun.slice(0, -1)}ies`;
  if (/(x|z|ch|sh)$/.test(noun)) return `${noun}es`;
  return `${noun}s`;
}

/**
 * The resource a tool acts on: its last word that is not a verb, pluralized (`update_customer` to
 * `customers`, `getOrderItem` to `items`); null when the name has no noun (`search`).
 */
export function resourceFromToolName(tool: string): string | null {
  const nouns = toolWords(tool).filter((w) => classifyToolName(w) === 'unknown');
  const noun = nouns[nouns.length - 1];
  return noun === undefined ? null : pluralize(noun);
}
