/**
 * The GitLab family against its description's own words (`@gitbeaker/core`'s resource map and the paths its
 * resource classes call; GitLab's own OpenAPI description is not in the npm registry): every operation is
 * classified or listed, the classes agree with the HTTP verbs and the operation names (a GET reads, a DELETE
 * deletes, a `remove` is never a read or write), every classified operation is read back from its own
 * path under `/api/v4`, and the counts and the unclassified operations are printed.
 */
import { describe, expect, it } from 'vitest';
import { gitlabOperations, methodWords } from '../../scripts/api-tables/gitlab-rest.js';
import {
  GITLAB_REST_ROUTES,
  GITLAB_REST_SOURCE,
  GITLAB_REST_UNCLASSIFIED,
} from '../../src/pipeline/normalize/adapters/generated/gitlab-rest-routes.js';
import {
  gitlabRestFamily,
  GITLAB_REST_BASE,
  GITLAB_TOOL_OPERATIONS,
} from '../../src/pipeline/normalize/adapters/gitlab-rest.js';

const read = (method: string, pathname: string) =>
  gitlabRestFamily.readRequest({
    method,
    host: 'gitlab.com',
    pathname,
    query: {},
    contentType: '',
    body: null,
    bodyIsJson: false,
  });

describe(`GitLab REST table (${GITLAB_REST_SOURCE.package} ${GITLAB_REST_SOURCE.version})`, () => {
  const ops = gitlabOperations();

  it('classifies or lists every operation of the client, and prints the counts and the unclassified', () => {
    expect(GITLAB_REST_SOURCE.operations).toBe(ops.length);
    expect(GITLAB_REST_ROUTES.length + GITLAB_REST_UNCLASSIFIED.length).toBe(ops.length);
    const listed = new Set(
      [...GITLAB_REST_ROUTES, ...GITLAB_REST_UNCLASSIFIED].map(([m, p, id]) => `${m} ${p} ${id}`),
    );
    for (const op of ops) expect(listed.has(`${op.method} ${op.path ?? ''} ${op.id}`), op.id).toBe(true);
    const counts = new Map<string, number>();
    for (const [, , , cls] of GITLAB_REST_ROUTES) counts.set(cls, (counts.get(cls) ?? 0) + 1);
    console.log(
      `GitLab REST (${GITLAB_REST_SOURCE.package} ${GITLAB_REST_SOURCE.version}): ${ops.length} operations, ` +
        `${GITLAB_REST_ROUTES.length} classified (${[...counts].map(([c, n]) => `${c} ${n}`).join(', ')}), ` +
        `${GITLAB_REST_UNCLASSIFIED.length} unclassified (read as unknown operations):\n` +
        GITLAB_REST_UNCLASSIFIED.map(([m, p, id, why]) => `  ${id} ${m} ${p}: ${why}`).join('\n'),
    );
    // The reader's own judgement is bounded: most of the client is classified.
    expect(GITLAB_REST_ROUTES.length).toBeGreaterThan(800);
    expect(GITLAB_REST_UNCLASSIFIED.length).toBeLessThan(ops.length / 8);
  });

  it("agrees with the description's words: GET reads, DELETE deletes, a remove or delete is never a read or write", () => {
    for (const [method, path, id, operation] of GITLAB_REST_ROUTES) {
      expect(path.startsWith('/'), id).toBe(true);
      if (method === 'GET') expect(operation, id).toBe('read');
      if (method === 'DELETE') expect(operation, id).toBe('delete');
      if (operation === 'read') expect(method, id).toBe('GET');
      const verb = methodWords(id)[0] ?? '';
      if (['remove', 'delete', 'destroy', 'unprotect'].includes(verb)) expect(operation, id).toBe('delete');
    }
    const find = (id: string) => GITLAB_REST_ROUTES.find((r) => r[2] === id);
    expect(find('Projects.remove')).toEqual([
      'DELETE',
      '/projects/{projectId}',
      'Projects.remove',
      'delete',
      'projects',
    ]);
    expect(find('ProtectedBranches.unprotect')?.slice(0, 2)).toEqual([
      'DELETE',
      '/projects/{projectId}/protected_branches/{branchName}',
    ]);
    expect(find('ProtectedBranches.create')?.[3]).toBe('admin');
    expect(find('PipelineTriggerTokens.trigger')?.[3]).toBe('exec');
  });

  it('reads every classified operation back from a path built from its own template', () => {
    // One endpoint may have several of the client's names (`protect` runs `create`), and one name several
    // endpoints (a project's or a group's): what is read back must be a name of the same method and template.
    const template = (path: string) => path.replace(/\{[^}]+\}/g, '{}');
    const named = new Set(GITLAB_REST_ROUTES.map(([m, p, id]) => `${m} ${template(p)} ${id}`));
    const mismatched: string[] = [];
    for (const [method, path, id] of GITLAB_REST_ROUTES) {
      const concrete = path.replace(/\{[^}]+\}/g, (_, i: number) => `v${i}q`);
      const r = read(method, `${GITLAB_REST_BASE}${concrete}`);
      if (!named.has(`${method} ${template(path)} ${r.apiOperation}`))
        mismatched.push(`${method} ${path}: ${id} read as ${r.apiOperation}`);
    }
    expect(mismatched).toEqual([]);
  });

  it('is not read outside /api/v4, and an unlisted operation there is never a read', () => {
    expect(read('GET', '/api/v4/projects/acme%2Fapp/zz-unlisted').operation).toBe('unknown');
    expect(read('POST', '/api/v4/projects/acme%2Fapp/zz-unlisted').operation).toBe('delete');
    expect(read('DELETE', '/projects/acme%2Fapp').apiOperation).toBeNull();
  });

  it('names only operations of the table for MCP tools', () => {
    const ids = new Set(GITLAB_REST_ROUTES.map((r) => r[2]));
    for (const [tool, id] of GITLAB_TOOL_OPERATIONS) expect(ids.has(id), `${tool} -> ${id}`).toBe(true);
  });
});
