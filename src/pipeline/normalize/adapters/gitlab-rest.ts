/**
 * GitLab REST (`/api/v4` on gitlab.com and on the self-hosted hosts of `lists.gitlab_hosts`): method and
 * path read against the table generated from the typed GitLab client's resource definitions
 * (generated/gitlab-rest-routes.ts), and the tools of GitLab MCP servers by name. A project is named by its
 * id or its URL-encoded full path (`acme%2Fapp`): the namespace is the resource's owner, the project its id.
 */
import type { ApiFamily, ApiRequest } from '../api/api-family.js';
import { unknownOperation, type ApiReading } from '../api/api-reading.js';
import { compileRoutes, pathSegments, type Route } from '../api/route-table.js';
import { argumentText, toolKey } from '../api/tool-call-arguments.js';
import { GITLAB_REST_ROUTES } from './generated/gitlab-rest-routes.js';

/** The prefixes an MCP server puts before GitLab's tool names (`gitlab_create_issue`). */
const VENDOR_PREFIXES: ReadonlySet<string> = new Set(['gitlab', 'gl']);

/** Where every host serves the REST API (GitLab's API is versioned in the path, on gitlab.com as self-hosted). */
export const GITLAB_REST_BASE = '/api/v4';

const ROUTES: readonly Route[] = GITLAB_REST_ROUTES.map(([method, path, id, operation, kind]) => ({
  method,
  path: `${GITLAB_REST_BASE}${path}`,
  id,
  operation,
  kind,
}));
const BY_ID: ReadonlyMap<string, Route> = new Map(ROUTES.map((r) => [r.id, r] as const));

/** A file path in the repository files API is one encoded segment, but clients also send it unencoded. */
const TABLE = compileRoutes(ROUTES, { greedyParams: ['filePath', 'filepath', 'path'] });

/** True for a path under `/api/v4` (as the route table reads paths: decoded, empty segments dropped, any case). */
function underRestBase(pathname: string): boolean {
  const segments = pathSegments(pathname);
  return segments !== null && segments[0]?.toLowerCase() === 'api' && segments[1]?.toLowerCase() === 'v4';
}

/** `acme/platform/app` -> owner `acme/platform`, id `app`; a numeric id has no owner writ can read. */
function projectParts(project: string): { owner: string | null; id: string } {
  const slash = project.lastIndexOf('/');
  return slash <= 0
    ? { owner: null, id: project }
    : { owner: project.slice(0, slash), id: project.slice(slash + 1) };
}

/** Parameters that say whose resource it is, not which one. */
const SCOPE_PARAMS = ['projectId', 'groupId'];

/** The typed reading of one route with its parameters. */
function reading(route: Route, params: Readonly<Record<string, string>>): ApiReading {
  const project = params['projectId'];
  const group = params['groupId'];
  const names = Object.keys(params).filter((n) => !SCOPE_PARAMS.includes(n));
  const last = names.length === 0 ? null : (params[names[names.length - 1] ?? ''] ?? null);
  const parts = project === undefined ? null : projectParts(project);
  const environment = params['environmentId'];
  return {
    operation: route.operation,
    apiOperation: route.id,
    resource: {
      kind: route.kind,
      owner: parts?.owner ?? group ?? null,
      id: parts?.id ?? last ?? group ?? null,
      ...(environment === undefined ? {} : { environment }),
    },
  };
}

/**
 * Tools of GitLab MCP servers and the operation each runs. A tool is read so only when its arguments name
 * the project (`project_id`), which is how these servers name it; GitHub's tools name `owner` and `repo`.
 */
const TOOL_OPERATIONS: ReadonlyMap<string, string> = new Map([
  ['delete_project', 'Projects.remove'],
  ['delete_repository', 'Projects.remove'],
  ['get_project', 'Projects.show'],
  ['update_project', 'Projects.edit'],
  ['fork_repository', 'Projects.fork'],
  ['fork_project', 'Projects.fork'],
  ['get_file_contents', 'RepositoryFiles.show'],
  ['create_or_update_file', 'RepositoryFiles.edit'],
  ['delete_file', 'RepositoryFiles.remove'],
  ['push_files', 'Commits.create'],
  ['create_branch', 'Branches.create'],
  ['delete_branch', 'Branches.remove'],
  ['list_branches', 'Branches.all'],
  ['protect_branch', 'ProtectedBranches.create'],
  ['unprotect_branch', 'ProtectedBranches.unprotect'],
  ['create_issue', 'Issues.create'],
  ['list_issues', 'Issues.all'],
  ['create_merge_request', 'MergeRequests.create'],
  ['merge_merge_request', 'MergeRequests.merge'],
  ['get_merge_request', 'MergeRequests.show'],
  ['create_pipeline', 'Pipelines.create'],
  ['run_pipeline', 'Pipelines.create'],
  ['retry_pipeline', 'Pipelines.retry'],
  ['trigger_pipeline', 'PipelineTriggerTokens.trigger'],
  ['list_pipelines', 'Pipelines.all'],
]);

/** Every GitLab operation id the MCP tool table names (a test checks each is in the generated table). */
export const GITLAB_TOOL_OPERATIONS: ReadonlyMap<string, string> = TOOL_OPERATIONS;

/** The GitLab REST family. */
export const gitlabRestFamily: ApiFamily = {
  id: 'gitlab',
  hosts: ['gitlab.com'],
  hostList: 'gitlab',
  mostDangerous: 'delete',
  // The web pages and Git over HTTP share the host; only `/api/v4` is the REST API.
  claims: (request: ApiRequest) => underRestBase(request.pathname),
  readRequest(request) {
    const match = TABLE.match(request.method, request.pathname);
    if (match === null) return unknownOperation(request.method, 'delete');
    return reading(match.route, match.params);
  },
  readToolCall(call) {
    const id = TOOL_OPERATIONS.get(toolKey(call.tool, VENDOR_PREFIXES));
    const route = id === undefined ? undefined : BY_ID.get(id);
    const project = argumentText(call, ['project_id', 'projectId', 'project']);
    if (route === undefined || project === null) return null;
    const branch = argumentText(call, ['branch', 'ref', 'name']);
    return reading(
      route,
      branch === null ? { projectId: project } : { projectId: project, branchName: branch },
    );
  },
};
