/**
 * Self-hosted GitHub Enterprise and GitLab hosts through the policy set's lists (`lists.github_hosts`,
 * `lists.gitlab_hosts`, api/api-hosts.ts): a listed host is read as its API (GHE's REST under /api/v3 and
 * GraphQL at /api/graphql, GitLab's REST under /api/v4), an unlisted one as plain HTTP whatever its path,
 * and the lists reach normalization from a compiled policy set as they do in the server.
 */
import { describe, expect, it } from 'vitest';
import { inspectorConfigFrom, normalizeConfigFrom } from '../../src/pipeline/deps.js';
import type { Action } from '../../src/pipeline/model/action.js';
import { DEFAULT_API_HOSTS, type ApiHostLists } from '../../src/pipeline/normalize/api/api-hosts.js';
import { normalizeRequest, type NormalizeConfig } from '../../src/pipeline/normalize/index.js';
import { parseMcpEndpoint } from '../../src/pipeline/normalize/mcp-endpoint.js';
import { compilePolicySources } from '../../src/pipeline/policy/load.js';
import { request } from '../normalize/adapter.case.js';

const GHE = 'github.acme.internal';
const GITLAB = 'gitlab.acme.internal';
const LISTED: ApiHostLists = { github: ['api.github.com', GHE], gitlab: ['gitlab.com', GITLAB] };

function read(
  method: string,
  authority: string,
  path: string,
  apiHosts?: ApiHostLists,
  body: unknown = null,
): Action['action'] {
  const config: NormalizeConfig = {
    internalDomains: [],
    productionDatabases: [],
    trustAgentHeaders: false,
    mcpEndpoints: ['*.svc.cluster.local/mcp'].map(parseMcpEndpoint),
    ...(apiHosts === undefined ? {} : { apiHosts }),
  };
  const text = body === null ? '' : JSON.stringify(body);
  return normalizeRequest(
    request(method, path, text, text === '' ? {} : { 'content-type': 'application/json' }, authority),
    config,
  ).action;
}

describe('GitHub Enterprise hosts (lists.github_hosts)', () => {
  it('a listed host is read as GitHub: REST under /api/v3', () => {
    const a = read('DELETE', GHE, '/api/v3/repos/acme/app', LISTED);
    expect(a.adapter).toBe('github');
    expect(a.operation).toBe('delete');
    expect(a.apiOperation).toBe('repos/delete');
    const p = read('DELETE', GHE, '/api/v3/repos/acme/app/branches/main/protection', LISTED);
    expect(p.apiOperation).toBe('repos/delete-branch-protection');
  });

  it('a listed host is read as GitHub: GraphQL at /api/graphql, its mutations classed', () => {
    const a = read('POST', GHE, '/api/graphql', LISTED, {
      query:
        'mutation { deleteBranchProtectionRule(input: {branchProtectionRuleId: "x"}) { clientMutationId } }',
    });
    expect(a.adapter).toBe('github-graphql');
    expect(a.apiOperation).toBe('mutation.deleteBranchProtectionRule');
    expect(a.operation).toBe('delete');
  });

  it('on a GHE host only /api/ is the API: its web pages and Git over HTTP stay plain HTTP', () => {
    expect(read('GET', GHE, '/acme/app/issues', LISTED).adapter).toBe('http');
    // `/api//graphql` is still under /api/: the API's, an operation it does not define, never plain HTTP's write.
    const odd = read('POST', GHE, '/api//graphql/x', LISTED, { query: 'mutation { x }' });
    expect(odd.adapter).toBe('github');
    expect(odd.operation).toBe('delete');
  });

  it('the same host, not listed, is plain HTTP whatever its path', () => {
    for (const apiHosts of [undefined, DEFAULT_API_HOSTS]) {
      const a = read('DELETE', GHE, '/api/v3/repos/acme/app', apiHosts);
      expect(a.adapter).toBe('http');
      expect(a.apiOperation ?? null).toBeNull();
      expect(read('POST', GHE, '/api/graphql', apiHosts, { query: 'mutation { x }' }).adapter).toBe('http');
    }
  });

  it('api.github.com is read as GitHub by default, and not once a list leaves it out', () => {
    expect(read('DELETE', 'api.github.com', '/repos/acme/app').apiOperation).toBe('repos/delete');
    const onlyGhe: ApiHostLists = { github: [GHE], gitlab: [] };
    expect(read('DELETE', 'api.github.com', '/repos/acme/app', onlyGhe).adapter).toBe('http');
  });

  it('an MCP HTTP tool carrying a call to a listed GHE host is read as that GitHub operation', () => {
    const call = (apiHosts?: ApiHostLists) =>
      read('POST', 'tools.svc.cluster.local', '/mcp', apiHosts, {
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: {
          name: 'http_request',
          arguments: { method: 'DELETE', url: `https://${GHE}/api/v3/repos/acme/app` },
        },
      });
    expect(call(LISTED).apiOperation).toBe('repos/delete');
    expect(call().apiOperation ?? null).toBeNull();
  });
});

describe('self-managed GitLab hosts (lists.gitlab_hosts)', () => {
  it('a listed host is read as GitLab under /api/v4, and plain HTTP when not listed', () => {
    const listed = read('DELETE', GITLAB, '/api/v4/projects/acme%2Fapp', LISTED);
    expect(listed.adapter).toBe('gitlab');
    expect(listed.apiOperation).toBe('Projects.remove');
    const unlisted = read('DELETE', GITLAB, '/api/v4/projects/acme%2Fapp');
    expect(unlisted.adapter).toBe('http');
    expect(unlisted.apiOperation ?? null).toBeNull();
  });

  it('gitlab.com is read as GitLab by default', () => {
    expect(read('DELETE', 'gitlab.com', '/api/v4/projects/acme%2Fapp').apiOperation).toBe('Projects.remove');
  });
});

describe('the lists reach normalization from a policy set', () => {
  it('lists.github_hosts and lists.gitlab_hosts replace the defaults; a set without them keeps the defaults', () => {
    const set = compilePolicySources([
      {
        name: 'p.yaml',
        text:
          'apiVersion: writ.dev/v1\nlists:\n' +
          `  github_hosts: [api.github.com, ${GHE}]\n  gitlab_hosts: [${GITLAB}]\n` +
          'rules:\n  - {id: allow-all, effect: allow}\n',
      },
    ]);
    const settings = { trustAgentHeaders: false, maxBodyBytes: 1 << 20 } as Parameters<
      typeof normalizeConfigFrom
    >[1];
    const config = normalizeConfigFrom(inspectorConfigFrom(set), settings);
    expect(config.apiHosts).toEqual({ github: ['api.github.com', GHE], gitlab: [GITLAB] });
    const bare = compilePolicySources([{ name: 'p.yaml', text: 'apiVersion: writ.dev/v1\nrules: []\n' }]);
    expect(normalizeConfigFrom(inspectorConfigFrom(bare), settings).apiHosts).toEqual(DEFAULT_API_HOSTS);
    const raw = request('DELETE', '/api/v3/repos/acme/app', '', {}, GHE);
    expect(normalizeRequest(raw, config).action.apiOperation).toBe('repos/delete');
  });
});
