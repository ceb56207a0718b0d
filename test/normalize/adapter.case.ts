/**
 * The shared conformance suite every protocol adapter runs (as test/inspect/inspector.case.ts is for
 * inspectors): deterministic, never mutates its (frozen) input, never throws on hostile input except the
 * domain error the pipeline turns into a deny, and its canonical action round-trips.
 */
import { describe, expect, it } from 'vitest';
import { boundParts, canonicalActionJson } from '../../src/pipeline/bind/canonical-action.js';
import { canonicalJson } from '../../src/pipeline/bind/canonical-json.js';
import { deepFreeze } from '../../src/pipeline/deep-freeze.js';
import { REASON_CODES, WritError } from '../../src/pipeline/errors.js';
import type { JsonValue } from '../../src/pipeline/model/json.js';
import type { RawRequest } from '../../src/pipeline/model/raw-request.js';
import type { Adapter, ParsedRequest } from '../../src/pipeline/normalize/adapter.js';
import { normalizeRequest, parseRequest } from '../../src/pipeline/normalize/index.js';

/** A request to `authority` + `path` with a body; JSON unless a content type is given. */
export const request = (
  method: string,
  path: string,
  body: string | Uint8Array = '',
  headers: Record<string, string> = { 'content-type': 'application/json' },
  authority = 'mcp.tools.svc.cluster.local',
): RawRequest => requestTo(method, path, body, headers, authority);

function requestTo(
  method: string,
  path: string,
  body: string | Uint8Array,
  headers: Record<string, string>,
  authority: string,
): RawRequest {
  return {
    role: 'check',
    requestId: 'adapter-conformance',
    method,
    scheme: 'https',
    authority,
    path,
    headers,
    body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body,
    bodyPartial: false,
    sourcePrincipal: 'spiffe://cluster.local/ns/agents/sa/agent',
    sourceAddress: '',
    destinationPrincipal: '',
    receivedAtMs: 0,
  };
}

const rpc = (method: unknown, params: unknown, id: unknown = 1) =>
  JSON.stringify({ jsonrpc: '2.0', id, method, params });
const deep = (n: number): JsonValue => {
  let v: JsonValue = 'leaf';
  for (let i = 0; i < n; i++) v = { a: [v] };
  return v;
};

/** Ordinary calls: an MCP tool call and list, REST reads and writes. */
export const ORDINARY: readonly RawRequest[] = [
  request('POST', '/mcp', rpc('tools/call', { name: 'query_db', arguments: { sql: 'SELECT 1' } })),
  request('POST', '/mcp', rpc('tools/list', {})),
  request('GET', '/api/users/42?fields=name', '', {}, 'users.svc.cluster.local'),
  request('DELETE', '/repos/acme/app', '', {}, 'api.github.com'),
  request(
    'POST',
    '/v1/messages',
    JSON.stringify({ to: ['a@b.example'], text: 'hi' }),
    undefined,
    'mail.example',
  ),
  // A2A: a message to another agent (v1.0 parts), and its agent card.
  request(
    'POST',
    '/a2a/jsonrpc',
    rpc('SendMessage', {
      message: { messageId: 'm1', role: 'ROLE_USER', parts: [{ text: 'book a trip' }, { data: { n: 2 } }] },
    }),
    undefined,
    'travel.agents.svc.cluster.local',
  ),
  request('GET', '/.well-known/agent-card.json', '', {}, 'travel.agents.svc.cluster.local'),
];

/** Hostile calls, each one a shape an attacker sends; every adapter that claims one must survive it. */
export const HOSTILE: Readonly<Record<string, RawRequest>> = hostileCalls('mcp.tools.svc.cluster.local');

/** The hostile calls sent to `authority` (a typed API family's host: its adapter must survive them too). */
export function hostileCalls(authority: string): Readonly<Record<string, RawRequest>> {
  const request = (
    method: string,
    path: string,
    body: string | Uint8Array = '',
    headers: Record<string, string> = { 'content-type': 'application/json' },
    at = authority,
  ) => requestTo(method, path, body, headers, at);
  return {
    '__proto__ keys': request(
      'POST',
      '/mcp',
      '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x","arguments":{"__proto__":{"polluted":1},"constructor":{"prototype":2}}}}',
    ),
    'params of the wrong type': request('POST', '/mcp', rpc('tools/call', ['not', 'an', 'object'])),
    'name of the wrong type': request('POST', '/mcp', rpc('tools/call', { name: { x: 1 }, arguments: 7 })),
    'method of the wrong type': request('POST', '/mcp', rpc(42, {})),
    'null id and params': request('POST', '/mcp', rpc('tools/call', null, null)),
    'lone surrogates': request(
      'POST',
      '/mcp',
      rpc('tools/call', { name: 'run\ud800', arguments: { q: '\udc00' } }),
    ),
    'a batch': request('POST', '/mcp', `[${rpc('tools/call', { name: 'a' })},${rpc('tools/list', {})}]`),
    'a huge tool name': request(
      'POST',
      '/mcp',
      rpc('tools/call', { name: 'x'.repeat(100_000), arguments: {} }),
    ),
    'deep arguments': request('POST', '/mcp', rpc('tools/call', { name: 'deep', arguments: deep(100) })),
    'an empty body': request('POST', '/mcp', ''),
    'a text body': request('POST', '/mcp', 'hello', { 'content-type': 'text/plain' }),
    'binary bytes': request('PUT', '/upload', new Uint8Array([0, 255, 254, 1, 2]), {
      'content-type': 'application/octet-stream',
    }),
    'an odd method and path': request('PROPFIND', '/%2e%2e/%00/..;/x?%zz=1&a=&&=', '', {}),
    'an IPv6 authority': request('GET', '/', '', {}, '[::1]:8443'),
    'a form body': request('POST', '/api', 'a=1&b=%FF&_method=GET', {
      'content-type': 'application/x-www-form-urlencoded',
    }),
    'a JSON array body': request('PUT', '/a/b/c', '[1,{"__proto__":{"x":1}},"\\ud800"]'),
    'a long path': request('DELETE', `/${'a/'.repeat(5000)}`, ''),
    'a long segment': request('PATCH', `/repos/${'%41'.repeat(20000)}/x`, '{}'),
    'dot segments and encoded slashes': request('DELETE', '/repos/./a/%2e%2e/b%2Fc//d/', ''),
    'a method override': request('POST', '/repos/acme/app', '{"_method":"DELETE"}'),
    'A2A parts with __proto__ keys and two contents': request(
      'POST',
      '/a2a',
      rpc('message/send', {
        message: {
          parts: [{ kind: 'text', text: 'x', data: { __proto__: { polluted: 1 } } }, { __proto__: 1 }],
        },
      }),
    ),
    'an A2A message of the wrong type': request('POST', '/a2a', rpc('SendMessage', { message: [1, 2] })),
    'an A2A batch': request(
      'POST',
      '/a2a',
      `[${rpc('GetTask', { id: 't' })},${rpc('CancelTask', { id: 't' })}]`,
    ),
    'an A2A method off every endpoint': request('POST', '/rpc', rpc(' MESSAGE/SEND ', { message: null })),
  };
}

/** The parsed request, or null when parsing itself refuses it (a deny before any adapter runs). */
function parsed(raw: RawRequest): ParsedRequest | null {
  try {
    return parseRequest(raw);
  } catch (err) {
    if (err instanceof WritError) return null;
    throw err;
  }
}

/** The parsed request frozen all through (its raw body bytes aside: a typed array cannot be frozen). */
function frozen(req: ParsedRequest): ParsedRequest {
  deepFreeze(req.body);
  deepFreeze(req.query);
  deepFreeze(req.methodReadings);
  deepFreeze(req.raw.headers);
  Object.freeze(req.raw);
  return Object.freeze(req);
}

/** The adapter's result, or the code of the WritError it threw (any other throw fails the test). */
function run(adapter: Adapter, req: ParsedRequest): { result: unknown } | { code: string } {
  try {
    return { result: adapter.normalize(req) };
  } catch (err) {
    if (err instanceof WritError) return { code: err.code };
    throw err;
  }
}

/** The calls the suite sends an adapter: ordinary ones it should claim, and hostile ones it must survive. */
export interface ConformanceSamples {
  readonly ordinary: readonly RawRequest[];
  readonly hostile: Readonly<Record<string, RawRequest>>;
}

/** Runs the conformance suite against one adapter (default: the calls above, to an in-mesh MCP host). */
export function describeAdapterConformance(
  adapter: Adapter,
  samples: ConformanceSamples = { ordinary: ORDINARY, hostile: HOSTILE },
): void {
  const { ordinary: ORDINARY, hostile: HOSTILE } = samples;
  describe(`adapter conformance: ${adapter.id}`, () => {
    const claimed = (raws: readonly RawRequest[]) =>
      raws.flatMap((raw) => {
        const req = parsed(raw);
        return req !== null && adapter.matches(req) ? [{ raw, req }] : [];
      });

    it('has a stable id and claims some ordinary call', () => {
      expect(adapter.id).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(claimed(ORDINARY).length).toBeGreaterThan(0);
    });

    it('is deterministic and does not mutate its (frozen) input', () => {
      for (const { req } of claimed([...ORDINARY, ...Object.values(HOSTILE)])) {
        const input = frozen(req);
        const before = JSON.stringify(input.body);
        const a = run(adapter, input);
        const b = run(adapter, input);
        expect(JSON.stringify(b)).toBe(JSON.stringify(a));
        expect(JSON.stringify(input.body)).toBe(before);
      }
    });

    for (const [name, raw] of Object.entries(HOSTILE)) {
      it(`never throws on ${name} (a WritError is a deny with a catalogued code)`, () => {
        const req = parsed(raw);
        if (req === null || !adapter.matches(req)) return;
        const r = run(adapter, frozen(req));
        if ('code' in r) expect(Object.keys(REASON_CODES)).toContain(r.code);
      });
    }

    it('claims some hostile call, so the hostile cases exercise it', () => {
      expect(claimed(Object.values(HOSTILE)).length).toBeGreaterThan(2);
    });

    it('its canonical action round-trips: canonical JSON is a fixed point and normalizing again binds the same', () => {
      let checked = 0;
      for (const { raw } of claimed([...ORDINARY, ...Object.values(HOSTILE)])) {
        const config = {
          internalDomains: ['*.svc.cluster.local'],
          productionDatabases: [],
          trustAgentHeaders: false,
        };
        let action;
        try {
          action = normalizeRequest(raw, config, [adapter]);
        } catch (err) {
          if (err instanceof WritError) continue;
          throw err;
        }
        const parts = boundParts(raw, { subject: raw.sourcePrincipal });
        const text = canonicalActionJson(raw, action, parts);
        expect(canonicalJson(JSON.parse(text))).toBe(text);
        // The action itself survives JSON: nothing in it is lost or changed by serialization.
        const actionText = canonicalJson(action);
        expect(canonicalJson(JSON.parse(actionText))).toBe(actionText);
        expect(canonicalActionJson(raw, normalizeRequest(raw, config, [adapter]), parts)).toBe(text);
        checked++;
      }
      expect(checked).toBeGreaterThan(0);
    });
  });
}
