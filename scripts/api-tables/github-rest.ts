/**
 * GitHub REST: the method-and-path table from GitHub's own OpenAPI description (`@octokit/openapi`), each
 * operation's class derived from the description's own words: the HTTP method, the verb of its operationId
 * (`repos/delete`) and its `x-github` category and subcategory. Where those words disagree (a GET whose verb
 * creates, a POST whose verb reads), the operation is left unclassified: it is not in the table, so writ reads
 * it as an unknown operation (never a read). docs/adapters.md explains the rules.
 */
import { createRequire } from 'node:module';
import type { OperationClass } from '../../src/pipeline/model/action.js';

const require = createRequire(import.meta.url);

/** One operation of the description. */
export interface SpecOperation {
  readonly method: string;
  readonly path: string;
  readonly operationId: string;
  readonly category: string;
  readonly subcategory: string;
}

/** A classified operation, or the reason it is not. */
export type Classified =
  | { readonly op: SpecOperation; readonly operation: OperationClass; readonly kind: string }
  | { readonly op: SpecOperation; readonly unclassified: string };

/** The package and document the table is generated from. */
export const SOURCE = {
  package: '@octokit/openapi',
  document: 'generated/api.github.com.json',
} as const;

/** The package's version, from its package.json. */
export function sourceVersion(): string {
  return (require(`${SOURCE.package}/package.json`) as { version: string }).version;
}

const HTTP_METHODS = ['get', 'head', 'post', 'put', 'patch', 'delete'];

/** Every operation of the description, in its own order. */
export function specOperations(): SpecOperation[] {
  const spec = require(`${SOURCE.package}/${SOURCE.document}`) as {
    paths: Record<
      string,
      Record<string, { operationId: string; 'x-github'?: { category?: string; subcategory?: string | null } }>
    >;
  };
  const out: SpecOperation[] = [];
  for (const [path, item] of Object.entries(spec.paths))
    for (const [method, op] of Object.entries(item)) {
      if (!HTTP_METHODS.includes(method)) continue;
      const x = op['x-github'] ?? {};
      out.push({
        method: method.toUpperCase(),
        path,
        operationId: op.operationId,
        category: x.category ?? '',
        subcategory: x.subcategory ?? '',
      });
    }
  return out;
}

/** The words of an operationId's action (`repos/delete-branch-protection` -> delete, branch, protection). */
export function actionWords(operationId: string): string[] {
  return (operationId.split('/')[1] ?? operationId).split('-');
}

/** Verbs that only read. */
const READ_VERBS = new Set([
  'get',
  'list',
  'check',
  'download',
  'compare',
  'render',
  'diff',
  'fetch',
  'search',
]);
/** Verbs that delete. */
const DELETE_VERBS = new Set(['delete', 'remove']);
/** Verbs that change state (a GET named so contradicts itself). */
const CHANGE_VERBS = new Set([
  'create',
  'update',
  'delete',
  'remove',
  'set',
  'add',
  'enable',
  'disable',
  'revoke',
  'cancel',
  'restore',
  'merge',
  'upload',
  'generate',
  'start',
  'stop',
  'approve',
  'dismiss',
  'transfer',
  'suspend',
  'block',
]);
/** Verbs that make GitHub run something: workflows, checks, codespaces (the GraphQL table's too). */
export const GITHUB_EXEC_VERBS: ReadonlySet<string> = new Set([
  'dispatch',
  're',
  'rerun',
  'rerequest',
  'start',
  'stop',
  'redeliver',
  'force',
]);
/**
 * Words of an operationId or its x-github subcategory that name who may do what (admin): protection,
 * permissions, collaborators, memberships, roles, secrets, keys, webhooks, rulesets, security settings.
 */
export const GITHUB_ADMIN_WORDS: ReadonlySet<string> = new Set([
  'protection',
  'permission',
  'permissions',
  'collaborator',
  'collaborators',
  'membership',
  'memberships',
  'member',
  'members',
  'role',
  'roles',
  'secret',
  'secrets',
  'key',
  'keys',
  'webhook',
  'webhooks',
  'hook',
  'hooks',
  'ruleset',
  'rulesets',
  'rules',
  'admin',
  'admins',
  'visibility',
  'token',
  'tokens',
  'installation',
  'installations',
  'access',
  'security',
  'restrictions',
  'restriction',
  'enforce',
  'variable',
  'variables',
  'transfer',
  'suspend',
  'unsuspend',
  'block',
  'unblock',
  'oidc',
  'credentials',
  'invitation',
  'invitations',
  'blocking',
  'runner',
  'runners',
]);

/** The kind of resource an operation acts on: its x-github subcategory (GitHub's own word), else its category. */
function kindOf(op: SpecOperation): string {
  return op.subcategory !== '' && op.subcategory !== 'null' ? op.subcategory : op.category;
}

/** Classifies one operation from the description's own words. */
export function classify(op: SpecOperation): Classified {
  const words = actionWords(op.operationId);
  const verb = words[0] ?? '';
  const all = [...words, ...op.subcategory.split('-'), ...op.category.split('-')];
  const kind = kindOf(op);
  switch (op.method) {
    case 'GET':
    case 'HEAD':
      if (CHANGE_VERBS.has(verb))
        return { op, unclassified: `${op.method} whose verb "${verb}" changes state` };
      return { op, operation: 'read', kind };
    case 'DELETE':
      if (READ_VERBS.has(verb)) return { op, unclassified: `DELETE whose verb "${verb}" reads` };
      return { op, operation: 'delete', kind };
    default:
      if (DELETE_VERBS.has(verb)) return { op, operation: 'delete', kind };
      if (READ_VERBS.has(verb)) return { op, unclassified: `${op.method} whose verb "${verb}" reads` };
      if (all.some((w) => GITHUB_ADMIN_WORDS.has(w))) return { op, operation: 'admin', kind };
      if (GITHUB_EXEC_VERBS.has(verb) || words.includes('dispatch')) return { op, operation: 'exec', kind };
      return { op, operation: 'write', kind };
  }
}
