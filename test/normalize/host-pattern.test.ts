/**
 * The one host matcher (issue 14): normalize's `resource.external` and the inspectors read a policy list
 * with the same function, and its reading is the stricter one where the two old matchers disagreed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { collectLeaves } from '../../src/pipeline/inspect/collect-leaves.js';
import type { InspectorConfig } from '../../src/pipeline/inspect/inspector.js';
import { exfiltrationInspector } from '../../src/pipeline/inspect/inspectors/exfiltration.js';
import type { RawRequest } from '../../src/pipeline/model/raw-request.js';
import { canonicalHost, hostMatches } from '../../src/pipeline/normalize/host-pattern.js';
import { normalizeRequest } from '../../src/pipeline/normalize/index.js';
import { rawRequest } from '../support/raw-request.js';

/** A POST to `authority` carrying an AWS access key id: data leaving when the host is external. */
function upload(authority: string): RawRequest {
  return rawRequest({
    requestId: 'host-pattern',
    authority,
    path: '/upload',
    body: Buffer.from(JSON.stringify({ note: 'AKIAIOSFODNN7EXAMPLE' })),
    sourcePrincipal: '',
  });
}

/** Every reader's answer to "is this host inside the list?" for one request. */
function readings(authority: string, internalDomains: readonly string[]) {
  const action = normalizeRequest(upload(authority), {
    internalDomains,
    productionDatabases: [],
    trustAgentHeaders: false,
  });
  const config: InspectorConfig = {
    egressAllowlist: [],
    internalDomains,
    productionDatabases: [],
    protectedBranches: [],
  };
  // The inspectors read the host itself, not only normalize's flag: clear the flag to see their reading.
  const inner = { ...action, resource: { ...action.resource, external: false } };
  const input = { action: inner, leaves: collectLeaves(inner, {}), config };
  return {
    matcher: hostMatches(action.resource.host, internalDomains),
    normalizeInternal: !action.resource.external,
    exfiltrationInternal: exfiltrationInspector.inspect(input).length === 0,
    host: action.resource.host,
  };
}

describe('hostMatches', () => {
  it('matches exact names and strict subdomains of *.suffix, case-insensitively, one root dot forgiven', () => {
    expect(hostMatches('api.corp.example', ['*.corp.example'])).toBe(true);
    expect(hostMatches('API.Corp.Example.', ['*.corp.example'])).toBe(true);
    expect(hostMatches('api.corp.example', ['*.corp.example.'])).toBe(true);
    expect(hostMatches('corp.example', ['*.corp.example'])).toBe(false);
    expect(hostMatches('xcorp.example', ['*.corp.example'])).toBe(false);
    expect(hostMatches('corp.example', ['corp.example'])).toBe(true);
    expect(hostMatches('a.b', ['*.'])).toBe(false);
    expect(hostMatches('', ['', '*.x'])).toBe(false);
  });

  it('takes the stricter reading of the two cases the old matchers disagreed on', () => {
    // A second trailing dot is an empty label: no valid name, so inside no boundary and on no allowlist.
    expect(hostMatches('api.corp.example..', ['*.corp.example.'])).toBe(false);
    expect(hostMatches('api.corp.example..', ['*.corp.example'])).toBe(false);
    // An IPv6 literal matches only as written.
    expect(hostMatches('[::1]', ['::1'])).toBe(false);
    expect(hostMatches('::1', ['[::1]'])).toBe(false);
    expect(hostMatches('[::1]', ['[::1]'])).toBe(true);
    // Blank characters are not forgiven either.
    expect(hostMatches(' api.corp.example', ['*.corp.example'])).toBe(false);
  });

  it('is the one reading: normalize and the inspectors agree on both cases, over real requests', () => {
    for (const [authority, list] of [
      ['api.corp.example..', ['*.corp.example.']],
      ['[::1]', ['::1']],
      ['[::1]:8443', ['::1']],
    ] as const) {
      const r = readings(authority, list);
      expect(r, authority).toMatchObject({
        matcher: false,
        normalizeInternal: false,
        exfiltrationInternal: false,
      });
    }
    const inside = readings('api.corp.example.', ['*.corp.example']);
    expect(inside).toMatchObject({ matcher: true, normalizeInternal: true, exfiltrationInternal: true });
  });

  it('normalize and exfiltration agree with the matcher on generated hosts and lists', () => {
    const label = fc.constantFrom('api', 'corp', 'example', 'Corp', 'x', '');
    const host = fc
      .tuple(fc.array(label, { minLength: 1, maxLength: 4 }), fc.constantFrom('', '.', '..'))
      .map(([ls, tail]) => ls.join('.') + tail)
      .filter((h) => h.length > 0 && !h.startsWith('.'));
    const pattern = fc
      .tuple(
        fc.constantFrom('', '*.'),
        fc.array(label, { minLength: 1, maxLength: 3 }),
        fc.constantFrom('', '.'),
      )
      .map(([star, ls, tail]) => star + ls.join('.') + tail);
    fc.assert(
      fc.property(host, fc.array(pattern, { maxLength: 3 }), (h, list) => {
        const r = readings(h, list);
        expect(r.normalizeInternal).toBe(r.matcher);
        if (list.length > 0) expect(r.exfiltrationInternal).toBe(r.matcher);
        // Strictness: a match is a well-formed name equal to or under an entry.
        if (r.matcher) {
          const c = canonicalHost(r.host);
          expect(c).not.toMatch(/\.\.|^\.|\.$|\s/);
          expect(
            list.map(canonicalHost).some((p) => p === c || (p.startsWith('*.') && c.endsWith(p.slice(1)))),
          ).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});
