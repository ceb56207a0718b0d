/** A token caller's principal is a key for quarantine and rate caps: two different callers never share one. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { credentialPrincipal } from '../../src/pipeline/identity/stage.js';

const part = fc.string({ unit: fc.constantFrom('a', ':', '/', '%', '3', 'A', 'F', 'é') });

describe('credentialPrincipal', () => {
  it('is injective over (method, issuer, subject)', () => {
    fc.assert(
      fc.property(
        fc.tuple(fc.constantFrom('jwt' as const, 'api-key' as const), part, part),
        fc.tuple(fc.constantFrom('jwt' as const, 'api-key' as const), part, part),
        ([m1, i1, s1], [m2, i2, s2]) => {
          // An API key has no issuer: only its subject names it.
          const same = m1 === m2 && s1 === s2 && (m1 === 'api-key' || i1 === i2);
          expect(credentialPrincipal(m1, s1, i1) === credentialPrincipal(m2, s2, i2)).toBe(same);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('keeps apart what naive joining would merge, and never looks like a SPIFFE ID', () => {
    expect(credentialPrincipal('jwt', 'b:c', 'https://a')).not.toBe(
      credentialPrincipal('jwt', 'c', 'https://a:b'),
    );
    expect(credentialPrincipal('jwt', 'x', 'https://idp')).toBe('jwt:https%3A%2F%2Fidp/x');
    expect(credentialPrincipal('api-key', 'spiffe://td/ns/a/sa/b')).toMatch(/^api-key:spiffe%3A/);
  });
});
