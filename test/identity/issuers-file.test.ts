/** The JWT issuers file and the identity settings: validated once at startup, problems named with file:line. */
import { describe, expect, it } from 'vitest';
import { ConfigError, resolveConfig } from '../../src/config.js';
import { parseIssuersFile } from '../../src/identity/issuers-file.js';

const parse = (text: string) => parseIssuersFile(text, 'issuers.yaml');

describe('parseIssuersFile', () => {
  it('reads jwks_uri and discovery issuers, with one audience or several', () => {
    expect(
      parse(
        [
          '- issuer: https://idp.example.com',
          '  audience: writ',
          '  jwks_uri: https://idp.example.com/jwks.json',
          '  algorithms: [ES256, RS256]',
          '- issuer: https://accounts.example.org/',
          '  audience: [writ, agents]',
          '  discovery: true',
          '  algorithms: [EdDSA]',
        ].join('\n'),
      ),
    ).toEqual([
      {
        issuer: 'https://idp.example.com',
        audience: 'writ',
        algorithms: ['ES256', 'RS256'],
        jwksUri: 'https://idp.example.com/jwks.json',
      },
      {
        issuer: 'https://accounts.example.org/',
        audience: ['writ', 'agents'],
        algorithms: ['EdDSA'],
        discovery: true,
      },
    ]);
  });

  const entry = (extra: string) =>
    `- issuer: https://a.example\n  audience: writ\n  algorithms: [ES256]\n  jwks_uri: https://a.example/k\n${extra}`;

  it.each([
    [
      'a symmetric algorithm',
      entry('- issuer: https://b\n  audience: w\n  algorithms: [HS256]\n  discovery: true'),
      /issuers\.yaml:5: issuer 1: algorithm "HS256" is not an asymmetric/,
    ],
    [
      'both key sources',
      entry('  discovery: true'),
      /issuers\.yaml:1: issuer 0: give exactly one of jwks_uri or discovery/,
    ],
    [
      'an http key url off loopback',
      '- {issuer: x, audience: w, algorithms: [ES256], jwks_uri: "http://idp.example/k"}',
      /must be https/,
    ],
    ['an unknown field', entry('  audiences: [x]'), /unknown field "audiences"/],
    [
      'the same issuer twice',
      `${entry('')}${entry('')}`,
      /issuer 1: issuer "https:\/\/a.example" is listed twice/,
    ],
    ['no audience', '- {issuer: x, algorithms: [ES256], discovery: true}', /audience must be/],
    ['a mapping instead of a list', 'issuer: x', /issuers\.yaml:1: the issuers file is a list/],
  ])('rejects %s', (_name, text, message) => {
    expect(() => parse(text)).toThrow(message);
  });
});

describe('identity settings', () => {
  it('defaults: trust cluster.local, no XFCC, inbound role on 9193', () => {
    const c = resolveConfig({}, {});
    expect(c.trustDomains).toEqual(['cluster.local']);
    expect(c.xfccTrustedProxy).toBe('');
    expect(c.jwtIssuersFile).toBe('');
    expect(c.inboundPort).toBe(9193);
  });

  it('reads comma-separated trust domains and refuses what a SPIFFE ID could never carry', () => {
    expect(resolveConfig({}, { WRIT_TRUST_DOMAINS: 'cluster.local, prod.acme.com' }).trustDomains).toEqual([
      'cluster.local',
      'prod.acme.com',
    ]);
    expect(() => resolveConfig({}, { WRIT_TRUST_DOMAINS: 'Cluster.Local' })).toThrow(ConfigError);
    expect(() => resolveConfig({}, { WRIT_TRUST_DOMAINS: 'a,,b' })).toThrow(ConfigError);
    expect(() => resolveConfig({ 'xfcc-trusted-proxy': 'ingress-gateway' }, {})).toThrow(
      /must be a SPIFFE ID/,
    );
  });

  it('reads the JWKS cooldown and maximum age in seconds, and refuses values out of range', () => {
    expect(resolveConfig({}, {})).toMatchObject({ jwksCooldownMs: 30_000, jwksMaxAgeMs: 600_000 });
    expect(resolveConfig({ 'jwks-cooldown-s': '0' }, { WRIT_JWKS_MAX_AGE_S: '60' })).toMatchObject({
      jwksCooldownMs: 0,
      jwksMaxAgeMs: 60_000,
    });
    expect(() => resolveConfig({}, { WRIT_JWKS_COOLDOWN_S: '-1' })).toThrow(
      /--jwks-cooldown-s must be an integer from 0 to 3600/,
    );
    expect(() => resolveConfig({ 'jwks-max-age-s': '0' }, {})).toThrow(/--jwks-max-age-s/);
  });
});
