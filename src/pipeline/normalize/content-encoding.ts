/**
 * Writ's one decompressor: a body as its reader sees it once `Content-Encoding` is undone. Envoy hands
 * ext_authz the bytes as sent, so a gzip body would otherwise be inspected as opaque binary and pass
 * unseen; the response role reads an MCP tool list the same way. Decoding is bounded (a small gzip can
 * expand to gigabytes) and an encoding writ cannot undo is refused, never waved through. The execution
 * token still binds the bytes as sent.
 */
import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import { WritError } from '../errors.js';
import type { RawRequest } from '../model/raw-request.js';

type Decode = (bytes: Uint8Array, limit: number) => Buffer;

const DECODERS: Readonly<Record<string, Decode>> = {
  gzip: (b, limit) => gunzipSync(b, { maxOutputLength: limit }),
  'x-gzip': (b, limit) => gunzipSync(b, { maxOutputLength: limit }),
  br: (b, limit) => brotliDecompressSync(b, { maxOutputLength: limit }),
  // RFC 9110 "deflate" is the zlib format; some clients send raw DEFLATE, which servers also accept.
  deflate: (b, limit) => {
    try {
      return inflateSync(b, { maxOutputLength: limit });
    } catch (err) {
      if (err instanceof RangeError) throw err;
      return inflateRawSync(b, { maxOutputLength: limit });
    }
  },
};

/** The listed codings, outermost last, lower-cased; empty for none or `identity`. */
export function contentCodings(raw: RawRequest): string[] {
  return parseContentCodings(raw.headers['content-encoding']);
}

/** The codings a `Content-Encoding` value lists, outermost last, lower-cased; empty for none or `identity`. */
export function parseContentCodings(header: string | undefined): string[] {
  if (header === undefined) return [];
  return header
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');
}

/** The decoded body bytes, at most `limit` of them. Throws WritError when they cannot be decoded. */
export function decodedBody(raw: RawRequest, limit: number): Uint8Array {
  return decodeContent(raw.body, contentCodings(raw), limit);
}

/**
 * `body` with `codings` undone (as `parseContentCodings` lists them), at most `limit` bytes. Throws
 * WritError (ERR_BAD_REQUEST, ERR_BODY_TOO_LARGE) when they cannot be undone.
 */
export function decodeContent(body: Uint8Array, codings: readonly string[], limit: number): Uint8Array {
  if (codings.length === 0 || body.length === 0) return body;
  let bytes: Uint8Array = body;
  // Codings are listed in the order they were applied, so they are undone from the last.
  for (let i = codings.length - 1; i >= 0; i--) {
    const coding = codings[i]!;
    const decode = DECODERS[coding];
    if (decode === undefined)
      throw new WritError('ERR_BAD_REQUEST', `content-encoding "${coding.slice(0, 32)}" cannot be inspected`);
    try {
      bytes = decode(bytes, limit);
    } catch (err) {
      if (err instanceof RangeError)
        throw new WritError('ERR_BODY_TOO_LARGE', `the ${coding}-decoded body is larger than ${limit} bytes`);
      throw new WritError('ERR_BAD_REQUEST', `the body does not decode as ${coding}`);
    }
  }
  return bytes;
}
