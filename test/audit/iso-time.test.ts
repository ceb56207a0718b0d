/** isoTime must write exactly what Date#toISOString writes: audit hashes cover the text. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoTime } from '../../src/pipeline/audit-record/iso-time.js';

describe('isoTime', () => {
  it('equals toISOString for any valid time, integral or not', () => {
    const ms = fc.oneof(
      fc.integer({ min: -8.64e15, max: 8.64e15 }),
      fc.integer({ min: 1.7e12, max: 1.9e12 }),
      fc.double({ min: -8.64e15, max: 8.64e15, noNaN: true }),
    );
    fc.assert(
      fc.property(fc.array(ms, { minLength: 1, maxLength: 5 }), (times) => {
        for (const t of times) expect(isoTime(t)).toBe(new Date(t).toISOString());
      }),
      { numRuns: 5000 },
    );
  });

  it('reuses the cached second correctly across neighbouring milliseconds', () => {
    const base = Date.UTC(2026, 10, 26, 3, 59, 59, 0);
    for (let t = base - 5; t < base + 1005; t++) expect(isoTime(t)).toBe(new Date(t).toISOString());
  });
});
