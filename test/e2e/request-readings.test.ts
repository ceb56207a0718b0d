/**
 * Requests that read two ways, over real gRPC against the default pack: every example of issue 15's F2
 * (MCP off an MCP endpoint), F3 (a method override that downgrades) and request-shape classes, and
 * fast-check variants around each, are denied without a token.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { responseHeader, structField, wireTrace } from '../../src/cli/check-client.js';
import { scenarioCheckRequest } from '../../src/cli/scenario.js';
import type { CheckRequest } from '../../src/extauthz/envoy-types.js';
import {
  DANGEROUS_WIRE,
  edited,
  GITHUB_READ,
  hostileCalls,
  rawHeader,
  MCP_BODIES,
  NON_POST,
  OVERRIDE_FIELDS,
  OVERRIDE_HEADER_NAMES,
} from '../support/hostile-readings.js';
import { startTestWrit, type TestWrit } from '../support/writ-server.js';

let t: TestWrit;
beforeAll(async () => {
  t = await startTestWrit();
});
afterAll(async () => t.stop());

/** The reason code of a denied call; fails the test when the call was allowed. */
async function deniedCode(req: CheckRequest): Promise<string> {
  const res = await t.check.check(req);
  expect(responseHeader(res, 'x-writ-token')).toBeUndefined();
  expect(res.status.code).toBe(7);
  return String(structField(res, 'writ_code'));
}

/** A name spelled with random case and `_` or `-`, as CGI, PHP and case-insensitive lookups read alike. */
const spelled = (name: string) =>
  fc
    .array(fc.tuple(fc.boolean(), fc.boolean()), { minLength: name.length, maxLength: name.length })
    .map((flags) =>
      [...name]
        .map((c, i) => {
          const [upper, swap] = flags[i]!;
          const d = swap && c === '-' ? '_' : swap && c === '_' ? '-' : c;
          return upper ? d.toUpperCase() : d;
        })
        .join(''),
    );
/** A query or form name with some characters percent-encoded, as URL decoding reads alike. */
const percentSpelled = (name: string) =>
  fc
    .tuple(spelled(name), fc.array(fc.boolean(), { minLength: name.length, maxLength: name.length }))
    .map(([n, enc]) =>
      [...n]
        .map((c, i) => (enc[i] ? `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}` : c))
        .join(''),
    );
const safeMethod = fc.constantFrom('get', 'head', 'options').chain(spelled);
const wire = fc.constantFrom(...DANGEROUS_WIRE);
const githubPath = fc.constantFrom(
  '/repos/acme/app',
  '/gists',
  '/repos/acme/app/contents/README.md',
  '/repos/acme/app/git/refs/heads/main',
);

describe('F3: a method override never downgrades the method', () => {
  it('denies every listed example with its own code', async () => {
    const calls = hostileCalls().filter((c) => c.cls === 'F3');
    expect(calls.length).toBeGreaterThan(100);
    const codes = new Map<string, number>();
    for (const call of calls) {
      const code = await deniedCode(call.request);
      codes.set(code, (codes.get(code) ?? 0) + 1);
    }
    for (const call of calls.slice(0, 4))
      expect(await deniedCode(call.request), call.name).toBe('ERR_METHOD_OVERRIDE_DOWNGRADE');
    expect(codes.get('ERR_METHOD_OVERRIDE_DOWNGRADE') ?? 0).toBeGreaterThan(calls.length / 2);
  });

  it('denies a safe override in a header of any spelling, on any dangerous method', async () => {
    await fc.assert(
      fc.asyncProperty(
        wire,
        fc.constantFrom(...OVERRIDE_HEADER_NAMES).chain(spelled),
        safeMethod,
        fc.constantFrom('', ' ', '\t'),
        githubPath,
        async (method, name, value, pad, path) => {
          const req = scenarioCheckRequest({
            method,
            authority: 'api.github.com',
            path,
            headers: { [name]: `${pad}${value}${pad}` },
          });
          expect(await deniedCode(req)).toMatch(/^ERR_(METHOD_OVERRIDE_DOWNGRADE|HEADER_NAME)$/);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('denies a safe override in the query, a form body or a JSON body, of any spelling', async () => {
    await fc.assert(
      fc.asyncProperty(
        wire,
        fc.constantFrom(...OVERRIDE_FIELDS.slice(0, 1), 'x-http-method-override').chain(percentSpelled),
        safeMethod,
        fc.constantFrom('query', 'form', 'json'),
        githubPath,
        async (method, field, value, where, path) => {
          const req =
            where === 'query'
              ? scenarioCheckRequest({
                  method,
                  authority: 'api.github.com',
                  path: `${path}?a=1&${field}=${value}`,
                })
              : where === 'form'
                ? scenarioCheckRequest({
                    method,
                    authority: 'api.github.com',
                    path,
                    body: `a=1&${field}=${value}`,
                    headers: { 'content-type': 'application/x-www-form-urlencoded' },
                  })
                : scenarioCheckRequest({
                    method,
                    authority: 'api.github.com',
                    path,
                    json: { a: 1, [decodeURIComponent(field)]: value },
                  });
          expect(await deniedCode(req)).toBe('ERR_METHOD_OVERRIDE_DOWNGRADE');
        },
      ),
      { numRuns: 150 },
    );
  });

  it('still decides an upgrade (GET asking for DELETE) as the DELETE', async () => {
    const req = scenarioCheckRequest({
      method: 'GET',
      authority: 'api.github.com',
      path: '/repos/acme/app?_method=DELETE',
    });
    // A repository delete is held for approval by the default pack (repository-delete-approval); the read of
    // the same repository is not. The upgraded GET must get the delete's decision, not the read's.
    const asDelete = scenarioCheckRequest({
      method: 'DELETE',
      authority: 'api.github.com',
      path: '/repos/acme/app',
    });
    const asRead = scenarioCheckRequest({
      method: 'GET',
      authority: 'api.github.com',
      path: '/repos/acme/app',
    });
    const deleteCode = await deniedCode(asDelete);
    expect(deleteCode).toBe('POLICY_REQUIRE_APPROVAL');
    expect(await deniedCode(req)).toBe(deleteCode);
    const read = await t.check.check(asRead);
    expect(String(structField(read, 'writ_code'))).not.toBe(deleteCode);
  });
});

/** An MCP method name as a lenient server may still read it: any case, padded. */
const mcpMethod = fc
  .tuple(
    fc.constantFrom(
      'tools/list',
      'tools/call',
      'initialize',
      'resources/read',
      'prompts/get',
      'notifications/initialized',
      'ping',
      'completion/complete',
    ),
    fc.boolean(),
    fc.constantFrom('', ' '),
  )
  .map(([m, upper, pad]) => `${pad}${upper ? m.toUpperCase() : m}${pad}`);
const mcpBody = fc.oneof(
  fc.constantFrom(...MCP_BODIES),
  fc.record({
    jsonrpc: fc.constant('2.0'),
    id: fc.oneof(fc.nat(), fc.string({ maxLength: 4 })),
    method: mcpMethod,
    params: fc.constantFrom(
      {},
      { name: 'query_db', arguments: { database: 'analytics', query: 'SELECT 1' } },
      { cursor: 'x' },
    ),
  }),
);
const segment = fc.stringMatching(/^[a-z0-9_.-]{1,12}$/);
const offEndpointPath = fc
  .tuple(
    fc.array(segment, { minLength: 1, maxLength: 4 }),
    fc.constantFrom('', '?force=true', '?all=true&x=1'),
  )
  .map(([segs, q]) => `/${segs.join('/')}${q}`)
  .filter((p) => !/^\/mcp(\?|$)/.test(p) && !/^\/mcp\/tools\/[^/]+(\?|$)/.test(p));
const inMeshHost = fc.constantFrom(
  'users.svc.cluster.local',
  'billing.svc.cluster.local',
  'orders.svc.cluster.local',
  'mcp.tools.svc.cluster.local',
);
const bodyAs = fc.constantFrom('application/json', 'text/plain', 'application/json-rpc', '');

function rpcRequest(
  method: string,
  authority: string,
  path: string,
  body: unknown,
  type: string,
): CheckRequest {
  return scenarioCheckRequest({
    method,
    authority,
    path,
    body: JSON.stringify(body),
    headers: type === '' ? {} : { 'content-type': type },
  });
}

describe('F2: an MCP message is MCP only as a POST to a configured endpoint', () => {
  it('denies every listed example as two readings of one request', async () => {
    const calls = hostileCalls().filter((c) => c.cls === 'F2');
    expect(calls.length).toBeGreaterThan(100);
    for (const call of calls)
      expect(await deniedCode(call.request), call.name).toBe('ERR_MCP_READING_CONFLICT');
  });

  it('denies a JSON-RPC body on any method but POST, on any host and path, the endpoint included', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...NON_POST),
        inMeshHost,
        fc.oneof(offEndpointPath, fc.constant('/mcp')),
        mcpBody,
        bodyAs,
        async (method, host, path, body, type) => {
          expect(await deniedCode(rpcRequest(method, host, path, body, type))).toBe(
            'ERR_MCP_READING_CONFLICT',
          );
        },
      ),
      { numRuns: 150 },
    );
  });

  it('denies an MCP message POSTed anywhere but an endpoint', async () => {
    await fc.assert(
      fc.asyncProperty(inMeshHost, offEndpointPath, mcpBody, bodyAs, async (host, path, body, type) => {
        expect(await deniedCode(rpcRequest('POST', host, path, body, type))).toBe('ERR_MCP_READING_CONFLICT');
      }),
      { numRuns: 150 },
    );
  });

  it('denies an MCP message on the endpoint of another port', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 65535 }).filter((p) => p !== 443),
        mcpBody,
        async (port, body) => {
          const req = rpcRequest(
            'POST',
            `mcp.tools.svc.cluster.local:${port}`,
            '/mcp',
            body,
            'application/json',
          );
          expect(await deniedCode(req)).toBe('ERR_MCP_READING_CONFLICT');
        },
      ),
      { numRuns: 60 },
    );
  });

  it('denies a REST tool path whose body is a JSON-RPC message', async () => {
    await fc.assert(
      fc.asyncProperty(segment, mcpBody, bodyAs, async (tool, body, type) => {
        const req = rpcRequest('POST', 'mcp.tools.svc.cluster.local', `/mcp/tools/${tool}`, body, type);
        expect(await deniedCode(req)).toBe('ERR_MCP_READING_CONFLICT');
      }),
      { numRuns: 100 },
    );
  });

  it('reads a plain JSON-RPC API off an endpoint by its method, host and path', async () => {
    const req = rpcRequest(
      'POST',
      'users.svc.cluster.local',
      '/',
      { jsonrpc: '2.0', id: 1, method: 'eth_call' },
      'application/json',
    );
    const res = await t.check.check(req);
    expect(res.status.code).toBe(7);
    expect(structField(res, 'writ_code')).toBe('POLICY_DEFAULT_DENY');
  });

  it('still allows discovery at the endpoint the default pack names', async () => {
    const res = await t.check.check(
      rpcRequest(
        'POST',
        'mcp.tools.svc.cluster.local',
        '/mcp',
        { jsonrpc: '2.0', id: 1, method: 'tools/list' },
        'application/json',
      ),
    );
    expect(structField(res, 'writ_code')).toBe('POLICY_ALLOW');
  });
});

describe('--mcp-endpoints', () => {
  it('replaces the policy list: MCP is read at the configured endpoint and refused at the pack one', async () => {
    const other = await startTestWrit({ 'mcp-endpoints': 'users.svc.cluster.local/rpc' });
    try {
      const list = { jsonrpc: '2.0', id: 1, method: 'tools/list' };
      const there = await other.check.check(
        rpcRequest('POST', 'users.svc.cluster.local', '/rpc', list, 'application/json'),
      );
      // Read as MCP, and the pack's mcp-discovery names path /mcp: no rule allows it.
      expect(structField(there, 'writ_code')).toBe('POLICY_DEFAULT_DENY');
      expect(wireTrace(there).normalized).toMatchObject({ adapter: 'mcp', tool: 'tools/list' });
      const pack = await other.check.check(
        rpcRequest('POST', 'mcp.tools.svc.cluster.local', '/mcp', list, 'application/json'),
      );
      expect(structField(pack, 'writ_code')).toBe('ERR_MCP_READING_CONFLICT');
    } finally {
      await other.stop();
    }
  });
});

describe('a host rule means the default port of the scheme unless it names a port', () => {
  const read = (authority: string, scheme = 'https') =>
    scenarioCheckRequest({ method: 'GET', authority, path: '/repos/acme/app/issues/1', scheme });

  it('denies the listed port examples', async () => {
    for (const call of hostileCalls().filter(
      (c) => c.cls === 'shape' && c.name.startsWith('GET api.github.com:'),
    ))
      expect(await deniedCode(call.request), call.name).toBe('POLICY_DEFAULT_DENY');
  });

  it('github-read allows api.github.com on the default port only, written or not', async () => {
    for (const authority of ['api.github.com', 'api.github.com:443', 'API.GITHUB.COM:443'])
      expect(structField(await t.check.check(read(authority)), 'writ_code'), authority).toBe('POLICY_ALLOW');
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 65535 }),
        fc.constantFrom('https', 'http'),
        async (port, scheme) => {
          // The scheme's own default port is the port the rule means.
          fc.pre(port !== (scheme === 'https' ? 443 : 80));
          expect(await deniedCode(read(`api.github.com:${port}`, scheme))).toBe('POLICY_DEFAULT_DENY');
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('requests real Envoy would not send are refused, each with its own code', () => {
  const WITH_BODY = { ...GITHUB_READ, body: 'q=1', headers: { 'content-type': 'text/plain' } };
  const allowed = async (req: CheckRequest) => {
    const res = await t.check.check(req);
    expect(structField(res, 'writ_code')).toBe('POLICY_ALLOW');
  };
  /** The request with its headers sent as Envoy's header_map (encode_raw_headers), plus `extra`. */
  const asRaw = (req: CheckRequest, extra: ReturnType<typeof rawHeader>[]) => {
    const http = req.attributes!.request!.http!;
    http.header_map = {
      headers: [...Object.entries(http.headers ?? {}).map(([k, v]) => rawHeader(k, v)), ...extra],
    };
    delete http.headers;
    return req;
  };

  it('denies every listed example', async () => {
    const calls = hostileCalls().filter(
      (c) => c.cls === 'shape' && !c.name.startsWith('GET api.github.com:'),
    );
    expect(calls.length).toBeGreaterThan(40);
    for (const call of calls)
      expect(await deniedCode(call.request), call.name).toMatch(
        /^ERR_(PARTIAL_BODY_HEADER|PARTIAL_BODY|CONTENT_LENGTH_MISMATCH|AUTHORITY_MISMATCH|HEADER_NAME|HEADER_VALUE_LOSSY)$/,
      );
  });

  it("allows Envoy's own shapes: the partial-body header false, the body's content-length, raw headers", async () => {
    await allowed(
      edited(WITH_BODY, (http) => {
        http.headers = { ...http.headers, 'x-envoy-auth-partial-body': 'false', 'content-length': '3' };
      }),
    );
    await allowed(asRaw(scenarioCheckRequest(WITH_BODY), [rawHeader('x-envoy-auth-partial-body', 'false')]));
    await allowed(
      asRaw(scenarioCheckRequest(GITHUB_READ), [rawHeader('accept', 'a'), rawHeader('accept', 'b')]),
    );
  });

  it("denies the partial-body header in any spelling but Envoy's", async () => {
    await fc.assert(
      fc.asyncProperty(
        spelled('x-envoy-auth-partial-body'),
        fc.constantFrom('', ' ', '\t'),
        fc.oneof(
          fc.constantFrom('true', 'false', 'False', 'TRUE', '0', '1', 'false,true', ''),
          fc.string({ maxLength: 6 }),
        ),
        fc.boolean(),
        async (name, pad, value, raw) => {
          const key = `${pad}${name}${pad}`;
          fc.pre(!(key === 'x-envoy-auth-partial-body' && value === 'false'));
          const req = raw
            ? asRaw(scenarioCheckRequest(WITH_BODY), [rawHeader(key, value)])
            : edited(WITH_BODY, (http) => {
                http.headers = { ...http.headers, [key]: value };
              });
          await deniedCode(req);
        },
      ),
      { numRuns: 150 },
    );
    // Twice, even with the same value.
    await deniedCode(
      asRaw(scenarioCheckRequest(WITH_BODY), [
        rawHeader('x-envoy-auth-partial-body', 'false'),
        rawHeader('x-envoy-auth-partial-body', 'false'),
      ]),
    );
  });

  it("denies a content-length that is not the body's length, one number, once", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.nat().map(String),
          fc.string({ maxLength: 6 }),
          fc.constantFrom('3,3', '3, 3', '+3', '03', ' 3'),
        ),
        fc.constantFrom('', 'q=1', 'x'.repeat(300)),
        async (length, body) => {
          fc.pre(length !== String(body.length));
          const req = edited({ ...GITHUB_READ, body, headers: { 'content-type': 'text/plain' } }, (http) => {
            http.headers = { ...http.headers, 'content-length': length };
          });
          expect(await deniedCode(req)).toMatch(/^ERR_(CONTENT_LENGTH_MISMATCH|HEADER_VALUE_LOSSY)$/);
        },
      ),
      { numRuns: 150 },
    );
    await deniedCode(
      asRaw(scenarioCheckRequest(WITH_BODY), [
        rawHeader('content-length', '3'),
        rawHeader('content-length', '3'),
      ]),
    );
  });

  it('denies http.host, :authority and a host header that name different hosts', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('host-field', ':authority', 'host'),
        fc.oneof(
          fc.constantFrom(
            'evil.example',
            'api.github.com:22',
            'API.github.com',
            'api.github.com.',
            'api.github.com ',
          ),
          fc.stringMatching(/^[a-z0-9.:-]{1,20}$/),
        ),
        async (where, other) => {
          fc.pre(other !== 'api.github.com');
          const req = edited(GITHUB_READ, (http) => {
            if (where === 'host-field') http.host = other;
            else http.headers = { ...http.headers, [where]: other };
          });
          expect(await deniedCode(req)).toMatch(/^ERR_(AUTHORITY_MISMATCH|HEADER_VALUE_LOSSY)$/);
        },
      ),
      { numRuns: 120 },
    );
  });

  it('denies a header value that does not decode losslessly, in headers or header_map', async () => {
    const unsafe = fc.oneof(
      fc.integer({ min: 0, max: 0x1f }).filter((c) => c !== 0x09),
      fc.integer({ min: 0x7f, max: 0xff }),
      fc.constantFrom(0xfffd, 0x2028, 0x202e, 0xe9, 0x1f600),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.stringMatching(/^[ -~]{0,12}$/),
        unsafe,
        fc.nat(),
        fc.constantFrom('x-trace', 'accept', 'user-agent', 'x-http-method-override', 'authorization'),
        fc.boolean(),
        async (text, code, at, name, raw) => {
          const i = at % (text.length + 1);
          const value = `${text.slice(0, i)}${String.fromCodePoint(code)}${text.slice(i)}`;
          const req = raw
            ? asRaw(scenarioCheckRequest(GITHUB_READ), [
                rawHeader(name, code > 0xff ? Buffer.from(value, 'utf8') : Buffer.from(value, 'latin1')),
              ])
            : edited(GITHUB_READ, (http) => {
                http.headers = { ...http.headers, [name]: value };
              });
          expect(await deniedCode(req)).toBe('ERR_HEADER_VALUE_LOSSY');
        },
      ),
      { numRuns: 150 },
    );
  });

  it('denies header names Envoy never sends and both header fields at once', async () => {
    for (const name of ['Accept', ' accept', 'accept ', 'ac cept', 'x-a\u00e9', ''])
      expect(
        await deniedCode(
          edited(GITHUB_READ, (http) => {
            http.headers = { ...http.headers, [name]: 'v' };
          }),
        ),
        name,
      ).toBe('ERR_HEADER_NAME');
    const both = asRaw(scenarioCheckRequest(GITHUB_READ), []);
    both.attributes!.request!.http!.headers = { accept: 'a' };
    expect(await deniedCode(both)).toBe('ERR_HEADERS_AMBIGUOUS');
    const twoValues = asRaw(scenarioCheckRequest(GITHUB_READ), [
      { key: 'accept', value: 'a', raw_value: Buffer.from('b') },
    ]);
    expect(await deniedCode(twoValues)).toBe('ERR_HEADERS_AMBIGUOUS');
  });

  it('denies http.method or http.path that differ from :method or :path', async () => {
    expect(await deniedCode(edited(GITHUB_READ, (http) => (http.method = 'DELETE')))).toBe(
      'ERR_PSEUDO_HEADER_MISMATCH',
    );
    expect(await deniedCode(edited(GITHUB_READ, (http) => (http.path = '/repos/acme/secrets')))).toBe(
      'ERR_PSEUDO_HEADER_MISMATCH',
    );
  });
});
