/** request.headers.<name> and request.bearer_for_other_host: presence and value matching, validated at load. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluatePolicy } from '../../src/pipeline/policy/evaluate.js';
import { compilePolicySources, PolicyLoadError } from '../../src/pipeline/policy/load.js';
import { bearerAudienceHosts } from '../../src/pipeline/policy/request-headers.js';
import { makeAction } from '../support/make-action.js';

const set = compilePolicySources([
  {
    name: 'p.yaml',
    text: `apiVersion: writ.dev/v1
rules:
  - id: tenant-required
    priority: 10
    effect: deny
    when: { request.headers.x-tenant: { exists: false } }
  - id: no-copy-source
    priority: 10
    effect: deny
    when: { request.headers.x-amz-copy-source: { exists: true } }
  - id: only-json
    priority: 10
    effect: deny
    when: { request.headers.accept: { not: { regex: "^application/json" } } }
  - id: other-host
    priority: 10
    effect: deny
    when: { request.bearer_for_other_host: true }
  - id: allow
    effect: allow
`,
  },
]);

const decide = (headers: Record<string, string>, host = 'api.acme.com') =>
  evaluatePolicy(set, makeAction({ resource: { host } }), [], { headers }).rules;

const jwt = (claims: object) =>
  `Bearer eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.c2ln`;

describe('request.headers', () => {
  it('requires, forbids and matches headers by value', () => {
    expect(decide({ 'x-tenant': 'acme', accept: 'application/json' })).toEqual(['allow']);
    expect(decide({ accept: 'application/json' })).toEqual(['tenant-required']);
    expect(decide({ 'x-tenant': 'a', accept: 'application/json', 'x-amz-copy-source': '/b/k' })).toEqual([
      'no-copy-source',
    ]);
    expect(decide({ 'x-tenant': 'a', accept: 'text/csv' })).toEqual(['only-json']);
    // No headers at all (an action-only test): every header is absent, so `not` matches too.
    expect(evaluatePolicy(set, makeAction(), []).rules).toEqual(['only-json', 'tenant-required']);
  });

  it('refuses header names that could never match, at load, with file:line', () => {
    for (const bad of ['request.headers.X-Tenant', 'request.headers.', 'request.headers.a b'])
      expect(() =>
        compilePolicySources([
          {
            name: 'bad.yaml',
            text: `apiVersion: writ.dev/v1\nrules:\n  - id: r\n    effect: deny\n    when: { "${bad}": { exists: true } }\n`,
          },
        ]),
      ).toThrow(PolicyLoadError);
  });
});

describe('request.bearer_for_other_host', () => {
  it('is true only when the aud names hosts and none is the destination', () => {
    const base = { 'x-tenant': 'a', accept: 'application/json' };
    expect(decide({ ...base, authorization: jwt({ aud: 'https://billing.acme.com/' }) })).toEqual([
      'other-host',
    ]);
    expect(
      decide({ ...base, authorization: jwt({ aud: ['billing.acme.com', 'https://api.acme.com'] }) }),
    ).toEqual(['allow']);
    expect(decide({ ...base, authorization: jwt({ aud: 'API.acme.com.' }) })).toEqual(['allow']);
    expect(decide({ ...base, authorization: jwt({ aud: 'writ' }) })).toEqual(['allow']); // names no host
    expect(decide({ ...base, authorization: jwt({ sub: 'x' }) })).toEqual(['allow']); // no aud
    expect(decide({ ...base, authorization: 'Basic dXNlcjpwYXNz' })).toEqual(['allow']);
    expect(decide({ ...base, authorization: 'Bearer not-a-jwt' })).toEqual(['allow']);
  });

  it('reads any aud host a generated token names, whatever its spelling', () => {
    const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/);
    const host = fc.tuple(label, label, fc.constantFrom('com', 'org', 'io')).map((p) => p.join('.'));
    fc.assert(
      fc.property(host, fc.constantFrom('', 'https://', 'http://'), fc.boolean(), (h, scheme, upper) => {
        const aud = `${scheme}${upper ? h.toUpperCase() : h}${scheme === '' ? '' : '/path'}`;
        expect(bearerAudienceHosts(jwt({ aud }))).toEqual([h]);
      }),
    );
  });
});
