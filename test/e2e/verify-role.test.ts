/** Upstream verification over real gRPC: the exact request passes once; every deviation fails closed with its own reason. */
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { responseHeader, structField } from '../../src/cli/check-client.js';
import { scenarioCheckRequest, type ScenarioRequest } from '../../src/cli/scenario.js';
import type { CheckRequest } from '../../src/extauthz/envoy-types.js';
import { b64json, forgeToken, tokenClaims, tokenHeader } from '../support/exec-token.js';
import { ANALYTICS_READ, startTestWrit, type TestWrit } from '../support/writ-server.js';

let t: TestWrit;
beforeAll(async () => {
  t = await startTestWrit();
});
afterAll(async () => t.stop());

const query: ScenarioRequest = ANALYTICS_READ;

async function allowedToken(request: ScenarioRequest = query): Promise<string> {
  const res = await t.check.check(scenarioCheckRequest(request));
  expect(structField(res, 'writ_decision')).toBe('ALLOW');
  return responseHeader(res, 'x-writ-token')!;
}

async function verifyCode(req: CheckRequest): Promise<string> {
  const res = await t.verify.check(req);
  const code = String(structField(res, 'writ_code'));
  if (code === 'VERIFY_OK') expect(res.status.code).toBe(0);
  else {
    expect(res.status.code).toBe(7);
    expect(res.denied_response!.status.code).toBe(403);
    expect(JSON.parse(res.denied_response!.body).reason).toBe(code);
  }
  return code;
}

function withBody(req: CheckRequest, mutate: (b: Buffer) => Buffer): CheckRequest {
  const http = req.attributes!.request!.http!;
  return {
    attributes: {
      ...req.attributes,
      request: { http: { ...http, raw_body: mutate(Buffer.from(http.raw_body!)) } },
    },
  };
}

/** The request with HTTP fields changed, and the pseudo-headers restating them with them, as Envoy sends both. */
function withHttp(req: CheckRequest, patch: { method?: string; path?: string; host?: string }): CheckRequest {
  const http = req.attributes!.request!.http!;
  const headers = { ...http.headers };
  if (patch.method !== undefined) headers[':method'] = patch.method;
  if (patch.path !== undefined) headers[':path'] = patch.path;
  if (patch.host !== undefined) headers[':authority'] = patch.host;
  return { attributes: { ...req.attributes, request: { http: { ...http, ...patch, headers } } } };
}

describe('verify role', () => {
  const codes = new Set<string>();
  const expectCode = async (req: CheckRequest, code: string) => {
    expect(await verifyCode(req)).toBe(code);
    codes.add(code);
  };

  it('accepts the exact request once, strips the token, then denies the replay', async () => {
    const token = await allowedToken();
    const req = scenarioCheckRequest(query, { 'x-writ-token': token });
    const res = await t.verify.check(req);
    expect(res.status.code).toBe(0);
    expect(structField(res, 'writ_code')).toBe('VERIFY_OK');
    expect(res.ok_response!.headers_to_remove).toContain('x-writ-token');
    await expectCode(req, 'ERR_TOKEN_REPLAYED');
  });

  it('denies one changed body byte, a changed method, a changed path and a changed host', async () => {
    const token = await allowedToken();
    const req = scenarioCheckRequest(query, { 'x-writ-token': token });
    await expectCode(
      withBody(req, (b) => {
        const c = Buffer.from(b);
        const i = c.indexOf('= 42');
        c[i + 3] = '3'.charCodeAt(0); // "= 42" -> "= 43": one byte
        return c;
      }),
      'ERR_TOKEN_ACTION_MISMATCH',
    );
    await expectCode(
      withBody(req, (b) => Buffer.concat([b, Buffer.from(' ')])),
      'ERR_TOKEN_ACTION_MISMATCH',
    );
    // A PUT of this JSON-RPC body reads two ways (MCP, and a PUT): refused before the token is looked at.
    const put = await t.verify.check(withHttp(req, { method: 'PUT' }));
    expect(structField(put, 'writ_code')).toBe('ERR_MCP_READING_CONFLICT');
    expect(put.status.code).toBe(7);
    // A changed method on a plain HTTP call is a different action.
    const issue: ScenarioRequest = {
      method: 'GET',
      authority: 'api.github.com',
      path: '/repos/acme/app/issues/1',
    };
    const read = scenarioCheckRequest(issue, { 'x-writ-token': await allowedToken(issue) });
    await expectCode(withHttp(read, { method: 'HEAD' }), 'ERR_TOKEN_ACTION_MISMATCH');
    expect(await verifyCode(read)).toBe('VERIFY_OK');
    await expectCode(withHttp(req, { path: '/mcp?x=1' }), 'ERR_TOKEN_ACTION_MISMATCH');
    await expectCode(withHttp(req, { host: 'other.tools.svc.cluster.local' }), 'ERR_TOKEN_AUDIENCE');
    // None of the failed attempts consumed the token: the genuine request still passes once.
    expect(await verifyCode(req)).toBe('VERIFY_OK');
  });

  it('denies an expired token (injected clock), and one issued in the future', async () => {
    const token = await allowedToken();
    const req = scenarioCheckRequest(query, { 'x-writ-token': token });
    const start = t.clock.now;
    t.clock.now = start + 66_000; // 60 s lifetime + 5 s skew, plus one
    await expectCode(req, 'ERR_TOKEN_EXPIRED');
    t.clock.now = start - 10_000;
    await expectCode(req, 'ERR_TOKEN_NOT_YET_VALID');
    t.clock.now = start;
  });

  it('denies tokens signed by another key, alg none, HS256, the wrong type and the single-signature form', async () => {
    const genuine = await allowedToken();
    const claims = tokenClaims(genuine);
    const header = tokenHeader(genuine);
    const req = (token: string) => scenarioCheckRequest(query, { 'x-writ-token': token });
    const other = generateKeyPairSync('ed25519').privateKey;
    const foreign = forgeToken({ ...header, kid: 'someone-else' }, claims, other);
    await expectCode(req(foreign), 'ERR_TOKEN_UNKNOWN_KEY');
    const forgedKid = forgeToken({ ...header, kid: t.writ.signer.kid }, claims, other);
    await expectCode(req(forgedKid), 'ERR_TOKEN_SIGNATURE');
    const none = forgeToken({ alg: 'none', typ: header['typ'] }, claims, () => Buffer.alloc(0));
    await expectCode(req(none), 'ERR_TOKEN_ALG');
    const publicKeyBytes = t.writ.signer.publicKey.export({ format: 'der', type: 'spki' });
    const hs = forgeToken({ ...header, alg: 'HS256' }, claims, (input) =>
      createHmac('sha256', publicKeyBytes).update(input).digest(),
    );
    await expectCode(req(hs), 'ERR_TOKEN_ALG');
    const wrongType = forgeToken({ ...header, typ: 'JWT' }, claims, other);
    await expectCode(req(wrongType), 'ERR_TOKEN_TYPE');
    // The earlier single-signature form, signed by writ's own key: refused by its type, one format only.
    const singleInput = `${b64json({ alg: 'EdDSA', typ: 'exec+jwt', kid: t.writ.signer.kid })}.${b64json(claims)}`;
    const single = `${singleInput}.${Buffer.from(t.writ.signer.sign(Buffer.from(singleInput))).toString('base64url')}`;
    await expectCode(req(single), 'ERR_TOKEN_TYPE');
    await expectCode(req('not.a-token'), 'ERR_TOKEN_MALFORMED');
    await expectCode(scenarioCheckRequest(query), 'ERR_TOKEN_MISSING');
    // The genuine token was never consumed by the forgeries.
    expect(await verifyCode(req(genuine))).toBe('VERIFY_OK');
  });

  it('gave every failure its own reason', () => {
    expect([...codes].sort()).toEqual([
      'ERR_TOKEN_ACTION_MISMATCH',
      'ERR_TOKEN_ALG',
      'ERR_TOKEN_AUDIENCE',
      'ERR_TOKEN_EXPIRED',
      'ERR_TOKEN_MALFORMED',
      'ERR_TOKEN_MISSING',
      'ERR_TOKEN_NOT_YET_VALID',
      'ERR_TOKEN_REPLAYED',
      'ERR_TOKEN_SIGNATURE',
      'ERR_TOKEN_TYPE',
      'ERR_TOKEN_UNKNOWN_KEY',
    ]);
  });

  it('replaces an agent-supplied x-writ-token on the check side', async () => {
    const res = await t.check.check(scenarioCheckRequest(query, { 'x-writ-token': 'agent-forged' }));
    const token = responseHeader(res, 'x-writ-token');
    expect(token).not.toBe('agent-forged');
    expect(res.ok_response!.headers.find((h) => h.header.key === 'x-writ-token')!.append.value).toBe(false);
  });
});
