/**
 * `multipart/form-data` (RFC 7578) read into its fields, so each part is inspected under its own name like a
 * form field: `{name: text}`, a repeated name as a list. Parts whose bytes are not UTF-8 (binary files) are
 * left out. Anything this strict reader does not understand returns null, and the caller falls back to
 * reading the body as one text, as for any other type.
 */
import type { JsonValue } from '../model/json.js';

const MAX_PARTS = 1_000;
const BOUNDARY_PARAM = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;"]{1,70}))/i;
const NAME_PARAM = /;\s*name="([^"]*)"/i;
const FORM_DATA = /^\s*form-data\s*(?:;|$)/i;
const CRLF_CRLF = Buffer.from('\r\n\r\n');
const utf8 = new TextDecoder('utf-8', { fatal: true });

function textOf(bytes: Uint8Array): string | null {
  try {
    return utf8.decode(bytes);
  } catch {
    return null;
  }
}

/** The part's field name from its Content-Disposition header, or null when it has none. */
function fieldName(headerBlock: string): string | null {
  for (const line of headerBlock.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon === -1) return null;
    if (line.slice(0, colon).trim().toLowerCase() !== 'content-disposition') continue;
    const value = line.slice(colon + 1);
    if (!FORM_DATA.test(value)) return null;
    return NAME_PARAM.exec(value)?.[1] ?? null;
  }
  return null;
}

/** The fields of a multipart body, or null when it is not one this reader can take apart with certainty. */
export function parseMultipart(body: Uint8Array, contentTypeHeader: string): JsonValue | null {
  const b = BOUNDARY_PARAM.exec(contentTypeHeader);
  const boundary = b?.[1] ?? b?.[2];
  if (boundary === undefined) return null;
  const bytes = Buffer.from(body.buffer, body.byteOffset, body.length);
  const delimiter = Buffer.from(`--${boundary}`, 'latin1');
  const between = Buffer.from(`\r\n--${boundary}`, 'latin1');
  // The first delimiter opens the body (a preamble before it is allowed and ignored).
  let at = bytes.subarray(0, delimiter.length).equals(delimiter) ? 0 : bytes.indexOf(between);
  if (at === -1) return null;
  at += at === 0 ? delimiter.length : between.length;
  const out = Object.create(null) as Record<string, string | string[]>;
  for (let parts = 0; parts < MAX_PARTS; parts++) {
    // After a delimiter: `--` closes the body, CRLF opens a part.
    if (bytes[at] === 0x2d && bytes[at + 1] === 0x2d) return out;
    if (bytes[at] !== 0x0d || bytes[at + 1] !== 0x0a) return null;
    const headersStart = at + 2;
    const headersEnd = bytes.indexOf(CRLF_CRLF, headersStart);
    if (headersEnd === -1) return null;
    const next = bytes.indexOf(between, headersEnd + 4);
    if (next === -1) return null;
    const name = fieldName(bytes.toString('latin1', headersStart, headersEnd));
    if (name === null) return null;
    const text = textOf(bytes.subarray(headersEnd + 4, next));
    if (text !== null) {
      const seen = out[name];
      if (seen === undefined) out[name] = text;
      else if (typeof seen === 'string') out[name] = [seen, text];
      else seen.push(text);
    }
    at = next + between.length;
  }
  return null;
}
