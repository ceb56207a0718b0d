/**
 * REST operations whose request URI may name a query key (`PUT /{Bucket}?policy`, `POST /{Bucket}?delete`,
 * as AWS's REST models write them), compiled onto the shared route table: the path picks the candidates,
 * the query keys present pick among them.
 */
import type { OperationClass } from '../../model/action.js';
import { compileRoutes, type RouteTable } from './route-table.js';

/** One operation of a REST model: its name, method and request URI (path and optional `?key[=value]`). */
export type RestOperation = readonly [name: string, method?: string, requestUri?: string];

interface Candidate {
  readonly name: string;
  /** The query key the operation requires (`policy`, `delete`, `x-id=GetObject`), or null. */
  readonly query: readonly (readonly [string, string | null])[];
}

/**
 * A compiled REST model. `match` returns every operation the request may be read as (those whose query keys
 * it carries, the most specific first: `PUT /b?policy` is PutBucketPolicy, and CreateBucket to a server that
 * ignores the key), so the family can take the riskiest; null when none.
 */
export interface RestOperations {
  readonly size: number;
  match(
    method: string,
    pathname: string,
    query: Readonly<Record<string, readonly string[]>>,
  ): { names: readonly string[]; params: Readonly<Record<string, string>> } | null;
}

function parseRequired(q: string): Array<readonly [string, string | null]> {
  if (q === '') return [];
  return q.split('&').map((part) => {
    const eq = part.indexOf('=');
    return eq === -1 ? ([part, null] as const) : ([part.slice(0, eq), part.slice(eq + 1)] as const);
  });
}

/** Compiles a REST model's operations; `{Key+}` parameters may span segments. */
export function compileRestOperations(operations: readonly RestOperation[]): RestOperations {
  const groups = new Map<string, Candidate[]>();
  const greedy = new Set<string>();
  const routes: Array<{ method: string; path: string; id: string; operation: OperationClass; kind: null }> =
    [];
  for (const [name, method = 'POST', uri = '/'] of operations) {
    const q = uri.indexOf('?');
    const rawPath = q === -1 ? uri : uri.slice(0, q);
    const path = rawPath.replace(/\{([A-Za-z0-9_.-]+)\+\}/g, (_, p: string) => {
      greedy.add(p);
      return `{${p}}`;
    });
    const key = `${method} ${path}`;
    let group = groups.get(key);
    if (group === undefined) {
      group = [];
      groups.set(key, group);
      routes.push({ method, path, id: key, operation: 'unknown', kind: null });
    }
    group.push({ name, query: parseRequired(q === -1 ? '' : uri.slice(q + 1)) });
  }
  // The candidate naming the most query keys first: `?versioning` must not fall to the bare bucket route.
  for (const group of groups.values()) group.sort((a, b) => b.query.length - a.query.length);
  const table: RouteTable = compileRoutes(routes, { greedyParams: [...greedy] });
  return {
    size: operations.length,
    match(method, pathname, query) {
      const m = table.match(method, pathname);
      if (m === null) return null;
      const names = (groups.get(m.route.id) ?? [])
        .filter((c) =>
          c.query.every(([k, v]) => {
            const values = query[k];
            return values !== undefined && (v === null || values.includes(v));
          }),
        )
        .map((c) => c.name);
      return names.length === 0 ? null : { names, params: m.params };
    },
  };
}
