/** The ext_proc role over a real gRPC bidirectional stream on loopback: masked response bodies. */
/* eslint-disable @typescript-eslint/no-explicit-any -- proto-loader messages are untyped; the test reads them loosely */
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { responseHeader } from '../../src/cli/check-client.js';
import { DEFAULT_MCP_AUTHORITY, scenarioCheckRequest } from '../../src/cli/scenario.js';
import { loadEnvoyProtos } from '../../src/extauthz/envoy-protos.js';
import { maskResponseBody } from '../../src/pipeline/enforce/mask-response.js';
import { mcp, startEnforceWrit, type EnforceWrit } from './support.js';

let t: EnforceWrit;
let client: grpc.Client & { Process: () => grpc.ClientDuplexStream<object, any> };
beforeAll(async () => {
  t = await startEnforceWrit();
  const root = loadEnvoyProtos() as any;
  const Ctor = root.envoy.service.ext_proc.v3.ExternalProcessor as grpc.ServiceClientConstructor;
  client = new Ctor(
    `127.0.0.1:${t.writ.ports.extproc}`,
    grpc.credentials.createInsecure(),
  ) as unknown as typeof client;
});
afterAll(async () => {
  client.close();
  await t.stop();
});

const hv = (key: string, value: string) => ({ key, raw_value: Buffer.from(value) });

/** Opens one stream and returns a function that sends a message and awaits its answer. */
function stream() {
  const call = client.Process();
  const answers: any[] = [];
  const waiters: ((v: any) => void)[] = [];
  call.on('data', (m: any) => {
    const w = waiters.shift();
    if (w) w(m);
    else answers.push(m);
  });
  return {
    send(msg: object): Promise<any> {
      call.write(msg);
      return new Promise((resolve) => {
        const a = answers.shift();
        if (a !== undefined) resolve(a);
        else waiters.push(resolve);
      });
    },
    end: () => call.end(),
  };
}

async function maskedToken(): Promise<string> {
  const res = await t.check.check(scenarioCheckRequest(mcp('get_customer', { id: 7 })));
  return responseHeader(res, 'x-writ-token')!;
}

const upstreamBody = JSON.stringify({
  customer: { name: 'Ada', email: 'ada@example.org', phone: '+44 20 7946 0958', tier: 'gold' },
  notes: 'call back on ada.l@example.com, SSN 123-45-6789',
});

describe('ext_proc role', () => {
  it('buffers and masks the response of a request whose token carries a mask', async () => {
    const s = stream();
    const token = await maskedToken();
    const h = await s.send({
      request_headers: {
        headers: {
          headers: [
            hv(':authority', DEFAULT_MCP_AUTHORITY),
            hv(':scheme', 'https'),
            hv('x-writ-token', token),
          ],
        },
      },
    });
    expect(h.response).toBe('request_headers');
    expect(h.mode_override).toMatchObject({ response_body_mode: 2, response_header_mode: 1 });
    const rh = await s.send({
      response_headers: { headers: { headers: [hv('content-length', String(upstreamBody.length))] } },
    });
    expect(rh.response_headers.response.header_mutation.remove_headers).toEqual(['content-length']);
    const rb = await s.send({ response_body: { body: Buffer.from(upstreamBody), end_of_stream: true } });
    const out = JSON.parse(Buffer.from(rb.response_body.response.body_mutation.body).toString('utf8'));
    expect(out.customer).toEqual({ name: 'Ada', email: '[masked]', phone: '[masked]', tier: 'gold' });
    expect(out.notes).not.toContain('ada.l@example.com');
    expect(out.notes).not.toContain('123-45-6789');
    expect(out.notes).toContain('[redacted:email]');
    s.end();
  });

  it('passes a response through untouched when the token has no mask, and when there is no token', async () => {
    const res = await t.check.check(scenarioCheckRequest(mcp('get_weather', { city: 'Rome' })));
    const token = responseHeader(res, 'x-writ-token')!;
    for (const headers of [
      [hv(':authority', DEFAULT_MCP_AUTHORITY), hv('x-writ-token', token)],
      [hv(':authority', 'x')],
    ]) {
      const s = stream();
      const h = await s.send({ request_headers: { headers: { headers } } });
      expect(h.response).toBe('request_headers');
      expect(h.mode_override ?? null).toBeNull();
      s.end();
    }
  });

  it('answers 403 immediately for a token whose signature does not verify', async () => {
    const token = await maskedToken();
    const [h, p, sig] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    const dropped = `${h}.${Buffer.from(JSON.stringify({ ...claims, obl: {} })).toString('base64url')}.${sig}`;
    const s = stream();
    const r = await s.send({
      request_headers: {
        headers: { headers: [hv(':authority', DEFAULT_MCP_AUTHORITY), hv('x-writ-token', dropped)] },
      },
    });
    expect(r.response).toBe('immediate_response');
    expect(r.immediate_response.status.code).toBe(403);
    expect(JSON.parse(Buffer.from(r.immediate_response.body).toString()).reason).toBe('ERR_TOKEN_SIGNATURE');
    s.end();
  });
});

describe('maskResponseBody', () => {
  it('masks paths into arrays, names at any depth, and withholds bytes it cannot read', () => {
    const body = Buffer.from(
      JSON.stringify({ items: [{ ssn: '1', x: { Email: 'a' } }, { ssn: '2' }], keep: 'ok' }),
    );
    const r = maskResponseBody(body, ['$.items[*].ssn', 'email']);
    expect(JSON.parse(r.body.toString())).toEqual({
      items: [{ ssn: '[masked]', x: { Email: '[masked]' } }, { ssn: '[masked]' }],
      keep: 'ok',
    });
    expect(r.fields).toBe(3);
    expect(maskResponseBody(Buffer.from([0xff, 0xfe]), ['email']).mode).toBe('withheld');
    const text = maskResponseBody(Buffer.from('plain text for bob@example.org'), ['email']);
    expect(text).toMatchObject({ mode: 'text' });
    expect(text.body.toString()).toBe('plain text for [redacted:email]');
  });
});
