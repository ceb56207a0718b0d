/** canonicalJson (the native fast path) must equal the `canonicalize` library byte for byte on any JSON. */
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/pipeline/bind/canonical-json.js';
import { makeOutcome } from '../../src/pipeline/outcome.js';
import { parseStrictJson } from '../../src/pipeline/normalize/strict-json.js';

const canonicalize = createRequire(import.meta.url)('canonicalize') as (v: unknown) => string | undefined;

// Keys that stress the ordering: integer-like ones V8 enumerates first, ones that sort before digits,
// surrogate pairs (code-unit order differs from code-point order) and __proto__.
const trickyKey = fc.constantFrom(
  '0',
  '1',
  '9',
  '10',
  '4294967294',
  '4294967295',
  '-1',
  '01',
  '!',
  ' ',
  '',
  'a',
  'B',
  '\u00e9',
  '\ud83d\ude00',
  '\uff5e',
  '__proto__',
  'toJSON',
);
const key = fc.oneof(fc.string(), trickyKey, fc.string({ unit: 'binary' }));
const { tree } = fc.letrec((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(null, true, false, 0, -0, 1e21, 1e-7, 0.1, -1.5, Number.MAX_SAFE_INTEGER),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.string({ unit: 'grapheme' }),
    fc.string({ unit: 'binary' }),
    fc.array(tie('tree'), { maxLength: 5 }),
    fc.dictionary(key, tie('tree'), { maxKeys: 6 }),
  ),
}));

describe('canonicalJson', () => {
  it('equals canonicalize on arbitrary JSON values', () => {
    fc.assert(
      fc.property(tree, (value) => {
        expect(canonicalJson(value)).toBe(canonicalize(value));
      }),
      { numRuns: 3000 },
    );
  });

  it('equals canonicalize on what the strict parser builds (own __proto__ members included)', () => {
    fc.assert(
      fc.property(fc.json(), (text) => {
        let parsed: unknown;
        try {
          parsed = parseStrictJson(text);
        } catch {
          return; // fc.json() can produce what the strict parser refuses (e.g. integers beyond 2^53)
        }
        expect(canonicalJson(parsed)).toBe(canonicalize(parsed));
      }),
      { numRuns: 2000 },
    );
    const proto = JSON.parse('{"b":1,"__proto__":{"x":1},"a":2}') as unknown;
    expect(canonicalJson(proto)).toBe('{"__proto__":{"x":1},"a":2,"b":1}');
    expect(canonicalJson(proto)).toBe(canonicalize(proto));
  });

  it('orders integer-like keys by code units, not numerically', () => {
    const value = { b: 1, 10: 2, 9: 3, '!': 4 };
    expect(canonicalJson(value)).toBe('{"!":4,"10":2,"9":3,"b":1}');
  });

  it('refuses values with no JSON form, like the library', () => {
    expect(() => canonicalJson(Number.NaN)).toThrow();
    expect(() => canonicalJson({ a: Number.POSITIVE_INFINITY })).toThrow();
    expect(canonicalJson({ a: undefined, b: [undefined] })).toBe(
      canonicalize({ a: undefined, b: [undefined] }),
    );
    const date = new Date(0);
    expect(canonicalJson({ when: date })).toBe(canonicalize({ when: date }));
  });

  it('serializes an allow event as built (the native path) and any other event like the library', () => {
    const finding = {
      id: 'pii.email',
      inspector: 'pii',
      severity: 'medium',
      path: '$.a',
      evidence: 'a***@x',
      owasp: [],
      atlas: [],
    } as const;
    const allow = makeOutcome({
      raw: null,
      role: 'check',
      traceId: 't-1',
      decision: 'ALLOW',
      code: 'POLICY_ALLOW',
      rules: ['r'],
      policyVersion: 'v1',
      findings: [finding],
      actionHash: 'ah',
      tokenId: 'jti',
    }).event;
    expect(canonicalJson(allow)).toBe(JSON.stringify(allow));
    const error = makeOutcome({
      raw: null,
      role: 'check',
      traceId: 't-2',
      decision: 'DENY',
      code: 'ERR_BAD_REQUEST',
      message: 'm',
      policyVersion: 'v1',
      obligations: '{"mask":[]}',
      findings: [finding],
    }).event;
    expect(canonicalJson(error)).toBe(canonicalize(error));
    expect(Object.keys(JSON.parse(canonicalJson(error)) as object)).toEqual(Object.keys(error).sort());
  });
});
