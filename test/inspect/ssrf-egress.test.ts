/** ssrf-egress: allowlist matching, private/loopback/metadata addresses in every notation, dangerous schemes. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ssrfEgressInspector as insp } from '../../src/pipeline/inspect/inspectors/ssrf-egress.js';
import { ids, runArgs, runOn } from './inspect-helpers.js';

const http = (host: string) =>
  runOn(insp, {
    action: { adapter: 'http', tool: `GET ${host}`, httpMethod: 'GET', mcpMethod: null },
    resource: { host, uri: `https://${host}/x` },
  });

describe('ssrf-egress: allowlist', () => {
  it('passes allowlisted and internal hosts', () => {
    expect(http('api.github.com')).toEqual([]);
    expect(runOn(insp, {})).toEqual([]); // mcp.tools.svc.cluster.local
  });
  it('flags a host outside both lists', () => {
    const f = http('pastebin.dev');
    expect(ids(f)).toEqual(['ssrf-egress.host-not-allowlisted']);
    expect(f[0]?.path).toBe('$.resource.host');
  });
  it('reports an ordinary host off the allowlist as info (a policy fact, not a risk signal), for any name', () => {
    fc.assert(
      fc.property(fc.domain(), (host) => {
        fc.pre(!/(?:^|\.)(?:api\.github\.com|svc\.cluster\.local|corp\.example|localhost)$/i.test(host));
        fc.pre(!/^[\d.]+$/.test(host) && !/\d+-\d+-\d+-\d+|nip\.io|sslip\.io|xip\.io/i.test(host));
        const f = http(host);
        expect(f.map((x) => `${x.id}:${x.severity}`)).toContain('ssrf-egress.host-not-allowlisted:info');
        expect(
          f.filter((x) => x.id === 'ssrf-egress.host-not-allowlisted').every((x) => x.severity === 'info'),
        ).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
  it('matches *.suffix globs strictly below the suffix', () => {
    expect(ids(http('svc.cluster.local'))).toEqual(['ssrf-egress.host-not-allowlisted']);
    expect(ids(http('API.GITHUB.COM.'))).toEqual([]);
  });
  it('skips the host check when no allowlist is configured', () => {
    const none = { egressAllowlist: [], internalDomains: [], productionDatabases: [], protectedBranches: [] };
    expect(runOn(insp, { resource: { host: 'pastebin.dev' } }, none)).toEqual([]);
  });
});

describe('ssrf-egress: addresses and schemes in arguments', () => {
  const fetch = (url: string) => ids(runArgs(insp, 'http.fetch', { url }));
  it('flags metadata endpoints in every notation', () => {
    for (const u of [
      'http://169.254.169.254/latest/meta-data/',
      'http://2852039166/',
      'http://0xa9fea9fe/',
      'http://[::ffff:169.254.169.254]/',
      'http://metadata.google.internal/computeMetadata/v1/',
      'http://0251.0376.0251.0376/',
    ]) {
      expect(fetch(u)).toContain('ssrf-egress.metadata-endpoint');
    }
  });
  it('flags loopback and private addresses', () => {
    for (const u of [
      'http://127.0.0.1:8080/',
      'http://2130706433/',
      'http://0x7f.1/',
      'http://[::1]/',
      'http://localhost/admin',
      'http://10.0.0.5/',
      '//192.168.1.1/',
    ]) {
      expect(
        fetch(u).some(
          (id) => id === 'ssrf-egress.loopback-destination' || id === 'ssrf-egress.private-destination',
        ),
      ).toBe(true);
    }
  });
  it('flags DNS names that embed private addresses', () => {
    expect(fetch('http://127.0.0.1.nip.io/')).toContain('ssrf-egress.dns-embedded-ip');
    expect(fetch('http://10-0-0-1.sslip.io/')).toContain('ssrf-egress.dns-embedded-ip');
  });
  it('flags dangerous schemes', () => {
    expect(fetch('file:///etc/passwd')).toContain('ssrf-egress.dangerous-scheme');
    expect(fetch('gopher://127.0.0.1:6379/_FLUSHALL')).toContain('ssrf-egress.dangerous-scheme');
  });
  it('flags non-allowlisted hosts in url arguments but only mentions in prose at low severity', () => {
    expect(fetch('https://pastebin.dev/raw/x')).toEqual(['ssrf-egress.host-not-allowlisted']);
    const f = runArgs(insp, 'email.send', { body: 'the box at http://10.1.2.3/ is down' });
    expect(f.map((x) => [x.id, x.severity])).toEqual([['ssrf-egress.private-destination', 'low']]);
  });
});

describe('ssrf-egress: URLs that parsers read differently', () => {
  const fetch = (url: string) => ids(runArgs(insp, 'http.fetch', { url }));
  it('follows WHATWG past extra slashes and backslashes before the host', () => {
    expect(fetch('https:///pastebin.dev/x')).toEqual(['ssrf-egress.host-not-allowlisted']);
    expect(fetch('https:\\\\\\\\pastebin.dev/x')).toEqual(['ssrf-egress.host-not-allowlisted']);
    expect(fetch('https:///api.github.com@pastebin.dev/')).toEqual(['ssrf-egress.host-not-allowlisted']);
    expect(fetch('http:\\\\\\\\169.254.169.254/latest/meta-data')).toContain('ssrf-egress.metadata-endpoint');
  });
  it('reports a URL whose host depends on the parser, and checks every reading', () => {
    // WHATWG ends the authority at `\`: api.github.com. RFC 3986 parsers (urllib, Go, curl) take the host after `@`.
    expect(fetch('https://api.github.com\\@pastebin.dev/')).toEqual([
      'ssrf-egress.ambiguous-url',
      'ssrf-egress.host-not-allowlisted',
    ]);
  });
  it('passes allowlisted URLs with ports, userinfo, queries and fragments', () => {
    for (const u of [
      'https://api.github.com/repos/acme/app/issues/1',
      'https://api.github.com:443/x?a=1&b=2#frag',
      'https://bot:token@api.github.com/user',
      'https://API.GITHUB.COM./',
      '//api.github.com/x',
    ]) {
      expect(fetch(u), u).toEqual([]);
    }
  });
});

describe('ssrf-egress: lists of destinations', () => {
  it('judges the items of a list under the name of the list', () => {
    // Before, an item of `urls` had no key and a URL in it counted only as a mention: no finding at all.
    expect(
      ids(runArgs(insp, 'http.fetch_all', { urls: ['https://api.github.com/x', 'https://pastebin.dev/x'] })),
    ).toEqual(['ssrf-egress.host-not-allowlisted']);
    expect(ids(runArgs(insp, 'net.scan', { hosts: ['169.254.169.254'] }))).toContain(
      'ssrf-egress.metadata-endpoint',
    );
    expect(runArgs(insp, 'http.fetch_all', { webhooks: ['https://api.github.com/hooks/1'] })).toEqual([]);
  });
  it('reads nested lists the same way and gives each item its own path', () => {
    const f = runArgs(insp, 'http.fetch_all', { batch: { urls: [['https://pastebin.dev/a']] } });
    expect(f.map((x) => `${x.id} ${x.path}`)).toEqual([
      'ssrf-egress.host-not-allowlisted $.action.arguments.batch.urls[0][0]',
    ]);
  });
});

describe('ssrf-egress: bare destinations in host and address fields', () => {
  const on = (args: Record<string, string>) => ids(runArgs(insp, 'net.connect', args));
  it('reads IP fields and host fields with ports as destinations', () => {
    expect(on({ ip: '169.254.169.254' })).toContain('ssrf-egress.metadata-endpoint');
    expect(on({ target_host: '10.0.0.5' })).toContain('ssrf-egress.private-destination');
    expect(on({ host: 'internal-db:5432' })).toEqual(['ssrf-egress.host-not-allowlisted']);
    expect(on({ host: 'api.github.com:443' })).toEqual([]);
  });
  it('reads address-like fields only when they hold an IP or a name with a port', () => {
    expect(on({ address: '169.254.169.254:80' })).toContain('ssrf-egress.metadata-endpoint');
    expect(on({ node: '[fd00::1]:80' })).toContain('ssrf-egress.private-destination');
    expect(on({ target: 'db.corp:5432' })).toEqual(['ssrf-egress.host-not-allowlisted']);
    for (const args of [
      { address: 'Berlin' },
      { dest: 'out.csv' },
      { target: 'v1.2.3' },
      { target: 'Q3 revenue' },
    ]) {
      expect(on(args), JSON.stringify(args)).toEqual([]);
    }
  });
});
