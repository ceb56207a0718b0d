/** The route matcher every REST family uses: templates, decoding, case, empty segments, bounds. */
import { describe, expect, it } from 'vitest';
import {
  compileRoutes,
  MAX_ROUTE_SEGMENTS,
  MAX_SEGMENT_CHARS,
  pathSegments,
  type Route,
} from '../../src/pipeline/normalize/api/route-table.js';

const route = (method: string, path: string, id: string, operation: Route['operation'] = 'read'): Route => ({
  method,
  path,
  id,
  operation,
  kind: null,
});
const table = compileRoutes(
  [
    route('GET', '/repos/{owner}/{repo}', 'repos/get'),
    route('DELETE', '/repos/{owner}/{repo}', 'repos/delete', 'delete'),
    route('GET', '/repos/{owner}/{repo}/issues', 'issues/list-for-repo'),
    route('GET', '/repos/{owner}/{repo}/branches/{branch}/protection', 'repos/get-branch-protection'),
    route(
      'DELETE',
      '/repos/{owner}/{repo}/branches/{branch}/protection',
      'repos/delete-branch-protection',
      'delete',
    ),
    route('GET', '/repos/{owner}/{repo}/contents/{path}', 'repos/get-content'),
    route('GET', '/users/{username}.gpg', 'users/gpg'),
    route('GET', '/user/repos', 'repos/list-for-authenticated-user'),
  ],
  { greedyParams: ['path', 'branch'] },
);

describe('route table', () => {
  it('matches templates and binds their parameters, decoded, case kept', () => {
    expect(table.match('DELETE', '/repos/Acme/App')).toEqual({
      route: expect.objectContaining({ id: 'repos/delete' }),
      params: { owner: 'Acme', repo: 'App' },
    });
    expect(table.match('GET', '/repos/a%2Db/c')?.params).toEqual({ owner: 'a-b', repo: 'c' });
    expect(table.match('GET', '/users/octo.gpg')?.params).toEqual({ username: 'octo' });
  });

  it('prefers a literal segment to a parameter (/user/repos is not /users/{username}...)', () => {
    expect(table.match('GET', '/user/repos')?.route.id).toBe('repos/list-for-authenticated-user');
  });

  it('reads literal segments in any case, empty segments and a trailing slash as absent', () => {
    expect(table.match('DELETE', '/REPOS/acme/app')?.route.id).toBe('repos/delete');
    expect(table.match('DELETE', '//repos//acme/app/')?.route.id).toBe('repos/delete');
  });

  it('lets greedy parameters span segments (a file path, a branch with a slash)', () => {
    expect(table.match('GET', '/repos/a/b/contents/src/x/y.ts')?.params['path']).toBe('src/x/y.ts');
    const m = table.match('DELETE', '/repos/a/b/branches/release/1.0/protection');
    expect(m?.route.id).toBe('repos/delete-branch-protection');
    expect(m?.params['branch']).toBe('release/1.0');
  });

  it('answers HEAD with the GET route, and no route for a method the path lacks', () => {
    expect(table.match('HEAD', '/repos/a/b')?.route.id).toBe('repos/get');
    expect(table.match('PATCH', '/repos/a/b')).toBeNull();
    expect(table.match('GET', '/repos/a/b/unlisted')).toBeNull();
  });

  it('names no route for dot segments, bad encodings, NULs, and paths past the bounds', () => {
    for (const p of ['/repos/a/./b', '/repos/a/%2e%2e/b', '/repos/%zz/b', '/repos/a%00/b', 'repos/a/b'])
      expect(table.match('DELETE', p)).toBeNull();
    expect(pathSegments(`/${'a/'.repeat(MAX_ROUTE_SEGMENTS)}`)).toHaveLength(MAX_ROUTE_SEGMENTS);
    expect(pathSegments(`/${'a/'.repeat(MAX_ROUTE_SEGMENTS + 1)}`)).toBeNull();
    expect(pathSegments(`/${'a'.repeat(MAX_SEGMENT_CHARS)}`)).toHaveLength(1);
    expect(pathSegments(`/${'a'.repeat(MAX_SEGMENT_CHARS + 1)}`)).toBeNull();
  });

  it('finds no route on a path built to make greedy parameters backtrack (bounded by its step budget)', () => {
    expect(table.match('GET', `/repos/a/b/branches/${'x/'.repeat(60)}nothing`)).toBeNull();
    expect(table.match('DELETE', `/repos/a/b/branches/${'x/'.repeat(58)}protection`)?.params['branch']).toBe(
      `${'x/'.repeat(57)}x`,
    );
  });
});
