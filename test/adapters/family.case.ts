/**
 * The conformance suite every typed API family runs (docs/adapters.md), on top of the adapter suite
 * (test/normalize/adapter.case.ts): property tests with fast-check over the family's hosts. Deterministic,
 * never mutates its (frozen) input, never throws on hostile input but a catalogued WritError, its canonical
 * action round-trips, and an operation the API does not define is never read as a read.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { boundParts, canonicalActionJson } from '../../src/pipeline/bind/canonical-action.js';
import { deepFreeze } from '../../src/pipeline/deep-freeze.js';
import { REASON_CODES, WritError } from '../../src/pipeline/errors.js';
import type { JsonValue } from '../../src/pipeline/model/json.js';
import type { RawRequest } from '../../src/pipeline/model/raw-request.js';
import type { ApiFamily, ToolCall } from '../../src/pipeline/normalize/api/api-family.js';
import { familyAdapter } from '../../src/pipeline/normalize/api/family-adapter.js';
import { readToolCall } from '../../src/pipeline/normalize/api/tool-call.js';
import { normalizeRequest, parseRequest } from '../../src/pipeline/normalize/index.js';
import { request } from '../normalize/adapter.case.js';

const config = {
  internalDomains: ['acme.com', '*.acme.com'],
  productionDatabases: [],
  trustAgentHeaders: false,
};
const METHODS = ['GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH', 'DELETE', 'PROPFIND', 'get', 'Delete'];
/** Path segments an attacker would try: known words, parameters, encodings, dots, prototype keys, unicode. */
const SEGMENT = fc.oneof(
  fc.constantFrom('repos', 'acme', 'app', 'issues', '1', 'branches', 'main', 'protection', 'git', 'refs'),
  fc.constantFrom('%2F', '%2e%2e', '..', '.', '', '__proto__', 'constructor', '%00', '%zz', '\u0130', 'A%41'),
  fc.string({ maxLength: 12 }).map(encodeURIComponent),
);
const PATH = fc
  .tuple(fc.array(SEGMENT, { maxLength: 10 }), fc.constantFrom('', '/', '?x=1', '?per_page=1&q=%zz'))
  .map(([segs, tail]) => `/${segs.join('/')}${tail}`);
const BODY: fc.Arbitrary<JsonValue> = fc.oneof(
  fc.constant(null),
  fc.jsonValue({ maxDepth: 4 }) as fc.Arbitrary<JsonValue>,
  fc.dictionary(
    fc.constantFrom('to', 'query', 'mutation', 'amount', 'currency', '__proto__', 'channel', 'text', 'raw'),
    fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<JsonValue>,
  ) as fc.Arbitrary<JsonValue>,
);

/** A request to one of the family's hosts (a `*.suffix` host becomes `api<suffix>`). */
function hostOf(family: ApiFamily, i: number): string {
  const h = family.hosts[i % family.hosts.length] ?? '';
  return h.startsWith('*.') ? `api${h.slice(1)}` : h;
}

function rawFor(family: ApiFamily, i: number, method: string, path: string, body: JsonValue): RawRequest {
  const text = body === null ? '' : JSON.stringify(body);
  return request(
    method,
    path,
    text,
    text === '' ? {} : { 'content-type': 'application/json' },
    hostOf(family, i),
  );
}

type Outcome = { action: unknown; resource: unknown } | { code: string } | { parseCode: string };

/** The family adapter's result on a frozen parse of `raw`, or the WritError code (any other throw fails). */
function outcome(family: ApiFamily, raw: RawRequest): Outcome {
  let parsed;
  try {
    parsed = parseRequest(raw);
  } catch (err) {
    if (err instanceof WritError) return { parseCode: err.code };
    throw err;
  }
  deepFreeze(parsed.body);
  deepFreeze(parsed.query);
  Object.freeze(parsed);
  const adapter = familyAdapter(family);
  if (!adapter.matches(parsed)) return { parseCode: 'not claimed' };
  try {
    const r = adapter.normalize(parsed);
    return { action: r.action, resource: r.resource };
  } catch (err) {
    if (err instanceof WritError) return { code: err.code };
    throw err;
  }
}

/** Runs the family suite. `known` are requests the family must read as one of its API's operations. */
export function describeFamilyConformance(family: ApiFamily, known: readonly RawRequest[]): void {
  const http = family.hosts.length > 0;
  // The hostile paths also start as the known ones do (`/api/v4`), so a family that claims only below its
  // host (GitLab's `/api/v4`, GitHub Enterprise's `/api/`) is given them too, not only paths it never claims.
  const prefixes = [
    '',
    ...new Set(known.map((r) => (r.path.split('?')[0] ?? '').split('/').slice(0, 3).join('/'))),
  ];
  describe(`typed API family conformance: ${family.id}`, () => {
    it('names itself, its hosts and a most dangerous class that is no read', () => {
      expect(family.id).toMatch(/^[a-z][a-z0-9-]*$/);
      // A family without hosts reads MCP tool calls only (mail tools), so it must read them.
      expect(family.hosts.length > 0 || family.readToolCall !== undefined).toBe(true);
      expect(['read', 'unknown']).not.toContain(family.mostDangerous);
    });

    it.skipIf(!http)('reads each known request as one of its operations, and the same twice', () => {
      expect(known.length).toBeGreaterThan(0);
      for (const raw of known) {
        const a = outcome(family, raw);
        expect(JSON.stringify(outcome(family, raw))).toBe(JSON.stringify(a));
        if (!('action' in a)) continue;
        expect((a.action as { adapter: string }).adapter).toBe(family.id);
      }
    });

    it.skipIf(!http)(
      'never throws on hostile requests, never mutates them, and is deterministic (property)',
      () => {
        fc.assert(
          fc.property(
            fc.nat(),
            fc.constantFrom(...METHODS),
            fc.constantFrom(...prefixes),
            PATH,
            BODY,
            (i, method, prefix, path, body) => {
              const raw = rawFor(family, i, method, `${prefix}${path}`, body);
              const a = outcome(family, raw);
              const b = outcome(family, raw);
              expect(JSON.stringify(b)).toBe(JSON.stringify(a));
              if ('code' in a) expect(Object.keys(REASON_CODES)).toContain(a.code);
            },
          ),
          { numRuns: 300 },
        );
      },
    );

    it.skipIf(!http)(
      'reads an operation its API does not define as never a read, and a DELETE as a delete (property)',
      () => {
        fc.assert(
          fc.property(
            fc.nat(),
            fc.constantFrom(...METHODS),
            fc.constantFrom(...prefixes),
            PATH,
            BODY,
            (i, method, prefix, path, body) => {
              const r = outcome(family, rawFor(family, i, method, `${prefix}${path}`, body));
              if (!('action' in r)) return;
              const action = r.action as { operation: string; apiOperation?: string; httpMethod: string };
              if (action.apiOperation === undefined) expect(action.operation).not.toBe('read');
              if (action.httpMethod === 'DELETE') expect(action.operation).toBe('delete');
            },
          ),
          { numRuns: 300 },
        );
      },
    );

    it.skipIf(!http)(
      'reads a known request with one more path segment as never a read unless the API defines it',
      () => {
        for (const raw of known) {
          for (const extra of ['/zz-unlisted', '/%2e%2e', '/..']) {
            const r = outcome(family, { ...raw, path: raw.path.split('?')[0] + extra });
            if (!('action' in r)) continue;
            const action = r.action as { operation: string; apiOperation?: string };
            if (action.apiOperation === undefined) expect(action.operation).not.toBe('read');
          }
        }
      },
    );

    it.skipIf(!http)('its canonical action round-trips: normalizing again binds the same bytes', () => {
      let checked = 0;
      for (const raw of known) {
        let action;
        try {
          action = normalizeRequest(raw, config);
        } catch (err) {
          if (err instanceof WritError) continue;
          throw err;
        }
        const parts = boundParts(raw, { subject: raw.sourcePrincipal });
        const text = canonicalActionJson(raw, action, parts);
        expect(canonicalActionJson(raw, normalizeRequest(raw, config), parts)).toBe(text);
        // The typed facts survive JSON (the audit record and trace carry them).
        expect(JSON.parse(JSON.stringify(action))).toEqual(action);
        checked++;
      }
      expect(checked).toBeGreaterThan(0);
    });

    it('reads hostile tool calls without throwing but a catalogued WritError (property)', () => {
      const ARGS = fc.dictionary(
        fc.constantFrom(
          'url',
          'method',
          'body',
          'headers',
          'to',
          'owner',
          'repo',
          'query',
          'channel',
          '__proto__',
        ),
        fc.oneof(
          fc.constantFrom(`https://${hostOf(family, 0)}/repos/acme/app`, 'DELETE', 'https://%zz', 'x@y.z'),
          fc.jsonValue({ maxDepth: 3 }),
        ),
      );
      fc.assert(
        fc.property(fc.string({ maxLength: 30 }), ARGS, (tool, args) => {
          const call: ToolCall = deepFreeze({ tool, arguments: args as ToolCall['arguments'] });
          try {
            const a = readToolCall(call, [family]);
            expect(JSON.stringify(readToolCall(call, [family]))).toBe(JSON.stringify(a));
          } catch (err) {
            if (!(err instanceof WritError)) throw err;
            expect(Object.keys(REASON_CODES)).toContain(err.code);
          }
        }),
        { numRuns: 200 },
      );
    });
  });
}
