/**
 * The check role decodes a CheckRequest with protobufjs and maps the message itself; proto-loader's
 * deserializer also converts it with `toObject`. On any bytes the two accept and reject alike, and map
 * to the same RawRequest: absent and empty strings, bytes and strings, raw_body and body, header_map.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  authorizationClient,
  authorizationRoot,
  authorizationService,
} from '../../src/extauthz/envoy-protos.js';
import type { CheckRequest } from '../../src/extauthz/envoy-types.js';
import { mapCheckRequest } from '../../src/extauthz/map-request.js';

const fast = authorizationService()['Check']!;
// The client's definition is proto-loader's own: decode, then toObject.
const reference = authorizationClient().service['Check']!;

const text = fc.oneof(
  fc.constantFrom('', 'a', 'A', 'GET', 'post', 'mcp.tools.svc.cluster.local', '/mcp?x=1', 'https', 'HTTP'),
  fc.string({ maxLength: 20 }),
  fc.string({ maxLength: 8, unit: 'binary' }),
);
const headerName = fc.oneof(
  fc.constantFrom(
    ':authority',
    ':path',
    ':scheme',
    ':method',
    'x-request-id',
    'X-Request-Id',
    'content-type',
    'x-envoy-auth-partial-body',
    '__proto__',
    'constructor',
    '',
  ),
  fc.string({ maxLength: 10 }),
);
const headerValue = fc.oneof(fc.constantFrom('true', 'false', ''), text);
const bytes = fc.oneof(
  fc.constant(Buffer.alloc(0)),
  fc.uint8Array({ maxLength: 24 }).map((b) => Buffer.from(b)),
  fc.constantFrom(Buffer.from([0xc3, 0x28]), Buffer.from('{"a":1}')),
);
const address = fc.record(
  { socket_address: fc.record({ address: text, port_value: fc.nat(65535) }, { requiredKeys: [] }) },
  { requiredKeys: [] },
);
const peer = fc.record(
  { principal: text, address, service: text, labels: fc.dictionary(text, text, { maxKeys: 2 }) },
  { requiredKeys: [] },
);
const http = fc.record(
  {
    id: text,
    method: text,
    headers: fc.dictionary(headerName, headerValue, { maxKeys: 6 }),
    header_map: fc.record(
      {
        headers: fc.array(
          fc.record({ key: headerName, value: headerValue, raw_value: bytes }, { requiredKeys: [] }),
          { maxLength: 5 },
        ),
      },
      { requiredKeys: [] },
    ),
    path: text,
    host: text,
    scheme: text,
    query: text,
    size: fc.nat().map(String),
    protocol: text,
    body: text,
    raw_body: bytes,
  },
  { requiredKeys: [] },
);
const checkRequest: fc.Arbitrary<CheckRequest> = fc.record(
  {
    attributes: fc.record(
      {
        source: peer,
        destination: peer,
        request: fc.record({ http }, { requiredKeys: [] }),
        context_extensions: fc.dictionary(text, text, { maxKeys: 2 }),
        // Maps of messages: the one place proto-loader's toObject can fail on decoded bytes.
        metadata_context: fc.record({
          filter_metadata: fc.dictionary(
            text,
            fc.record({ fields: fc.dictionary(text, fc.record({ stringValue: text }), { maxKeys: 2 }) }),
            { maxKeys: 2 },
          ),
        }),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: [] },
);

/** Decodes with one deserializer and maps, or says how decoding failed. */
function decodeAndMap(deserialize: (b: Buffer) => unknown, wire: Buffer): unknown {
  let req: CheckRequest;
  try {
    req = deserialize(wire) as CheckRequest;
  } catch (err) {
    return `undecodable: ${(err as Error).message}`;
  }
  return mapCheckRequest(req, 'check', 1, () => 'fallback-id');
}

const same = (wire: Buffer) =>
  expect(decodeAndMap(fast.requestDeserialize, wire)).toEqual(
    decodeAndMap(reference.requestDeserialize, wire),
  );

describe('CheckRequest decoding', () => {
  it('maps every CheckRequest as proto-loader-decoded requests map', () => {
    fc.assert(
      fc.property(checkRequest, (req) => {
        same(reference.requestSerialize(req));
      }),
      { numRuns: 2000 },
    );
  });

  it('tells an empty host, path, scheme, id or header key on the wire from an absent one', () => {
    const base = { method: 'GET', headers: { ':authority': 'a.example', ':path': '/h', ':scheme': 'http' } };
    for (const http of [
      { ...base, host: '' },
      { ...base, path: '' },
      { ...base, scheme: '' },
      { ...base, id: '' },
      { ...base, header_map: { headers: [{ key: '', value: 'v' }, { value: 'no key' }] } },
    ]) {
      const wire = reference.requestSerialize({ attributes: { request: { http } } });
      same(wire);
    }
  });

  it("rejects, with proto-loader's error, a map entry whose message value is absent", () => {
    const id = (type: string, field: string) => authorizationRoot().lookupType(type).fields[field]!.id;
    const len = (field: number, body: Buffer) =>
      Buffer.concat([Buffer.from([(field << 3) | 2, body.length]), body]);
    const key = len(1, Buffer.from('envoy.lb'));
    // A filter_metadata entry without its Struct, then one whose Struct has a field without its Value.
    for (const metadata of [len(1, key), len(1, Buffer.concat([key, len(2, len(1, key))]))]) {
      for (const where of ['metadata_context', 'route_metadata_context']) {
        const context = len(id('envoy.service.auth.v3.AttributeContext', where), metadata);
        const wire = len(id('envoy.service.auth.v3.CheckRequest', 'attributes'), context);
        expect(decodeAndMap(reference.requestDeserialize, wire)).toMatch(/^undecodable: /);
        same(wire);
      }
    }
  });

  it('rejects and accepts the same bytes, and maps what it accepts the same way', () => {
    fc.assert(
      fc.property(
        checkRequest,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 3 }),
        fc.nat(),
        (req, flips, cut) => {
          const wire = Buffer.from(reference.requestSerialize(req));
          if (wire.length === 0) return;
          for (const [at, b] of flips) wire[at % wire.length] = b;
          same(wire);
          same(wire.subarray(0, cut % (wire.length + 1)));
        },
      ),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
        same(Buffer.from(b));
      }),
      { numRuns: 1000 },
    );
  });
});
