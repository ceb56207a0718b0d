/**
 * Linear family: GraphQL at `api.linear.app/graphql`. Every operation of the document counts (a server may run
 * any one the `operationName` picks, or reject it): queries read, and each mutation's root field is classed by
 * the verb of its name (`issueDelete`, `userSuspend`, `apiKeyCreate`) from the generated table of the schema's
 * root fields (`@linear/sdk`). A field the schema does not define, or a document writ cannot read, is the most
 * dangerous class.
 */
import type { OperationClass } from '../../model/action.js';
import { isJsonObject, type JsonValue } from '../../model/json.js';
import type { ApiFamily, ApiRequest } from '../api/api-family.js';
import type { ApiReading } from '../api/api-reading.js';
import { graphqlDocumentsOf, graphqlOperations } from '../api/graphql-operations.js';
import { classifyOperationWords, operationWords } from '../api/operation-verbs.js';
import { riskierReading } from '../../model/operation-danger.js';
import { LINEAR_ROOT_FIELDS } from './generated/linear-fields.js';

const QUERY_FIELDS: ReadonlySet<string> = new Set(
  LINEAR_ROOT_FIELDS.filter(([t]) => t === 'query').map(([, f]) => f),
);
/** Mutation field -> the first word of the schema's description of it (`deletes`, `creates`). */
const MUTATION_FIELDS: ReadonlyMap<string, string> = new Map(
  LINEAR_ROOT_FIELDS.filter(([t]) => t === 'mutation').map(([, f, said]) => [f, said] as const),
);

/** Mutation fields on these nouns change who may do what in the workspace. */
const ACCESS_NOUNS: ReadonlySet<string> = new Set([
  'api',
  'oauth',
  'organization',
  'user',
  'team',
  'membership',
  'webhook',
  'integration',
  'integrations',
  'role',
  'invite',
  'saml',
  'passkey',
]);

/**
 * The class of a mutation field by the first verb in its name (Linear names fields noun first: `issueCreate`,
 * `teamMembershipDelete`, `initiativeRemoveLabel`; the last verb word is the verb), or null when no word of it is a verb writ knows.
 */
function classByName(field: string): OperationClass | null {
  const words = operationWords(field);
  // The verb is the last word that is one (`issueToReleaseCreate`, `initiativeRemoveLabel`).
  for (let i = words.length - 1; i >= 0; i--) {
    if (classifyOperationWords([words[i]!]) === null) continue;
    const cls = classifyOperationWords(words.slice(i));
    if (cls === null) continue;
    if (cls !== 'delete' && cls !== 'read' && words.slice(0, i).some((w) => ACCESS_NOUNS.has(w)))
      return 'admin';
    // `issueArchive` hides the issue from every view: a removal, as the schema's own word ("archives") says.
    if (words[i] === 'archive') return 'delete';
    return cls;
  }
  return null;
}

/** The class the schema's own description gives (`Deletes ...` -> delete, `Archives ...` -> delete), or null. */
function classByDescription(said: string): OperationClass | null {
  // Third person to the verb: `deletes` -> `delete`, `archives` -> `archive`, `pushes` -> `push`.
  for (const verb of [said.replace(/s$/, ''), said.replace(/es$/, '')]) {
    if (verb === 'archive') return 'delete';
    const cls = classifyOperationWords([verb]);
    if (cls !== null) return cls;
  }
  return null;
}

/**
 * The class of a mutation field: the riskier of what its name and the schema's description of it say
 * (`releaseDelete` "moves a release to the trash" is a delete; `releaseUpdateByPipelineByAccessKey` "updates"
 * is a write whatever `access` in its name reads like), or null when neither says.
 */
export function linearMutationClass(field: string): OperationClass | null {
  const byName = classByName(field);
  const said = MUTATION_FIELDS.get(field);
  const byDescription = said === undefined ? null : classByDescription(said);
  if (byName === null) return byDescription;
  if (byDescription === null) return byName;
  return riskierReading(byName, byDescription);
}

function readRequest(request: ApiRequest): ApiReading {
  const docs = graphqlDocumentsOf(request);
  const unreadable: ApiReading = { operation: 'delete', apiOperation: null };
  if (docs === null || docs.length === 0) {
    return request.method === 'GET' && docs !== null
      ? { operation: 'unknown', apiOperation: null }
      : unreadable;
  }
  let best: ApiReading | null = null;
  for (const doc of docs) {
    const ops = graphqlOperations(doc);
    // SECURITY: a document writ cannot read may hold any mutation.
    if (ops === null || ops.length === 0) return unreadable;
    for (const op of ops) {
      for (const field of op.fields) {
        let reading: ApiReading;
        if (op.type === 'mutation') {
          const cls = MUTATION_FIELDS.has(field) ? linearMutationClass(field) : null;
          reading = { operation: cls ?? 'delete', apiOperation: `mutation.${field}` };
        } else {
          reading = {
            operation: QUERY_FIELDS.has(field) ? 'read' : 'unknown',
            apiOperation: `${op.type}.${field}`,
          };
        }
        if (best === null || riskierReading(best.operation, reading.operation) !== best.operation)
          best = reading;
      }
    }
  }
  const chosen = best ?? unreadable;
  const field = chosen.apiOperation?.slice(chosen.apiOperation.indexOf('.') + 1) ?? null;
  const kind = field === null ? null : (operationWords(field)[0] ?? null);
  return { ...chosen, resource: { kind, id: variableId(request.body), owner: null } };
}

/** The `id` variable of a single operation (`{"variables": {"id": "ENG-12"}}`), when one is given. */
function variableId(body: JsonValue): string | null {
  if (!isJsonObject(body)) return null;
  const vars = body['variables'];
  if (!isJsonObject(vars)) return null;
  const id = vars['id'] ?? vars['issueId'];
  return typeof id === 'string' ? id : null;
}

/** The Linear family. */
export const linearFamily: ApiFamily = {
  id: 'linear',
  hosts: ['api.linear.app'],
  mostDangerous: 'delete',
  readRequest,
};
