/** What a typed API adapter reads from one call: the operation's class and id, the resource, payment, recipients. */
import type { OperationClass } from '../../model/action.js';
import type { ResourceHints } from '../adapter.js';
import { riskierReading } from '../../model/operation-danger.js';

/** One typed reading of a call on a known API (docs/adapters.md). */
export interface ApiReading {
  /** The operation's class; an operation the API does not define is never `read` (see `unknownOperation`). */
  readonly operation: OperationClass;
  /** The API's own id of the operation (`repos/delete`); null when the API defines no such operation. */
  readonly apiOperation: string | null;
  /** Resource facts: kind, id, owner, environment (and database, table, path where the API names them). */
  readonly resource?: ResourceHints;
  /** A payment's amount in the currency's major unit, and its ISO 4217 currency (upper-case). */
  readonly amount?: number;
  readonly currency?: string;
  /** Every recipient a send names, lower-case addresses (chat channel ids for chat sends). */
  readonly recipients?: readonly string[];
}

/** Methods that by HTTP's own definition do not change the server (RFC 9110 section 9.2.1). */
const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The reading of an operation the API does not define (a path no route matches, a method the route lacks):
 * `delete` for DELETE, `unknown` for a safe method, and the family's most dangerous class otherwise.
 * SECURITY: never `read` — an unlisted operation of a known API is how a new or mistyped destructive call
 * arrives, and a lenient reading of the path would be the bypass.
 */
export function unknownOperation(method: string, mostDangerous: OperationClass): ApiReading {
  if (method === 'DELETE') return { operation: 'delete', apiOperation: null };
  if (SAFE_METHODS.has(method)) return { operation: 'unknown', apiOperation: null };
  return { operation: mostDangerous, apiOperation: null };
}

/**
 * The riskiest of several readings of one call (every run of a CLI in a tool's command lines, every operation
 * a request names), the first of them where classes tie; its API operation id and facts come with it.
 */
export function riskiestReading(readings: Iterable<ApiReading>): ApiReading | null {
  let best: ApiReading | null = null;
  for (const r of readings)
    if (best === null || riskierReading(best.operation, r.operation) !== best.operation) best = r;
  return best;
}
