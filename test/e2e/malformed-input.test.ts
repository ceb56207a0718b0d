/** Malformed input never crashes the server and never allows: each is a deny with its own reason, audited. */
import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { structField } from '../../src/cli/check-client.js';
import { scenarioCheckRequest } from '../../src/cli/scenario.js';
import { authorizationService } from '../../src/extauthz/envoy-protos.js';
import type { CheckRequest, CheckResponse } from '../../src/extauthz/envoy-types.js';
import { verifyChainText } from '../../src/pipeline/audit-record/hash-chain.js';
import { startTestWrit, type TestWrit } from '../support/writ-server.js';

let t: TestWrit;
beforeAll(async () => {
  t = await startTestWrit({ 'max-body-bytes': '4096' });
});
afterAll(async () => t.stop());

function bodyRequest(
  body: string | Buffer,
  headers: Record<string, string> = { 'content-type': 'application/json' },
): CheckRequest {
  const req = scenarioCheckRequest({
    method: 'POST',
    authority: 'mcp.tools.svc.cluster.local',
    path: '/mcp',
    headers,
  });
  req.attributes!.request!.http!.raw_body = Buffer.from(body);
  return req;
}

async function denied(req: CheckRequest, code: string, httpStatus: number) {
  const res = await t.check.check(req);
  expect(res.status.code).toBe(7);
  expect(structField(res, 'writ_code')).toBe(code);
  expect(res.denied_response!.status.code).toBe(httpStatus);
  expect(JSON.parse(res.denied_response!.body)).toMatchObject({ decision: 'DENY', reason: code });
}

describe('malformed input', () => {
  it('garbage protobuf on the wire is answered with a deny, not a crash', async () => {
    const method = authorizationService()['Check']!;
    const client = new grpc.Client(`127.0.0.1:${t.writ.ports.check}`, grpc.credentials.createInsecure());
    const res = await new Promise<CheckResponse>((resolve, reject) =>
      client.makeUnaryRequest(
        method.path,
        () => Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]),
        (b: Buffer) => method.responseDeserialize(b) as CheckResponse,
        {},
        (err, value) => (err ? reject(err) : resolve(value!)),
      ),
    );
    client.close();
    expect(res.status.code).toBe(7);
    expect(structField(res, 'writ_code')).toBe('ERR_BAD_REQUEST');
  });

  it('a check without HTTP attributes (a TCP check) is denied', async () => {
    await denied(
      { attributes: { source: { principal: 'spiffe://cluster.local/ns/a/sa/b' } } },
      'ERR_NO_HTTP_ATTRIBUTES',
      400,
    );
    await denied({}, 'ERR_NO_HTTP_ATTRIBUTES', 400);
  });

  it('a body that is not JSON under a JSON content type is denied', async () => {
    await denied(bodyRequest('{"jsonrpc":"2.0",'), 'ERR_BODY_INVALID_JSON', 400);
    await denied(bodyRequest(Buffer.from([0x7b, 0xc3, 0x28, 0x7d])), 'ERR_BODY_INVALID_UTF8', 400);
  });

  it('duplicate JSON keys, lone surrogates and huge integers are denied', async () => {
    await denied(
      bodyRequest('{"jsonrpc":"2.0","method":"tools/call","params":{"name":"query_db","name":"drop_db"}}'),
      'ERR_JSON_DUPLICATE_KEY',
      400,
    );
    await denied(bodyRequest('{"a":"\\ud800"}'), 'ERR_JSON_LONE_SURROGATE', 400);
    await denied(bodyRequest('{"id":9007199254740993}'), 'ERR_JSON_UNSAFE_INTEGER', 400);
  });

  it('a partial body cannot be bound and is denied', async () => {
    await denied(
      bodyRequest('{"a":1}', { 'content-type': 'application/json', 'x-envoy-auth-partial-body': 'true' }),
      'ERR_PARTIAL_BODY',
      400,
    );
  });

  it('an oversized body is denied with 413', async () => {
    await denied(bodyRequest(JSON.stringify({ data: 'x'.repeat(5000) })), 'ERR_BODY_TOO_LARGE', 413);
  });

  it('a malformed MCP message is denied', async () => {
    await denied(
      bodyRequest('{"jsonrpc":"2.0","method":"tools/call","params":{"arguments":{}}}'),
      'ERR_MCP_INVALID',
      400,
    );
    await denied(
      bodyRequest('[{"jsonrpc":"2.0","method":"tools/call","params":{"name":"a"}}]'),
      'ERR_MCP_INVALID',
      400,
    );
  });

  it('keeps serving, and audited every one of those denies in an intact chain', async () => {
    const ok = await t.check.check(
      scenarioCheckRequest({ method: 'GET', authority: 'api.github.com', path: '/repos/a/b' }),
    );
    expect(ok.status.code).toBe(0);
    t.writ.audit.flush();
    const text = readFileSync(t.auditFile, 'utf8');
    const verdict = verifyChainText(text);
    expect(verdict.ok).toBe(true);
    const codes = text
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { event: { code: string } }).event.code);
    for (const c of [
      'ERR_BAD_REQUEST',
      'ERR_NO_HTTP_ATTRIBUTES',
      'ERR_BODY_INVALID_JSON',
      'ERR_JSON_DUPLICATE_KEY',
      'ERR_PARTIAL_BODY',
      'ERR_BODY_TOO_LARGE',
      'POLICY_ALLOW',
    ]) {
      expect(codes).toContain(c);
    }
    expect(text).not.toContain('drop_db'); // raw bodies never reach the audit log
  });
});
