/** Workload identity: SPIFFE IDs compared structurally against trusted trust domains. */
import { describe, expect, it } from 'vitest';
import { parseSpiffeId } from '../../src/pipeline/identity/spiffe-id.js';
import { isUnderSpiffeId, sameSpiffeId } from '../../src/pipeline/identity/spiffe-match.js';
import { resolveWorkloadIdentity } from '../../src/pipeline/identity/workload-identity.js';

const TRUSTED = { trustedTrustDomains: ['cluster.local', 'prod.example.org'] };
const id = (s: string) => parseSpiffeId(s)!;

describe('resolveWorkloadIdentity from the peer principal', () => {
  it('accepts an SVID from a trusted domain', () => {
    const r = resolveWorkloadIdentity({ principal: 'spiffe://cluster.local/ns/agents/sa/agent-a' }, TRUSTED);
    expect(r).toMatchObject({
      ok: true,
      source: 'peer',
      uri: 'spiffe://cluster.local/ns/agents/sa/agent-a',
      id: { trustDomain: 'cluster.local', namespace: 'agents', serviceAccount: 'agent-a' },
    });
  });

  it.each([
    undefined,
    '',
    'agent-a',
    'https://cluster.local/ns/a',
    'spiffe://',
    'spiffe://cluster.local/',
    'spiffe://Cluster.local/x',
    'spiffe://cluster.local/a/../b',
    'spiffe://cluster.local//a',
  ])('treats %j as unauthenticated', (principal) => {
    expect(resolveWorkloadIdentity({ principal }, TRUSTED)).toMatchObject({
      ok: false,
      code: 'ERR_IDENTITY_UNAUTHENTICATED',
    });
  });

  it.each([
    'spiffe://cluster.local.evil.com/ns/a/sa/b',
    'spiffe://evil-cluster.local/ns/a',
    'spiffe://local/ns/a',
    'spiffe://prod.example.org.attacker.net/x',
  ])('rejects %s: prefix or suffix lookalikes of a trusted domain are other domains', (principal) => {
    expect(resolveWorkloadIdentity({ principal }, TRUSTED)).toMatchObject({
      ok: false,
      code: 'ERR_IDENTITY_UNTRUSTED_DOMAIN',
    });
  });
});

describe('resolveWorkloadIdentity from XFCC', () => {
  const proxy = 'spiffe://cluster.local/ns/istio-system/sa/gateway';
  const config = { ...TRUSTED, xfcc: { trustedProxy: proxy } };

  it('uses the last element, not the peer principal, when configured', () => {
    const xfcc = `By=x;URI=spiffe://cluster.local/ns/prod/sa/admin,By=${proxy};URI=spiffe://cluster.local/ns/agents/sa/b`;
    expect(resolveWorkloadIdentity({ principal: proxy, xfcc }, config)).toMatchObject({
      ok: true,
      source: 'xfcc',
      uri: 'spiffe://cluster.local/ns/agents/sa/b',
    });
  });

  it('ignores XFCC when not configured, so a client-set header cannot choose the identity', () => {
    const xfcc = `By=${proxy};URI=spiffe://cluster.local/ns/prod/sa/admin`;
    expect(
      resolveWorkloadIdentity({ principal: 'spiffe://cluster.local/ns/agents/sa/b', xfcc }, TRUSTED),
    ).toMatchObject({
      ok: true,
      source: 'peer',
      uri: 'spiffe://cluster.local/ns/agents/sa/b',
    });
  });

  it('fails when configured but absent, and checks the trust domain of the XFCC URI', () => {
    expect(resolveWorkloadIdentity({ principal: proxy }, config)).toMatchObject({
      ok: false,
      code: 'ERR_XFCC_MALFORMED',
    });
    const xfcc = `By=${proxy};URI=spiffe://evil.org/ns/a/sa/b`;
    expect(resolveWorkloadIdentity({ principal: proxy, xfcc }, config)).toMatchObject({
      code: 'ERR_IDENTITY_UNTRUSTED_DOMAIN',
    });
  });
});

describe('structural comparison', () => {
  it('compares path segments, never string prefixes', () => {
    expect(isUnderSpiffeId(id('spiffe://td/ns/a/sa/b'), id('spiffe://td/ns/a'))).toBe(true);
    expect(isUnderSpiffeId(id('spiffe://td/ns/ab/sa/b'), id('spiffe://td/ns/a'))).toBe(false);
    expect(isUnderSpiffeId(id('spiffe://td2/ns/a'), id('spiffe://td/ns/a'))).toBe(false);
    expect(sameSpiffeId(id('spiffe://td/ns/a'), id('spiffe://td/ns/a'))).toBe(true);
    expect(sameSpiffeId(id('spiffe://td/ns/a'), id('spiffe://td/ns/a/sa/b'))).toBe(false);
  });
});
