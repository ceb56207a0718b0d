/**
 * The egress check reads a URL as several clients would (lib/url-host.ts). On well-formed URLs the readings
 * must agree on one host, WHATWG's: disagreement is reported as an attack, so it must never come from
 * ordinary URLs.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readUrlHosts } from '../../src/pipeline/inspect/lib/url-host.js';

describe('URL readings', () => {
  it("agree on one host, the WHATWG parser's, for well-formed web URLs", () => {
    fc.assert(
      fc.property(
        fc.webUrl({
          withQueryParameters: true,
          withFragments: true,
          authoritySettings: {
            withIPv4: true,
            withIPv6: true,
            withIPv4Extended: true,
            withUserInfo: true,
            withPort: true,
          },
        }),
        (url) => {
          const readings = readUrlHosts(url);
          expect(readings.map((r) => r.host)).toEqual([new URL(url).hostname]);
        },
      ),
      { numRuns: 3000 },
    );
  });
  it("never throw on arbitrary text and always include WHATWG's host when it has one", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 80 }),
        fc.constantFrom('https://', 'http:', '//', ''),
        (s, prefix) => {
          const text = prefix + s;
          const readings = readUrlHosts(text);
          let whatwg: string | null = null;
          try {
            const u = /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(text.trim()) ? new URL(text) : null;
            if (u !== null && u.hostname !== '') whatwg = u.hostname.toLowerCase();
          } catch {
            whatwg = null;
          }
          if (whatwg !== null) expect(readings.map((r) => r.host)).toContain(whatwg);
        },
      ),
      { numRuns: 3000 },
    );
  });
});
