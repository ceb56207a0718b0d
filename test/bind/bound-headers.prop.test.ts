/** Properties of header binding: every end-to-end header is bound by digest, the mesh's own are not, order is not. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  boundHeaders,
  canonicalHeaderList,
  DEFAULT_HEADER_SET,
  headerSetFor,
  UnboundHeaderSets,
  isUnbound,
  MESH_HEADERS,
} from '../../src/pipeline/bind/bound-headers.js';
import type { RawRequest } from '../../src/pipeline/model/raw-request.js';
import { rawRequest } from '../support/raw-request.js';

function rawWith(headers: Record<string, string>, authority = 'mcp.tools.svc.cluster.local'): RawRequest {
  return rawRequest({ authority, headers, sourcePrincipal: '' });
}

const digest = (headers: Record<string, string>, rules?: Parameters<typeof boundHeaders>[1]) =>
  boundHeaders(rawWith(headers), rules).sha256;

/** Header names as the transport hands them over (lower-case tokens), none of them the mesh's own. */
const endToEndName = fc
  .stringMatching(/^[a-z][a-z0-9-]{0,20}$/)
  .filter((n) => !isUnbound(n, DEFAULT_HEADER_SET) && n !== '__proto__');
const meshName = fc.oneof(
  fc.constantFrom(...MESH_HEADERS.filter((n) => !n.endsWith('*'))),
  fc
    .tuple(
      fc.constantFrom(...MESH_HEADERS.filter((n) => n.endsWith('*'))),
      fc.stringMatching(/^[a-z0-9-]{1,12}$/),
    )
    .map(([p, rest]) => p.slice(0, -1) + rest),
);
const value = fc.string({ maxLength: 40 });
const headerMap = fc.dictionary(endToEndName, value, { maxKeys: 8 });

describe('bound headers', () => {
  it('any end-to-end header added, removed or changed changes the digest', () => {
    fc.assert(
      fc.property(headerMap, endToEndName, value, value, (headers, name, v1, v2) => {
        fc.pre(v1 !== v2);
        const base = { ...headers, [name]: v1 };
        const without = { ...headers };
        delete without[name];
        expect(digest({ ...headers, [name]: v2 })).not.toBe(digest(base)); // changed
        expect(digest(without)).not.toBe(digest(base)); // removed (or, read the other way, added)
      }),
    );
  });

  it("the mesh's own headers, pseudo-headers and header order do not change it", () => {
    fc.assert(
      fc.property(headerMap, fc.dictionary(meshName, value, { maxKeys: 6 }), (headers, mesh) => {
        const reversed = Object.fromEntries(Object.entries(headers).reverse());
        const withMesh = { ...mesh, ':path': '/other', ':authority': 'x', ...reversed };
        expect(digest(withMesh)).toBe(digest(headers));
      }),
    );
  });

  it('binds values exactly as sent: whitespace, case and a repeated header joined by "," in order', () => {
    expect(digest({ 'x-tenant': 'acme' })).not.toBe(digest({ 'x-tenant': 'acme ' }));
    expect(digest({ 'x-tenant': 'acme' })).not.toBe(digest({ 'x-tenant': 'ACME' }));
    expect(digest({ accept: 'a,b' })).not.toBe(digest({ accept: 'b,a' }));
    expect(canonicalHeaderList(rawWith({ b: '2', a: '1', 'x-envoy-x': '3' }), DEFAULT_HEADER_SET)).toEqual([
      ['a', '1'],
      ['b', '2'],
    ]);
    // Credentials are bound like every other header: a different token is a different action.
    expect(digest({ authorization: 'Bearer a' })).not.toBe(digest({ authorization: 'Bearer b' }));
  });

  it('a per-host unbound set leaves its headers out for that host only, under another set id', () => {
    const rules = new UnboundHeaderSets([{ host: '*.example.com', names: ['x-amzn-trace-id', 'via'] }]);
    const set = headerSetFor('api.example.com:8443', rules);
    expect(set.id).not.toBe(DEFAULT_HEADER_SET.id);
    expect(headerSetFor('api.example.org', rules)).toBe(DEFAULT_HEADER_SET);
    const raw = (h: Record<string, string>) => rawWith(h, 'api.example.com');
    expect(boundHeaders(raw({ via: '1.1 a', a: '1' }), rules).sha256).toBe(
      boundHeaders(raw({ via: '1.1 b', a: '1' }), rules).sha256,
    );
    expect(boundHeaders(raw({ via: '1.1 a' }), rules).set).toBe(set.id);
    // The same header stays bound for a host the rule does not name.
    expect(digest({ via: '1.1 a' }, rules)).not.toBe(digest({ via: '1.1 b' }, rules));
  });
});
