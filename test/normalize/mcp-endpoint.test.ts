/** MCP endpoints: parsed strictly where they are configured, matched by host, port (default unless named) and path. */
import { describe, expect, it } from 'vitest';
import { ConfigError, resolveConfig } from '../../src/config.js';
import {
  matchMcpEndpoint,
  parseMcpEndpoint,
  parseMcpEndpoints,
} from '../../src/pipeline/normalize/mcp-endpoint.js';
import { compilePolicySources, PolicyLoadError } from '../../src/pipeline/policy/load.js';

const eps = parseMcpEndpoints(['*.svc.cluster.local/mcp', 'tools.acme.com:8443/rpc/', 'local.test:*/mcp']);
const at = (authority: string, path: string, scheme = 'https') => {
  const [host, port] = authority.split(':');
  return matchMcpEndpoint(eps, host!, port === undefined ? null : Number(port), scheme, path);
};

describe('MCP endpoints', () => {
  it('parse host, port and path, and refuse anything else', () => {
    expect(parseMcpEndpoint('*/mcp')).toEqual({ host: '*', port: null, path: '/mcp' });
    expect(parseMcpEndpoint('a.b:*/x')).toEqual({ host: 'a.b', port: '*', path: '/x' });
    expect(parseMcpEndpoint('a.b:8080/x')).toEqual({ host: 'a.b', port: 8080, path: '/x' });
    for (const bad of [
      '',
      'a.b',
      '/mcp',
      'A.b/mcp',
      'a.b:0/x',
      'a.b:70000/x',
      'a.b/x?y=1',
      'a b/x',
      'http://a.b/x',
      '*.*/x',
    ])
      expect(() => parseMcpEndpoint(bad), bad).toThrow(/invalid MCP endpoint/);
  });
  it('match the exact path (JSON-RPC) or its /tools/<tool> (REST), on the default port unless one is named', () => {
    expect(at('mcp.tools.svc.cluster.local', '/mcp')).toEqual({ kind: 'rpc' });
    expect(at('mcp.tools.svc.cluster.local:443', '/mcp')).toEqual({ kind: 'rpc' });
    expect(at('mcp.tools.svc.cluster.local', '/mcp/tools/query_db')).toEqual({
      kind: 'rest',
      tool: 'query_db',
    });
    for (const [authority, path, scheme] of [
      ['mcp.tools.svc.cluster.local:8080', '/mcp', 'https'],
      ['mcp.tools.svc.cluster.local:443', '/mcp', 'http'],
      ['svc.cluster.local', '/mcp', 'https'],
      ['mcp.tools.svc.cluster.local', '/mcp/', 'https'],
      ['mcp.tools.svc.cluster.local', '/MCP', 'https'],
      ['mcp.tools.svc.cluster.local', '/mcp/tools/a/b', 'https'],
      ['mcp.tools.svc.cluster.local', '/mcpx/tools/a', 'https'],
      ['tools.acme.com', '/rpc/', 'https'],
    ] as const)
      expect(at(authority, path, scheme), `${scheme} ${authority}${path}`).toEqual({ kind: 'none' });
    expect(at('tools.acme.com:8443', '/rpc/')).toEqual({ kind: 'rpc' });
    expect(at('tools.acme.com:8443', '/rpc/tools/x')).toEqual({ kind: 'rest', tool: 'x' });
    expect(at('local.test:1234', '/mcp', 'http')).toEqual({ kind: 'rpc' });
  });
  it('default to any host at /mcp when none are configured', () => {
    expect(matchMcpEndpoint(undefined, 'example.net', null, 'https', '/mcp')).toEqual({ kind: 'rpc' });
    expect(matchMcpEndpoint(undefined, 'example.net', null, 'https', '/api')).toEqual({ kind: 'none' });
  });
  it('stop a policy load and startup when one cannot be parsed', () => {
    const text = 'apiVersion: writ.dev/v1\nlists:\n  mcp_endpoints: ["*.svc.cluster.local/mcp", "no-path"]\n';
    expect(() => compilePolicySources([{ name: 'p.yaml', text }])).toThrow(PolicyLoadError);
    try {
      compilePolicySources([{ name: 'p.yaml', text }]);
    } catch (err) {
      expect((err as PolicyLoadError).problems[0]).toMatchObject({
        line: 3,
        message: expect.stringMatching(/"no-path"/),
      });
    }
    expect(() => resolveConfig({ 'mcp-endpoints': 'a.b/mcp,nope' }, {})).toThrow(ConfigError);
    expect(resolveConfig({ 'mcp-endpoints': 'a.b/mcp, c.d:*/rpc' }, {}).mcpEndpoints).toEqual([
      'a.b/mcp',
      'c.d:*/rpc',
    ]);
    expect(resolveConfig({}, {}).mcpEndpoints).toBeNull();
  });
});
