/** Encoded bodies are inspected as the upstream reads them, within the body limit, or refused. */
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { lineToRawRequest } from '../../src/cli/inspect.js';
import { actionHash, boundParts } from '../../src/pipeline/bind/canonical-action.js';
import { WritError } from '../../src/pipeline/errors.js';
import { normalizeRequest } from '../../src/pipeline/normalize/index.js';

const config = { internalDomains: [], productionDatabases: [], trustAgentHeaders: false, maxBodyBytes: 4096 };
const encoded = (body: Uint8Array, encoding: string, contentType = 'application/json') => ({
  ...lineToRawRequest(
    {
      http: {
        url: 'https://api.example.com/x',
        method: 'POST',
        headers: { 'content-type': contentType, 'content-encoding': encoding },
      },
    },
    1,
  ),
  body,
});
const json = Buffer.from('{"host": "10.0.0.1; sysinfo"}');
const code = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    return err instanceof WritError ? err.code : 'not a WritError';
  }
  return 'no error';
};

describe('Content-Encoding', () => {
  it('is undone before the body is read: gzip, deflate (zlib or raw), br, and stacked codings', () => {
    for (const [encoding, bytes] of [
      ['gzip', gzipSync(json)],
      ['x-gzip', gzipSync(json)],
      ['deflate', deflateSync(json)],
      ['deflate', deflateRawSync(json)],
      ['br', brotliCompressSync(json)],
      ['gzip, br', brotliCompressSync(gzipSync(json))],
      ['identity', json],
    ] as const) {
      const action = normalizeRequest(encoded(bytes, encoding), config);
      expect(action.action.arguments, encoding).toEqual({ host: '10.0.0.1; sysinfo' });
    }
  });
  it('is also what a binary-typed body is read through', () => {
    const action = normalizeRequest(encoded(gzipSync(json), 'gzip', 'application/octet-stream'), config);
    expect(action.action.arguments).toEqual({ host: '10.0.0.1; sysinfo' });
  });
  it('refuses what it cannot undo, what is corrupt, and what decodes past the body limit', () => {
    expect(code(() => normalizeRequest(encoded(json, 'zstd'), config))).toBe('ERR_BAD_REQUEST');
    expect(code(() => normalizeRequest(encoded(json, 'gzip'), config))).toBe('ERR_BAD_REQUEST');
    const bomb = gzipSync(Buffer.alloc(1024 * 1024, 0x20));
    expect(bomb.length).toBeLessThan(4096);
    expect(code(() => normalizeRequest(encoded(bomb, 'gzip'), config))).toBe('ERR_BODY_TOO_LARGE');
  });
  it('reads the _method of an encoded form POST from the decoded body, as the upstream does', () => {
    const form = encoded(gzipSync('_method=DELETE'), 'gzip', 'application/x-www-form-urlencoded');
    expect(normalizeRequest(form, config).action.httpMethod).toBe('DELETE');
    const downgrade = encoded(gzipSync('a=1&_method=GET'), 'gzip', 'application/x-www-form-urlencoded');
    expect(code(() => normalizeRequest(downgrade, config))).toBe('ERR_METHOD_OVERRIDE_DOWNGRADE');
  });
  it('leaves the execution token bound to the bytes as sent', () => {
    const a = encoded(gzipSync(json, { level: 1 }), 'gzip');
    const b = encoded(gzipSync(json, { level: 9 }), 'gzip');
    expect(Buffer.from(a.body).equals(Buffer.from(b.body))).toBe(false);
    expect(actionHash(a, normalizeRequest(a, config), boundParts(a, { subject: '' }))).not.toBe(
      actionHash(b, normalizeRequest(b, config), boundParts(b, { subject: '' })),
    );
  });
});
