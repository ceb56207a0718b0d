/** The strict parser agrees with JSON.parse on every JSON text without duplicates, lone surrogates or big integers. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseStrictJson } from '../../src/pipeline/normalize/strict-json.js';

/** Object keys and their order, recursively, with a marker for any object that has a prototype. */
function shape(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) return v.map(shape);
  if (Object.getPrototypeOf(v) !== null) return 'HAS A PROTOTYPE';
  return Object.entries(v).map(([k, x]) => [k, shape(x)]);
}

const json = fc.jsonValue({ maxDepth: 4, noUnicodeString: false }).filter((v) => {
  const text = JSON.stringify(v);
  // JSON.stringify escapes lone surrogates; those the strict parser rejects by design.
  return !/\\ud[89a-f]/i.test(text) && !/\d{16}/.test(text);
});

describe('parseStrictJson against JSON.parse', () => {
  it('parses the same value, key order and all, into prototype-free objects', () => {
    fc.assert(
      fc.property(json, fc.boolean(), (v, pretty) => {
        const text = JSON.stringify(v, null, pretty ? 2 : undefined);
        const parsed = parseStrictJson(text);
        expect(parsed).toEqual(JSON.parse(text));
        expect(shape(parsed)).toEqual(
          shape(
            JSON.parse(text, (_k, x: unknown) => {
              if (typeof x !== 'object' || x === null || Array.isArray(x)) return x;
              return Object.assign(Object.create(null) as object, x);
            }),
          ),
        );
      }),
      { numRuns: 500 },
    );
  });
  it('decodes escapes anywhere in long strings', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string(), fc.constantFrom('"', '\\', '\n', '\t', '\u0001', 'é', '😀')), {
          maxLength: 40,
        }),
        (parts) => {
          const s = parts.join('');
          expect(parseStrictJson(JSON.stringify(s))).toBe(s);
          expect(parseStrictJson(JSON.stringify({ [s]: s }))).toEqual({ [s]: s });
        },
      ),
      { numRuns: 500 },
    );
  });
});
