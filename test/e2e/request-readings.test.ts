/**
 * Requests that read two ways, over real gRPC against the default pack: every example of issue 15's F2
 * (MCP off an MCP endpoint), F3 (a method override that downgrades) and request-shape classes, and
 * fast-check variants around each, are denied without a token.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { responseHeader, structField } from '../../src/cli/check-client.js';
import { scenarioCheckRequest } from '../../src/cli/scenario.js';
import type { CheckRequest } from '../../src/extauthz/envoy-types.js';
import {
  DANGEROUS_WIRE,
  hostileCalls,
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
    expect(await deniedCode(req)).toBe('POLICY_DEFAULT_DENY');
  });
});
