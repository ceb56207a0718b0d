/**
 * GitHub GraphQL (`POST api.github.com/graphql`): every operation of the document counts (the server runs the
 * one `operationName` picks, or rejects the request; writ does not guess which), so the call is the riskiest
 * of its root fields. Queries read; each mutation is classed from the table generated from GitHub's schema
 * (generated/github-graphql-fields.ts), with the REST table's resource kinds, so `branch-protection` and
 * `rules` rules hold for both. A mutation the schema does not define, a document writ cannot parse, or a
 * request with no document is the most dangerous class; a mutation smuggled into a query (a fragment on
 * `Mutation`, a mutation field selected at a query's root) counts as that mutation.
 */
import type { OperationClass } from '../../model/action.js';
import { isJsonObject, type JsonValue } from '../../model/json.js';
import type { ApiFamily, ApiRequest } from '../api/api-family.js';
import type { ApiReading } from '../api/api-reading.js';
import { graphqlDocumentsOf, graphqlOperations } from '../api/graphql-operations.js';
import { pathSegments } from '../api/route-table.js';
import { riskierReading } from '../../model/operation-danger.js';
import {
  GITHUB_GRAPHQL_MUTATIONS,
  GITHUB_GRAPHQL_QUERY_FIELDS,
  GITHUB_GRAPHQL_UNCLASSIFIED,
} from './generated/github-graphql-fields.js';

const QUERY_FIELDS: ReadonlySet<string> = new Set(GITHUB_GRAPHQL_QUERY_FIELDS);
const MUTATIONS: ReadonlyMap<string, readonly [OperationClass, string]> = new Map(
  GITHUB_GRAPHQL_MUTATIONS.map(([field, cls, kind]) => [field, [cls, kind]] as const),
);
const UNCLASSIFIED: ReadonlySet<string> = new Set(GITHUB_GRAPHQL_UNCLASSIFIED.map(([f]) => f));

/** The GraphQL endpoint's path: `/graphql` on api.github.com, `/api/graphql` on GitHub Enterprise Server. */
export const GITHUB_GRAPHQL_PATHS: readonly string[] = ['/graphql', '/api/graphql'];

/** The path as the route table reads it (decoded, empty segments dropped, lower case), or null. */
function endpointPath(pathname: string): string | null {
  const segments = pathSegments(pathname);
  return segments === null ? null : `/${segments.join('/').toLowerCase()}`;
}

/** The reading of one root field under the root type it is read as. */
function fieldReading(type: 'query' | 'mutation' | 'subscription', field: string): ApiReading {
  const mutation = MUTATIONS.get(field);
  if (type === 'mutation' || (mutation !== undefined && !QUERY_FIELDS.has(field))) {
    // SECURITY: a mutation field at a query's root is what a lenient server might run as the mutation.
    if (mutation === undefined) return { operation: 'delete', apiOperation: `mutation.${field}` };
    return { operation: mutation[0], apiOperation: `mutation.${field}`, resource: { kind: mutation[1] } };
  }
  if (UNCLASSIFIED.has(field)) return { operation: 'delete', apiOperation: `mutation.${field}` };
  return {
    operation: type === 'query' && QUERY_FIELDS.has(field) ? 'read' : 'unknown',
    apiOperation: `${type}.${field}`,
  };
}

/** Variables that name the repository or resource a mutation acts on (`{"input": {"repositoryId": ...}}`). */
const ID_VARIABLES = [
  'repositoryId',
  'branchProtectionRuleId',
  'rulesetId',
  'id',
  'issueId',
  'pullRequestId',
];

function variableId(body: JsonValue): string | null {
  if (!isJsonObject(body)) return null;
  const vars = body['variables'];
  if (!isJsonObject(vars)) return null;
  for (const scope of [vars, vars['input']]) {
    if (!isJsonObject(scope)) continue;
    for (const n of ID_VARIABLES) {
      const v = scope[n];
      if (typeof v === 'string' && v.length > 0) return v;
    }
  }
  return null;
}

function readRequest(request: ApiRequest): ApiReading {
  const docs = graphqlDocumentsOf(request);
  const unreadable: ApiReading = { operation: 'delete', apiOperation: null };
  if (docs === null) return unreadable;
  if (docs.length === 0)
    return request.method === 'GET' ? { operation: 'unknown', apiOperation: null } : unreadable;
  let best: ApiReading | null = null;
  for (const doc of docs) {
    // SECURITY: a document writ cannot parse may hold any mutation.
    const ops = graphqlOperations(doc);
    if (ops === null) return unreadable;
    for (const op of ops) {
      for (const field of op.fields) {
        const reading = fieldReading(op.type, field);
        if (best === null || riskierReading(best.operation, reading.operation) !== best.operation)
          best = reading;
      }
    }
  }
  // Only `__typename` selected: nothing of the API runs, but nothing the table knows either.
  if (best === null) return { operation: 'unknown', apiOperation: null };
  return {
    ...best,
    resource: { kind: best.resource?.kind ?? null, id: variableId(request.body), owner: null },
  };
}

/** The GitHub GraphQL family. */
export const githubGraphqlFamily: ApiFamily = {
  id: 'github-graphql',
  hosts: ['api.github.com'],
  hostList: 'github',
  mostDangerous: 'delete',
  claims: (request) => GITHUB_GRAPHQL_PATHS.includes(endpointPath(request.pathname) ?? ''),
  readRequest,
};
