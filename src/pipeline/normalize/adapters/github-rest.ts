/**
 * GitHub REST (api.github.com, and the GitHub Enterprise hosts of `lists.github_hosts`): method and path read
 * against the table generated from GitHub's own OpenAPI description (generated/github-rest-routes.ts), and
 * the tools of GitHub MCP servers by name. An `api.` host serves the API at its root; GitHub Enterprise
 * Server serves it under `/api/v3` beside its web pages and Git over HTTP, so there only `/api/` is the API.
 */
import type { ApiFamily, ApiRequest } from '../api/api-family.js';
import { unknownOperation, type ApiReading } from '../api/api-reading.js';
import { compileRoutes, pathSegments, type Route } from '../api/route-table.js';
import { argumentText, toolKey } from '../api/tool-call-arguments.js';
import { GITHUB_REST_ROUTES } from './generated/github-rest-routes.js';

/** The prefixes an MCP server puts before GitHub's tool names (`github_create_issue`). */
const VENDOR_PREFIXES: ReadonlySet<string> = new Set(['github', 'gh']);

const ROUTES: readonly Route[] = GITHUB_REST_ROUTES.map(([method, path, id, operation, kind]) => ({
  method,
  path,
  id,
  operation,
  kind,
}));
const BY_ID: ReadonlyMap<string, Route> = new Map(ROUTES.map((r) => [r.id, r] as const));

/** Where GitHub Enterprise Server serves the REST API. */
export const GHE_REST_BASE = '/api/v3';

/**
 * Every route at the root and under GHE_REST_BASE. Parameters whose values hold `/` unencoded: a file path,
 * a ref (`heads/main`), a branch, `base...head`.
 */
const TABLE = compileRoutes(
  [
    ...ROUTES,
    ...ROUTES.map((r) => ({ ...r, path: r.path === '/' ? GHE_REST_BASE : `${GHE_REST_BASE}${r.path}` })),
  ],
  { greedyParams: ['path', 'ref', 'branch', 'basehead'] },
);

/**
 * An `api.` host (api.github.com, GitHub Enterprise Cloud's `api.<tenant>.ghe.com`) is all API; on any other
 * listed host the API is what lies under `/api/` (the route table's reading of the path: decoded, empty
 * segments dropped, any case), so `/api//graphql` is still the API's, read as an unknown operation.
 */
function claimsRestPath(request: ApiRequest): boolean {
  if (request.host.startsWith('api.')) return true;
  const segments = pathSegments(request.pathname);
  return segments !== null && segments[0]?.toLowerCase() === 'api';
}

/** Path parameters that name who owns what the call acts on, most specific first. */
const OWNER_PARAMS = ['owner', 'org', 'username', 'enterprise'];

function first(params: Readonly<Record<string, string>>, names: readonly string[]): string | null {
  for (const n of names) {
    const v = params[n];
    if (v !== undefined && v.length > 0) return v;
  }
  return null;
}

/** The typed reading of one route with its parameters. */
function reading(route: Route, params: Readonly<Record<string, string>>): ApiReading {
  const names = Object.keys(params).filter((n) => !OWNER_PARAMS.includes(n));
  const last = names.length === 0 ? null : (params[names[names.length - 1] ?? ''] ?? null);
  return {
    operation: route.operation,
    apiOperation: route.id,
    resource: {
      kind: route.kind,
      owner: first(params, OWNER_PARAMS),
      id: params['repo'] ?? last,
      ...(params['environment_name'] === undefined ? {} : { environment: params['environment_name'] }),
    },
  };
}

/**
 * Tools of GitHub MCP servers (the official server's names, and the plain aliases agents are given) and the
 * operation each runs. A tool is read so only when its arguments name the repository (`owner`, `repo`).
 */
const TOOL_OPERATIONS: ReadonlyMap<string, string> = new Map([
  ['delete_repository', 'repos/delete'],
  ['delete_repo', 'repos/delete'],
  ['create_repository', 'repos/create-for-authenticated-user'],
  ['update_repository', 'repos/update'],
  ['fork_repository', 'repos/create-fork'],
  ['get_file_contents', 'repos/get-content'],
  ['create_or_update_file', 'repos/create-or-update-file-contents'],
  ['delete_file', 'repos/delete-file'],
  ['push_files', 'git/update-ref'],
  ['create_branch', 'git/create-ref'],
  ['delete_branch', 'git/delete-ref'],
  ['list_branches', 'repos/list-branches'],
  ['update_branch_protection', 'repos/update-branch-protection'],
  ['set_branch_protection', 'repos/update-branch-protection'],
  ['delete_branch_protection', 'repos/delete-branch-protection'],
  ['remove_branch_protection', 'repos/delete-branch-protection'],
  ['create_issue', 'issues/create'],
  ['update_issue', 'issues/update'],
  ['get_issue', 'issues/get'],
  ['list_issues', 'issues/list-for-repo'],
  ['add_issue_comment', 'issues/create-comment'],
  ['create_pull_request', 'pulls/create'],
  ['update_pull_request', 'pulls/update'],
  ['merge_pull_request', 'pulls/merge'],
  ['get_pull_request', 'pulls/get'],
  ['list_pull_requests', 'pulls/list'],
  ['list_commits', 'repos/list-commits'],
  ['get_commit', 'repos/get-commit'],
  ['add_collaborator', 'repos/add-collaborator'],
  ['remove_collaborator', 'repos/remove-collaborator'],
  ['run_workflow', 'actions/create-workflow-dispatch'],
]);

/** Every GitHub REST route id the MCP tool table names (a test checks each is in the generated table). */
export const GITHUB_TOOL_OPERATIONS: ReadonlyMap<string, string> = TOOL_OPERATIONS;

/** The GitHub REST family. */
export const githubRestFamily: ApiFamily = {
  id: 'github',
  hosts: ['api.github.com'],
  hostList: 'github',
  mostDangerous: 'delete',
  claims: claimsRestPath,
  readRequest(request) {
    const match = TABLE.match(request.method, request.pathname);
    if (match === null) return unknownOperation(request.method, 'delete');
    return reading(match.route, match.params);
  },
  readToolCall(call) {
    const id = TOOL_OPERATIONS.get(toolKey(call.tool, VENDOR_PREFIXES));
    const route = id === undefined ? undefined : BY_ID.get(id);
    const owner = argumentText(call, ['owner', 'org']);
    const repo = argumentText(call, ['repo', 'repository', 'name']);
    if (route === undefined || owner === null || repo === null) return null;
    const branch = argumentText(call, ['branch', 'ref']);
    return reading(route, branch === null ? { owner, repo } : { owner, repo, branch });
  },
};
