/**
 * What the execution token binds beyond method, host, path and body, over real gRPC: every end-to-end
 * request header (by digest), the scheme, and the workload presenting it. Each deviation fails with its own
 * code; the mesh's own headers may change; a verifier with another header set refuses the token.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { responseHeader, structField } from '../../src/cli/check-client.js';
import { DEFAULT_PRINCIPAL, scenarioCheckRequest, type ScenarioRequest } from '../../src/cli/scenario.js';
import type { CheckRequest } from '../../src/extauthz/envoy-types.js';
import { DEFAULT_HEADER_SET, isUnbound } from '../../src/pipeline/bind/bound-headers.js';
import { TokenCodec } from '../../src/pipeline/bind/execution-token.js';
import { tokenClaims } from '../support/exec-token.js';
import { ANALYTICS_READ, startTestWrit, type TestWrit } from '../support/writ-server.js';

/** Mints and verifies as a pipeline does (its own codec: token id pool, per-key header memos). */
const tokens = new TokenCodec();

const query: ScenarioRequest = {
  ...ANALYTICS_READ,
  headers: { 'x-tenant': 'acme', accept: 'application/json', 'if-match': '"v1"' },
};

let t: TestWrit;
let policyHome: string;
beforeAll(async () => {
  policyHome = mkdtempSync(join(tmpdir(), 'writ-binding-'));
  t = await startTestWrit();
});
afterAll(async () => {
  await t.stop();
  rmSync(policyHome, { recursive: true, force: true });
});

async function mint(w: TestWrit, r: ScenarioRequest = query): Promise<string> {
  const res = await w.check.check(scenarioCheckRequest(r));
  expect(structField(res, 'writ_decision')).toBe('ALLOW');
  return responseHeader(res, 'x-writ-token')!;
}

async function verifyCode(w: TestWrit, req: CheckRequest): Promise<string> {
  return String(structField(await w.verify.check(req), 'writ_code'));
}

function withHeaders(req: CheckRequest, edit: (h: Record<string, string>) => void): CheckRequest {
  const http = req.attributes!.request!.http!;
  const headers = { ...http.headers! };
  edit(headers);
  return { attributes: { ...req.attributes, request: { http: { ...http, headers } } } };
}

function withHttp(req: CheckRequest, patch: Record<string, unknown>): CheckRequest {
  const http = req.attributes!.request!.http!;
  return { attributes: { ...req.attributes, request: { http: { ...http, ...patch } } } };
}

/** End-to-end header names a tool may act on (lower-case tokens outside the mesh's set). */
const boundName = fc
  .stringMatching(/^[a-z][a-z0-9-]{0,15}$/)
  .filter((n) => !isUnbound(n, DEFAULT_HEADER_SET) && n !== 'content-type' && n !== '__proto__');
/** Header values as a client sends them: visible ASCII with inner spaces. */
const headerValue = fc.stringMatching(/^[!-~]([ -~]{0,30}[!-~])?$/);

describe('token binding over real gRPC', () => {
  it('a bound header added, removed or changed after the check fails with ERR_TOKEN_HEADERS_MISMATCH', async () => {
    const fixed: [string, (h: Record<string, string>) => void][] = [
      ['authorization added', (h) => (h['authorization'] = 'Bearer eyJhbGciOiJub25lIn0.e30.')],
      ['x-tenant changed', (h) => (h['x-tenant'] = 'globex')],
      ['x-tenant removed', (h) => delete h['x-tenant']],
      ['destination added', (h) => (h['destination'] = 'https://mcp.tools.svc.cluster.local/other')],
      ['if-match removed', (h) => delete h['if-match']],
      ['cookie added', (h) => (h['cookie'] = 'session=other')],
      ['accept with a trailing space', (h) => (h['accept'] = 'application/json ')],
    ];
    const token = await mint(t);
    const genuine = scenarioCheckRequest(query, { 'x-writ-token': token });
    for (const [name, edit] of fixed)
      expect(await verifyCode(t, withHeaders(genuine, edit)), name).toBe('ERR_TOKEN_HEADERS_MISMATCH');
    await fc.assert(
      fc.asyncProperty(boundName, headerValue, fc.boolean(), async (name, value, remove) => {
        const edited = withHeaders(genuine, (h) => {
          if (remove && name in h) delete h[name];
          else h[name] = h[name] === value ? `${value}x` : value;
        });
        fc.pre(JSON.stringify(edited) !== JSON.stringify(genuine));
        expect(await verifyCode(t, edited)).toBe('ERR_TOKEN_HEADERS_MISMATCH');
      }),
      { numRuns: 40 },
    );
    // No failed attempt consumed the token.
    expect(await verifyCode(t, genuine)).toBe('VERIFY_OK');
  });

  it("the mesh's own headers may change between check and verify", async () => {
    const meshName = fc.oneof(
      fc.constantFrom(
        'x-request-id',
        'traceparent',
        'tracestate',
        'b3',
        'x-forwarded-for',
        'x-forwarded-proto',
        'x-forwarded-client-cert',
        'x-envoy-attempt-count',
        'x-envoy-peer-metadata',
        'x-b3-traceid',
        'x-b3-sampled',
        'content-length',
        'connection',
        'te',
      ),
      fc.stringMatching(/^x-(envoy|forwarded|b3)-[a-z0-9-]{1,10}$/),
    );
    await fc.assert(
      fc.asyncProperty(fc.dictionary(meshName, headerValue, { minKeys: 1, maxKeys: 5 }), async (mesh) => {
        const token = await mint(t);
        const base = scenarioCheckRequest(query, { 'x-writ-token': token });
        const req = withHeaders(base, (h) => {
          Object.assign(h, mesh);
          // Envoy sends content-length only as the body's own length (ERR_CONTENT_LENGTH_MISMATCH otherwise).
          if ('content-length' in mesh)
            h['content-length'] = String(base.attributes!.request!.http!.raw_body!.length);
        });
        expect(await verifyCode(t, req)).toBe('VERIFY_OK');
      }),
      { numRuns: 15 },
    );
  });

  it('a token minted over one scheme fails over the other with ERR_TOKEN_SCHEME', async () => {
    for (const [from, to] of [
      ['https', 'http'],
      ['http', 'https'],
      ['https', 'HTTP'],
    ] as const) {
      const token = await mint(t, { ...query, scheme: from });
      const req = scenarioCheckRequest({ ...query, scheme: from }, { 'x-writ-token': token });
      expect(await verifyCode(t, withHttp(req, { scheme: to })), `${from} -> ${to}`).toBe('ERR_TOKEN_SCHEME');
      expect(await verifyCode(t, req)).toBe('VERIFY_OK');
    }
  });

  it("agent A's token presented by another workload fails with ERR_TOKEN_SUBJECT", async () => {
    const token = await mint(t);
    const genuine = scenarioCheckRequest(query, { 'x-writ-token': token });
    const other = fc.oneof(
      fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/).map((sa) => `spiffe://cluster.local/ns/agents/sa/${sa}`),
      fc
        .stringMatching(/^[a-z][a-z0-9-]{0,12}$/)
        .map((ns) => `spiffe://cluster.local/ns/${ns}/sa/support-assistant`),
      fc.constant('spiffe://evil.example/ns/agents/sa/support-assistant'),
      fc.constant(''),
      fc.constant('not a spiffe id'),
    );
    await fc.assert(
      fc.asyncProperty(other, async (principal) => {
        fc.pre(principal !== DEFAULT_PRINCIPAL);
        const req = { attributes: { ...genuine.attributes, source: { principal } } };
        expect(await verifyCode(t, req)).toBe('ERR_TOKEN_SUBJECT');
      }),
      { numRuns: 30 },
    );
    expect(await verifyCode(t, genuine)).toBe('VERIFY_OK');
  });

  it('an egress gateway configured as a token forwarder presents the agent token; nobody else may', async () => {
    // The documented layout: the agent's call reaches the tool through the egress gateway, whose own
    // writ-check minted the token; the tool's writ-verify sees the gateway's identity, not the agent's.
    const gateway = 'spiffe://cluster.local/ns/istio-egress/sa/egress-gateway';
    const w = await startTestWrit({ 'token-forwarders': gateway });
    try {
      const as = (req: CheckRequest, principal: string): CheckRequest => ({
        attributes: { ...req.attributes, source: { principal } },
      });
      const token = await mint(w);
      const genuine = scenarioCheckRequest(query, { 'x-writ-token': token });
      // Through the forwarder, a changed request still fails: the token's subject and hash are both signed.
      expect(
        await verifyCode(
          w,
          as(
            withHeaders(genuine, (h) => (h['x-tenant'] = 'globex')),
            gateway,
          ),
        ),
      ).toBe('ERR_TOKEN_HEADERS_MISMATCH');
      // Another agent presenting the token directly is still refused (F8 holds beside a forwarder).
      expect(await verifyCode(w, as(genuine, 'spiffe://cluster.local/ns/agents/sa/other-agent'))).toBe(
        'ERR_TOKEN_SUBJECT',
      );
      // A look-alike of the gateway is not the gateway.
      expect(await verifyCode(w, as(genuine, `${gateway}-x`))).toBe('ERR_TOKEN_SUBJECT');
      expect(await verifyCode(w, as(genuine, gateway))).toBe('VERIFY_OK');
      // Single use through the forwarder too.
      expect(await verifyCode(w, as(genuine, gateway))).toBe('ERR_TOKEN_REPLAYED');
      // Without the setting the same gateway is just another workload.
      const direct = scenarioCheckRequest(query, { 'x-writ-token': await mint(t) });
      expect(await verifyCode(t, as(direct, gateway))).toBe('ERR_TOKEN_SUBJECT');
    } finally {
      await w.stop();
    }
  });

  it('a token of envelope version 1 (no bound parts) is refused with ERR_TOKEN_ENVELOPE_VERSION', async () => {
    const token = await mint(t);
    const claims = tokenClaims(token) as { sub: string; aud: string; ah: string };
    // Signed by writ's own key, as a writ of the previous version would have minted it.
    const { token: old } = await tokens.mint(t.writ.signer, {
      subject: claims.sub,
      audience: claims.aud,
      actionHash: claims.ah,
      traceId: 't',
      policyVersion: 'v',
      nowMs: t.clock.now,
      bound: undefined as never,
    });
    expect(tokenClaims(old)['bnd']).toBeUndefined();
    expect(await verifyCode(t, scenarioCheckRequest(query, { 'x-writ-token': old }))).toBe(
      'ERR_TOKEN_ENVELOPE_VERSION',
    );
  });

  it('settings.unbound_headers leaves a host header unbound under a new set id that other verifiers refuse', async () => {
    const dir = join(policyHome, 'policies');
    mkdirSync(dir, { recursive: true });
    copyFileSync(join(process.cwd(), 'policies', 'default.yaml'), join(dir, 'default.yaml'));
    writeFileSync(
      join(dir, 'zz-unbound.yaml'),
      'apiVersion: writ.dev/v1\nkind: PolicySet\nsettings:\n  unbound_headers:\n    "*.svc.cluster.local": [via, x-mesh-*]\n',
    );
    const keyFile = join(policyHome, 'signing-key.pem');
    const tuned = await startTestWrit({ 'policy-dir': dir, 'signing-key': keyFile });
    const plain = await startTestWrit({ 'signing-key': keyFile });
    try {
      const token = await mint(tuned, { ...query, headers: { ...query.headers, via: '1.1 a' } });
      const req = scenarioCheckRequest(
        { ...query, headers: { ...query.headers, via: '1.1 a' } },
        { 'x-writ-token': token },
      );
      // The verifier of the default set refuses it: the header set is part of the envelope version.
      expect(await verifyCode(plain, req)).toBe('ERR_TOKEN_ENVELOPE_VERSION');
      // The verifier with the same setting accepts it with the unbound headers changed, but not a bound one.
      expect(
        await verifyCode(
          tuned,
          withHeaders(req, (h) => {
            h['x-tenant'] = 'globex';
          }),
        ),
      ).toBe('ERR_TOKEN_HEADERS_MISMATCH');
      expect(
        await verifyCode(
          tuned,
          withHeaders(req, (h) => {
            h['via'] = '1.1 b';
            h['x-mesh-hop'] = '2';
          }),
        ),
      ).toBe('VERIFY_OK');
    } finally {
      await tuned.stop();
      await plain.stop();
    }
  });
});
