/**
 * RFC 8693 delegation as a chain of tokens, one per hop (`x-writ-delegation-chain`, origin first): each
 * hop is verified and may only narrow what the previous hop granted (actor, scope, expiry, may_act).
 */
import {
  DEFAULT_MAX_DEPTH,
  type DelegationFailure,
  type DelegationHop,
  type DelegationResult,
} from '../pipeline/identity/delegation-scope.js';
import { quote, type IdentityErrorCode } from '../pipeline/identity/identity-errors.js';
import { verifyJwt, type JwtVerifyOptions } from './jwt-verifier.js';

/** Options of chain verification. */
export interface DelegationOptions {
  /** How each hop's token is verified (issuers, audience, skew, clock). */
  readonly verify: JwtVerifyOptions;
  /** Maximum number of hops; default 5. */
  readonly maxDepth?: number;
}

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
