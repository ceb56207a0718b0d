/** IsoTime must write exactly what Date#toISOString writes: audit hashes cover the text. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IsoTime } from '../../src/pipeline/audit-record/iso-time.js';

describe('IsoTime', () => {
  it('equals toISOString for any valid time, integral or not', () => {
    const ms = fc.oneof(
      fc.integer({ min: -8.64e15, max: 8.64e15 }),
      fc.integer({ min: 1.7e12, max: 1.9e12 }),
      fc.double({ min: -8.64e15, max: 8.64e15, noNaN: true }),
    );
    const clock = new IsoTime();
    fc.assert(
      fc.property(fc.array(ms, { minLength: 1, maxLength: 5 }), (times) => {
        for (const t of times) expect(clock.format(t)).toBe(new Date(t).toISOString());
      }),
      { numRuns: 5000 },
    );
  });

  it('reuses the cached second correctly across neighbouring milliseconds', () => {
    const base = Date.UTC(2026, 10, 26, 3, 59, 59, 0);
    const clock = new IsoTime();
    for (let t = base - 5; t < base + 1005; t++) expect(clock.format(t)).toBe(new Date(t).toISOString());
  });

  it('keeps the cached second of each instance to itself', () => {
    const a = new IsoTime();
    const b = new IsoTime();
    const t1 = Date.UTC(2026, 0, 1, 0, 0, 1, 7);
    const t2 = Date.UTC(2030, 5, 6, 7, 8, 9, 10);
    expect(a.format(t1)).toBe(new Date(t1).toISOString());
    expect(b.format(t2)).toBe(new Date(t2).toISOString());
    expect(a.format(t1 + 1)).toBe(new Date(t1 + 1).toISOString());
  });
});
