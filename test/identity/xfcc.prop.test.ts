/** Properties of XFCC parsing: no attacker prefix can change the identity the adjacent proxy appended. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lastXfccUri } from '../../src/pipeline/identity/xfcc.js';

const PROXY = 'spiffe://cluster.local/ns/istio-system/sa/gateway';
const CLIENT = 'spiffe://cluster.local/ns/agents/sa/agent-a';
const proxyElement = `By=${PROXY};Hash=abc123;Subject="CN=agent-a,O=writ";URI=${CLIENT}`;

// Strings built from the characters that matter to the grammar, so quotes and escapes are common.
const hostile = fc.string({
  unit: fc.constantFrom(
    '"',
    '\\',
    ',',
    ';',
    '=',
    'URI',
    'By',
    'Subject',
    'spiffe://cluster.local/ns/prod/sa/admin',
    ' ',
    'a',
  ),
  maxLength: 40,
});

describe('lastXfccUri properties', () => {
  it('never throws on any input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        lastXfccUri(s, PROXY);
      }),
    );
  });

  it('whatever the client sent before it, the result is the proxy element or a failure', () => {
    fc.assert(
      fc.property(hostile, (prefix) => {
        const r = lastXfccUri(`${prefix},${proxyElement}`, PROXY);
        if (r.ok) expect(r.uri).toBe(CLIENT);
      }),
      { numRuns: 2000 },
    );
  });

  it('a well-formed forged prefix never prevents reading the proxy element', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[a-z:/.]{1,20}$/), { maxLength: 4 }), (uris) => {
        const prefix = uris.map((u) => `URI=${u};Subject="x,URI=${u}"`).join(',');
        const header = prefix.length > 0 ? `${prefix},${proxyElement}` : proxyElement;
        expect(lastXfccUri(header, PROXY)).toMatchObject({ ok: true, uri: CLIENT });
      }),
    );
  });
});
