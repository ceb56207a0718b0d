/**
 * What a verified delegation chain is (its hops, actors and effective scopes) and the pure scope rules the
 * identity stage applies to it; the chain's signatures are verified outside the core (src/identity).
 */
import type { OperationClass } from '../model/action.js';
import { classifyToolName, toolWords } from '../normalize/operation-class.js';
import { quote, type IdentityErrorCode } from './identity-errors.js';

/** The default maximum number of hops. */
export const DEFAULT_MAX_DEPTH = 5;

/** One verified hop: `sub` delegated to `actor` with `scopes` until `exp`. */
export interface DelegationHop {
  readonly index: number;
  readonly issuer: string;
  readonly sub: string;
  readonly actor: string;
  readonly scopes: readonly string[];
  readonly exp: number;
  readonly claims: Readonly<Record<string, unknown>>;
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

/** The scope levels of the convention, each allowing the operation classes listed. */
const LEVEL_ALLOWS: Readonly<Record<'read' | 'write' | 'admin', ReadonlySet<OperationClass>>> = {
  read: new Set<OperationClass>(['read']),
  write: new Set<OperationClass>(['read', 'write']),
  // admin allows everything, including classes writ could not determine (unknown).
  admin: new Set<OperationClass>(['read', 'write', 'delete', 'send', 'pay', 'exec', 'admin', 'unknown']),
};

/** The result of a scope check: the scope that allowed it, or the denial. */
export type ScopeCheck =
  | { readonly ok: true; readonly scope: string }
  | { readonly ok: false; readonly code: 'ERR_DELEGATION_SCOPE_INSUFFICIENT'; readonly message: string };

/**
 * Checks the convention `read.<resource>` allows read, `write.<resource>` allows read and write,
 * `admin.<resource>` allows every operation class; delete, send, pay, exec and unknown need admin.
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
