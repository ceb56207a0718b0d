/** XFCC parsing: only the element the adjacent proxy appended counts, and injection attempts fail. */
import { describe, expect, it } from 'vitest';
import { lastXfccUri, parseXfcc } from '../../src/pipeline/identity/xfcc.js';

const PROXY = 'spiffe://cluster.local/ns/istio-system/sa/gateway';
const CLIENT = 'spiffe://cluster.local/ns/agents/sa/agent-a';
const proxyElement = (uri = CLIENT): string =>
  `By=${PROXY};Hash=468ed33be74eee6556d90c0149c1309e9ba61d6425303443c0748a02dd8de688;Subject="CN=agent-a,O=writ";URI=${uri}`;

describe('parseXfcc', () => {
  it('parses Envoy’s documented example', () => {
    const h =
      'By=http://frontend.lyft.com;Hash=468ed33be74eee6556d90c0149c1309e9ba61d6425303443c0748a02dd8de688;' +
      'Subject="/C=US/ST=CA/L=San Francisco/OU=Lyft/CN=Test Client";URI=http://testclient.lyft.com';
    const r = parseXfcc(h);
    expect(r.ok && r.elements[0]).toContainEqual({
      key: 'Subject',
      value: '/C=US/ST=CA/L=San Francisco/OU=Lyft/CN=Test Client',
    });
  });

  it('keeps commas, semicolons and escaped quotes inside a quoted value', () => {
    const r = parseXfcc('Subject="CN=a\\"b,c;d";URI=spiffe://x/y, By=z');
    expect(r).toEqual({
      ok: true,
      elements: [
        [
          { key: 'Subject', value: 'CN=a"b,c;d' },
          { key: 'URI', value: 'spiffe://x/y' },
        ],
        [{ key: 'By', value: 'z' }],
      ],
    });
  });
});

describe('lastXfccUri', () => {
  it('returns the URI of the element appended by the adjacent proxy', () => {
    expect(lastXfccUri(proxyElement(), PROXY)).toEqual({ ok: true, uri: CLIENT, by: PROXY });
  });

  it('ignores a forged earlier element claiming another identity', () => {
    const forged = 'By=spiffe://cluster.local/ns/x/sa/y;URI=spiffe://cluster.local/ns/prod/sa/admin';
    expect(lastXfccUri(`${forged},${proxyElement()}`, PROXY)).toMatchObject({ ok: true, uri: CLIENT });
  });

  it('does not split on a comma inside quotes (a forged element hidden in a Subject)', () => {
    const h = `${proxyElement()};DNS="x,URI=spiffe://cluster.local/ns/prod/sa/admin"`;
    expect(lastXfccUri(h, PROXY)).toMatchObject({ ok: true, uri: CLIENT });
  });

  it('rejects an unterminated quote that would swallow the proxy element', () => {
    const attacker = 'URI=spiffe://cluster.local/ns/prod/sa/admin;Subject="';
    expect(lastXfccUri(`${attacker},${proxyElement()}`, PROXY)).toMatchObject({
      ok: false,
      code: 'ERR_XFCC_MALFORMED',
    });
  });

  it('rejects an escaped closing quote used to extend a value over the proxy element', () => {
    const attacker = 'Subject="abc\\"';
    expect(lastXfccUri(`${attacker},${proxyElement()}`)).toMatchObject({ ok: false });
  });

  it('rejects multiple URI keys in the trusted element', () => {
    const h = `${proxyElement()};URI=spiffe://cluster.local/ns/prod/sa/admin`;
    expect(lastXfccUri(h, PROXY)).toMatchObject({ ok: false, code: 'ERR_XFCC_AMBIGUOUS_URI' });
  });

  it('rejects a trusted element without URI', () => {
    expect(lastXfccUri(`URI=${CLIENT},By=${PROXY};Hash=abc`, PROXY)).toMatchObject({
      ok: false,
      code: 'ERR_XFCC_NO_URI',
    });
  });

  it('rejects an element not appended by the trusted proxy, compared structurally', () => {
    const h = `By=${PROXY}-evil;URI=${CLIENT}`;
    expect(lastXfccUri(h, PROXY)).toMatchObject({ ok: false, code: 'ERR_XFCC_UNTRUSTED_PROXY' });
    expect(lastXfccUri(`By=${PROXY}/extra;URI=${CLIENT}`, PROXY)).toMatchObject({
      code: 'ERR_XFCC_UNTRUSTED_PROXY',
    });
    expect(lastXfccUri(`URI=${CLIENT}`, PROXY)).toMatchObject({ code: 'ERR_XFCC_UNTRUSTED_PROXY' });
  });

  it.each([
    ['empty', ''],
    ['no equals', 'URI'],
    ['bad key', 'U RI=x'],
    ['unknown key in trusted element', `URI=${CLIENT};Role=admin`],
    ['quote inside unquoted value', `URI=spiffe://a"b`],
    ['junk after a quoted value', `Subject="a"x;URI=${CLIENT}`],
    ['control character', `URI=${CLIENT}\u0000`],
    ['trailing comma', `URI=${CLIENT},`],
    ['two By keys', `By=${PROXY};By=${PROXY};URI=${CLIENT}`],
    ['huge', `URI=${'a'.repeat(70_000)}`],
  ])('rejects %s as malformed', (_name, h) => {
    expect(lastXfccUri(h)).toMatchObject({ ok: false, code: 'ERR_XFCC_MALFORMED' });
  });
});
