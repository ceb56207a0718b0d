/**
 * Jira Cloud family: `<site>.atlassian.net/rest/api/{2,3,latest}/...`, `/rest/agile/1.0/...` and
 * `/rest/servicedeskapi/...` (also through `api.atlassian.com/ex/jira/{cloudId}`) matched against the generated
 * table of every request the `jira.js` client makes. GET reads, DELETE deletes, and a POST or PUT is read by
 * its function's verb (`createIssue`, `doTransition`, `bulkDeleteIssues`); changes to permissions, roles,
 * users and groups are administration. An operation the table does not hold is the most dangerous class.
 */
import type { OperationClass } from '../../model/action.js';
import type { ApiFamily, ApiRequest } from '../api/api-family.js';
import { unknownOperation, type ApiReading } from '../api/api-reading.js';
import { classifyOperationName } from '../api/operation-verbs.js';
import { compileRoutes, type Route } from '../api/route-table.js';
import { JIRA_OPERATIONS } from './generated/jira-routes.js';

/** Modules of the client whose writes change who may do what. */
const ACCESS_MODULES: ReadonlySet<string> = new Set([
  'permissionSchemes',
  'permissions',
  'projectPermissionSchemes',
  'projectRoles',
  'projectRoleActors',
  'groups',
  'users',
  'applicationRoles',
  'issueSecuritySchemes',
  'issueSecurityLevel',
  'filterSharing',
  'dashboards',
  'jiraSettings',
  'webhooks',
  'dynamicModules',
  'appMigration',
  'serviceDesk',
  'customer',
  'organization',
]);

/** The class of one client function, or null when its words do not say (the spec-coverage test lists those). */
export function jiraOperationClass(method: string, operationId: string): OperationClass | null {
  const dot = operationId.indexOf('.');
  const module = operationId.slice(0, dot);
  const fn = operationId.slice(dot + 1);
  if (method === 'GET' || method === 'HEAD') return 'read';
  if (method === 'DELETE') return 'delete';
  const byVerb = classifyOperationName(fn);
  if (byVerb === null) return null;
  // Jira's search endpoints take their JQL by POST: a read by its own name.
  if (byVerb === 'read') return 'read';
  if (ACCESS_MODULES.has(module) && byVerb !== 'delete') return 'admin';
  // A transition or assignment moves an issue through its workflow: a write.
  return byVerb;
}

/** The routes the table defines with a class; an operation whose words say nothing is left out (unknown). */
const ROUTES: readonly Route[] = JIRA_OPERATIONS.flatMap(([method, path, id]) => {
  const operation = jiraOperationClass(method, id);
  if (operation === null) return [];
  const module = id.slice(0, id.indexOf('.'));
  return [{ method, path, id, operation, kind: module }];
});

const TABLE = compileRoutes(ROUTES);

/** `/rest/api/2/...` and `/rest/api/latest/...` are the v3 operations with another body format. */
function canonicalPath(pathname: string): string {
  const ex = /^\/ex\/jira\/[^/]+(\/.*)$/.exec(pathname);
  const path = ex === null ? pathname : ex[1]!;
  return path
    .replace(/^\/rest\/api\/(?:2|latest)\//, '/rest/api/3/')
    .replace(/^\/rest\/agile\/latest\//, '/rest/agile/1.0/');
}

/** The project key of an issue key or project path (`OPS-12` -> `OPS`). */
function projectOf(params: Readonly<Record<string, string>>): string | null {
  const key = params['issueIdOrKey'] ?? params['projectIdOrKey'] ?? params['projectKeyOrId'] ?? null;
  if (key === null) return null;
  const m = /^([A-Z][A-Z0-9_]{0,63})(?:-\d+)?$/.exec(key);
  return m === null ? null : m[1]!;
}

function readRequest(request: ApiRequest): ApiReading {
  const m = TABLE.match(request.method, canonicalPath(request.pathname));
  if (m === null) return unknownOperation(request.method, jiraFamily.mostDangerous);
  const { route, params } = m;
  const id =
    params['issueIdOrKey'] ??
    params['projectIdOrKey'] ??
    params['boardId'] ??
    params['sprintId'] ??
    params['id'] ??
    null;
  return {
    operation: route.operation,
    apiOperation: route.id,
    resource: { kind: route.kind, id, owner: projectOf(params), environment: null },
  };
}

/** The Jira Cloud family. */
export const jiraFamily: ApiFamily = {
  id: 'jira',
  hosts: ['*.atlassian.net', 'api.atlassian.com'],
  mostDangerous: 'delete',
  claims: (request) => request.host !== 'api.atlassian.com' || request.pathname.startsWith('/ex/jira/'),
  readRequest,
};
