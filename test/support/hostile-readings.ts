/**
 * Hostile CheckRequests of issue 15's classes F2 (an MCP reading off an MCP endpoint), F3 (a method
 * override that downgrades) and the request shapes real Envoy never sends: the listed examples and the
 * variants around them, as Envoy-shaped CheckRequests. The probe (scripts/probe-readings.ts) and the
 * e2e tests (test/e2e/request-readings.test.ts) send the same list over real gRPC.
 */
import { scenarioCheckRequest, type ScenarioRequest } from '../../src/cli/scenario.js';
import type { CheckRequest, HeaderValue } from '../../src/extauthz/envoy-types.js';

export type HostileClass = 'F2' | 'F3' | 'shape';

export interface HostileCall {
  readonly cls: HostileClass;
  readonly name: string;
  readonly request: CheckRequest;
}

/** The scenario's CheckRequest with its `http` attributes edited in place. */
export function edited(r: ScenarioRequest, edit: (http: NonNullable<HttpAttrs>) => void): CheckRequest {
  const req = scenarioCheckRequest(r);
  edit(req.attributes!.request!.http!);
  return req;
}
type HttpAttrs = NonNullable<NonNullable<NonNullable<CheckRequest['attributes']>['request']>['http']>;

const rpc = (method: string, extra: Record<string, unknown> = {}) => ({
  jsonrpc: '2.0',
  id: 1,
  method,
  ...extra,
});
const toolsCall = (name: string, args: Record<string, unknown>) =>
  rpc('tools/call', { params: { name, arguments: args } });
const harmlessSelect = toolsCall('query_db', { database: 'analytics', query: 'SELECT id FROM orders' });

/** JSON-RPC bodies an MCP server would act on. */
export const MCP_BODIES: readonly unknown[] = [
  rpc('tools/list'),
  rpc('initialize', { params: { protocolVersion: '2025-06-18', capabilities: {} } }),
  rpc('resources/list'),
  rpc('prompts/list'),
  rpc('notifications/initialized'),
  harmlessSelect,
];

/** Methods other than POST: JSON-RPC over HTTP is a POST, so each of these reads two ways. */
export const NON_POST = ['DELETE', 'PUT', 'PATCH', 'GET', 'HEAD', 'OPTIONS'];

/** In-mesh REST paths no MCP endpoint lives at, dangerous by their path alone. */
export const REST_PATHS: ReadonlyArray<readonly [string, string]> = [
  ['users.svc.cluster.local', '/api/users/42'],
  ['billing.svc.cluster.local', '/v1/accounts/42/delete?force=true'],
  ['orders.svc.cluster.local', '/api/orders?all=true'],
  ['mcp.tools.svc.cluster.local', '/admin/reset'],
  ['mcp.tools.svc.cluster.local', '/mcp/'],
  ['mcp.tools.svc.cluster.local', '/MCP'],
  ['mcp.tools.svc.cluster.local', '/mcp2'],
  ['mcp.tools.svc.cluster.local', '/api/mcp'],
];

function f2(): HostileCall[] {
  const out: HostileCall[] = [
    {
      cls: 'F2',
      name: 'DELETE users/42 with a tools/list body',
      request: scenarioCheckRequest({
        method: 'DELETE',
        authority: 'users.svc.cluster.local',
        path: '/api/users/42',
        json: rpc('tools/list'),
      }),
    },
    {
      cls: 'F2',
      name: 'POST billing .../delete?force=true with a tools/list body',
      request: scenarioCheckRequest({
        method: 'POST',
        authority: 'billing.svc.cluster.local',
        path: '/v1/accounts/42/delete?force=true',
        json: rpc('tools/list'),
      }),
    },
    {
      cls: 'F2',
      name: 'POST /mcp/tools/execute_query whose body is a tools/list carrying DROP TABLE',
      request: scenarioCheckRequest({
        method: 'POST',
        authority: 'mcp.tools.svc.cluster.local',
        path: '/mcp/tools/execute_query',
        json: rpc('tools/list', { database: 'production', query: 'DROP TABLE users' }),
      }),
    },
    {
      cls: 'F2',
      name: 'DELETE orders?all=true carrying a harmless SELECT tools/call',
      request: scenarioCheckRequest({
        method: 'DELETE',
        authority: 'orders.svc.cluster.local',
        path: '/api/orders?all=true',
        json: harmlessSelect,
      }),
    },
  ];
  for (const method of NON_POST)
    for (const [authority, path] of REST_PATHS.slice(0, 3))
      for (const [i, json] of MCP_BODIES.entries())
        out.push({
          cls: 'F2',
          name: `${method} ${authority}${path} with MCP body ${i}`,
          request: scenarioCheckRequest({ method, authority, path, json }),
        });
  for (const [authority, path] of REST_PATHS)
    for (const [i, json] of MCP_BODIES.entries())
      out.push({
        cls: 'F2',
        name: `POST ${authority}${path} with MCP body ${i}`,
        request: scenarioCheckRequest({ method: 'POST', authority, path, json }),
      });
  // The same JSON-RPC as text/plain (read as JSON by a lenient server) and on the MCP endpoint with DELETE.
  for (const [i, json] of MCP_BODIES.entries()) {
    out.push({
      cls: 'F2',
      name: `DELETE /api/users/42 with text/plain MCP body ${i}`,
      request: scenarioCheckRequest({
        method: 'DELETE',
        authority: 'users.svc.cluster.local',
        path: '/api/users/42',
        body: JSON.stringify(json),
        headers: { 'content-type': 'text/plain' },
      }),
    });
    out.push({
      cls: 'F2',
      name: `DELETE on the MCP endpoint with MCP body ${i}`,
      request: scenarioCheckRequest({
        method: 'DELETE',
        authority: 'mcp.tools.svc.cluster.local',
        path: '/mcp',
        json,
      }),
    });
  }
  // REST tool paths whose body is a JSON-RPC message of another method.
  for (const tool of ['execute_query', 'delete_user', 'query_db', 'run_shell'])
    for (const [i, json] of MCP_BODIES.entries())
      out.push({
        cls: 'F2',
        name: `POST /mcp/tools/${tool} with MCP body ${i}`,
        request: scenarioCheckRequest({
          method: 'POST',
          authority: 'mcp.tools.svc.cluster.local',
          path: `/mcp/tools/${tool}`,
          json,
        }),
      });
  return out;
}

const GITHUB = 'api.github.com';

/** Header names frameworks read a method override from, in the spellings a proxy may pass on. */
export const OVERRIDE_HEADER_NAMES = [
  'x-http-method-override',
  'x-method-override',
  'x-http-method',
  'X-HTTP-Method-Override',
  'X-Method-Override',
  'x-HTTP-method',
  'x_http_method_override',
  'X_Method_Override',
];
/** Safe methods an override may name, in spellings frameworks upper-case. */
export const SAFE_OVERRIDES = ['GET', 'HEAD', 'get', 'Head', ' GET ', 'OPTIONS'];
/** Wire methods a safe override would downgrade. */
export const DANGEROUS_WIRE = ['DELETE', 'POST', 'PUT', 'PATCH'];
/** Query / form names frameworks read a method override from. */
export const OVERRIDE_FIELDS = ['_method', '_METHOD', '%5Fmethod', '_Method'];

function f3(): HostileCall[] {
  const out: HostileCall[] = [
    {
      cls: 'F3',
      name: 'DELETE /repos/acme/app with X-HTTP-Method-Override: GET',
      request: scenarioCheckRequest({
        method: 'DELETE',
        authority: GITHUB,
        path: '/repos/acme/app',
        headers: { 'x-http-method-override': 'GET' },
      }),
    },
    {
      cls: 'F3',
      name: 'POST /gists?_method=GET',
      request: scenarioCheckRequest({
        method: 'POST',
        authority: GITHUB,
        path: '/gists?_method=GET',
        json: { public: true, files: { 'a.txt': { content: 'leak' } } },
      }),
    },
    {
      cls: 'F3',
      name: 'PUT contents/README.md with X-Method-Override: HEAD',
      request: scenarioCheckRequest({
        method: 'PUT',
        authority: GITHUB,
        path: '/repos/acme/app/contents/README.md',
        headers: { 'x-method-override': 'HEAD' },
        json: { message: 'x', content: 'eA==' },
      }),
    },
    {
      cls: 'F3',
      name: 'POST /gists with a form body _method=GET',
      request: scenarioCheckRequest({
        method: 'POST',
        authority: GITHUB,
        path: '/gists',
        body: 'public=true&_method=GET&content=leak',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
    },
  ];
  for (const wire of DANGEROUS_WIRE)
    for (const name of OVERRIDE_HEADER_NAMES)
      for (const value of SAFE_OVERRIDES) {
        out.push({
          cls: 'F3',
          name: `${wire} with header ${name}: ${value}`,
          request: scenarioCheckRequest({
            method: wire,
            authority: GITHUB,
            path: '/repos/acme/app',
            headers: { [name]: value },
          }),
        });
      }
  for (const wire of DANGEROUS_WIRE)
    for (const field of OVERRIDE_FIELDS)
      for (const value of ['GET', 'head', 'Get']) {
        out.push({
          cls: 'F3',
          name: `${wire} /gists?${field}=${value}`,
          request: scenarioCheckRequest({
            method: wire,
            authority: GITHUB,
            path: `/gists?${field}=${value}`,
          }),
        });
        out.push({
          cls: 'F3',
          name: `${wire} /gists with form ${field}=${value}`,
          request: scenarioCheckRequest({
            method: wire,
            authority: GITHUB,
            path: '/gists',
            body: `a=1&${field}=${value}`,
            headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
          }),
        });
      }
  // JSON bodies: Laravel and Symfony read `_method` from parsed JSON input too.
  for (const wire of DANGEROUS_WIRE)
    out.push({
      cls: 'F3',
      name: `${wire} /gists with JSON _method GET`,
      request: scenarioCheckRequest({
        method: wire,
        authority: GITHUB,
        path: '/gists',
        json: { _method: 'GET' },
      }),
    });
  // Raw header lists (encode_raw_headers): a duplicate override, one safe and one not.
  for (const wire of DANGEROUS_WIRE)
    out.push({
      cls: 'F3',
      name: `${wire} with two raw x-http-method-override headers (GET, GET)`,
      request: edited({ method: wire, authority: GITHUB, path: '/repos/acme/app' }, (http) => {
        http.header_map = {
          headers: [
            ...Object.entries(http.headers ?? {}).map(([key, v]) => rawHeader(key, v)),
            rawHeader('x-http-method-override', 'GET'),
            rawHeader('X-HTTP-Method-Override', 'GET'),
          ],
        };
        delete http.headers;
      }),
    });
  return out;
}

/** A header_map entry as Envoy sends it with encode_raw_headers: key and raw_value only. */
export function rawHeader(key: string, value: string | Buffer): HeaderValue {
  return { key, raw_value: typeof value === 'string' ? Buffer.from(value, 'latin1') : value };
}

/** A call the default pack allows (github-read), to which each shape change is applied. */
export const GITHUB_READ: ScenarioRequest = {
  method: 'GET',
  authority: GITHUB,
  path: '/repos/acme/app/issues/1',
};

/** The same call with a 3-byte text body. */
const WITH_BODY: ScenarioRequest = { ...GITHUB_READ, body: 'q=1', headers: { 'content-type': 'text/plain' } };

function shape(): HostileCall[] {
  const out: HostileCall[] = [];
  // Ports: a host rule means the scheme's default port.
  for (const port of [22, 8080, 25, 6379, 80, 8443, 65535]) {
    out.push({
      cls: 'shape',
      name: `GET api.github.com:${port} (https)`,
      request: scenarioCheckRequest({ ...GITHUB_READ, authority: `${GITHUB}:${port}` }),
    });
  }
  out.push({
    cls: 'shape',
    name: 'GET api.github.com:443 over http',
    request: scenarioCheckRequest({ ...GITHUB_READ, authority: `${GITHUB}:443`, scheme: 'http' }),
  });
  // The partial-body header in a spelling Envoy does not use, on a call that is otherwise allowed.
  const partialSpellings: ReadonlyArray<readonly [string, string]> = [
    ['x-envoy-auth-partial-body', 'True'],
    ['x-envoy-auth-partial-body', 'TRUE'],
    ['x-envoy-auth-partial-body', ' true'],
    ['x-envoy-auth-partial-body', 'true '],
    ['x-envoy-auth-partial-body', '1'],
    ['x-envoy-auth-partial-body', 'yes'],
    ['x-envoy-auth-partial-body', ''],
    ['x-envoy-auth-partial-body', 'false,true'],
    ['x-envoy-auth-partial-body', 'false, true'],
    ['x-envoy-auth-partial-body', 'False'],
    [' x-envoy-auth-partial-body', 'true'],
    ['x-envoy-auth-partial-body ', 'true'],
    ['X-Envoy-Auth-Partial-Body', 'false'],
    ['x-envoy-auth-partial_body', 'true'],
  ];
  for (const [key, value] of partialSpellings)
    out.push({
      cls: 'shape',
      name: `partial-body header "${key}": "${value}"`,
      request: edited(WITH_BODY, (http) => {
        http.headers = { ...http.headers, [key]: value };
      }),
    });
  out.push({
    cls: 'shape',
    name: 'two raw partial-body headers, false then true',
    request: edited(WITH_BODY, (http) => {
      http.header_map = {
        headers: [
          ...Object.entries(http.headers ?? {}).map(([key, v]) => rawHeader(key, v)),
          rawHeader('x-envoy-auth-partial-body', 'false'),
          rawHeader('x-envoy-auth-partial-body', 'true'),
        ],
      };
      delete http.headers;
    }),
  });
  // content-length that does not describe the body writ was sent.
  for (const cl of ['100', '4', '2', '3,3', '3, 3', '+3', '03', ' 3', '3 ', '0x3', '3.0', '-1', ''])
    out.push({
      cls: 'shape',
      name: `content-length "${cl}" on a 3-byte body`,
      request: edited(WITH_BODY, (http) => {
        http.headers = { ...http.headers, 'content-length': cl };
      }),
    });
  out.push({
    cls: 'shape',
    name: 'content-length 1048576 with no body (with_request_body off)',
    request: edited(GITHUB_READ, (http) => {
      http.headers = { ...http.headers, 'content-length': '1048576' };
    }),
  });
  // http.host and :authority naming different hosts.
  for (const [host, authority] of [
    [GITHUB, 'evil.example'],
    [GITHUB, 'api.github.com:22'],
    [GITHUB, 'API.GITHUB.COM.evil.example'],
    ['api.github.com', 'api.github.com.'],
  ] as const)
    out.push({
      cls: 'shape',
      name: `http.host "${host}" with :authority "${authority}"`,
      request: edited(GITHUB_READ, (http) => {
        http.host = host;
        http.headers = { ...http.headers, ':authority': authority };
      }),
    });
  out.push({
    cls: 'shape',
    name: 'a host header other than :authority',
    request: edited(GITHUB_READ, (http) => {
      http.headers = { ...http.headers, host: 'evil.example' };
    }),
  });
  // Header values that do not decode losslessly.
  const lossy = [
    'caf\u00e9',
    '\u00ff',
    'a\u0000b',
    'a\rb',
    'a\nb',
    'a\r\nx-http-method-override: GET',
    '\ufffd',
    '\u2028',
  ];
  for (const v of lossy)
    out.push({
      cls: 'shape',
      name: `header value ${JSON.stringify(v)}`,
      request: edited(GITHUB_READ, (http) => {
        http.headers = { ...http.headers, 'x-trace': v };
      }),
    });
  for (const bytes of [[0xff], [0xc3, 0x28], [0x80], [0xe9], [0x00], [0x0d, 0x0a], [0xef, 0xbf, 0xbd]])
    out.push({
      cls: 'shape',
      name: `raw header value bytes ${bytes.map((b) => b.toString(16)).join(' ')}`,
      request: edited(GITHUB_READ, (http) => {
        http.header_map = {
          headers: [
            ...Object.entries(http.headers ?? {}).map(([key, v]) => rawHeader(key, v)),
            rawHeader('x-trace', Buffer.from(bytes)),
          ],
        };
        delete http.headers;
      }),
    });
  return out;
}

/** Every hostile call of the three classes. */
export function hostileCalls(): HostileCall[] {
  return [...f2(), ...f3(), ...shape()];
}
