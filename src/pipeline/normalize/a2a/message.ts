/**
 * The shape of an A2A message as a server reads it: its parts, each one text, a file (bytes or a URL,
 * never fetched) or structured data. A part that two servers could read differently (two contents, or
 * the v0.3 and v1.0 forms at once) is refused, so what writ inspects is what the other agent reads.
 */
import { WritError } from '../../errors.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../../model/json.js';

/** The content members of a v1.0 part: exactly one is set (proto oneof `content`). */
const V1_CONTENT = ['text', 'raw', 'url', 'data'] as const;
/** The members only the v0.3 form has. */
const V03_ONLY = ['kind', 'file'] as const;
/** v0.3 `kind` -> the member that holds its content. */
const V03_CONTENT: Readonly<Record<string, string>> = { text: 'text', file: 'file', data: 'data' };

function invalid(message: string): WritError {
  return new WritError('ERR_A2A_INVALID', message);
}

function present(o: JsonObject, key: string): boolean {
  return Object.hasOwn(o, key) && o[key] !== undefined;
}

function checkV1Part(part: JsonObject, at: string): void {
  for (const k of V03_ONLY)
    if (present(part, k)) throw invalid(`${at} mixes the v0.3 member "${k}" into a v1.0 part`);
  const contents = V1_CONTENT.filter((k) => present(part, k));
  if (contents.length !== 1)
    throw invalid(`${at} must carry exactly one of text, raw, url, data (has ${contents.length})`);
  const kind = contents[0]!;
  if (kind !== 'data' && typeof part[kind] !== 'string') throw invalid(`${at}.${kind} must be a string`);
}

function checkV03Part(part: JsonObject, at: string): void {
  const kind = part['kind'];
  if (typeof kind !== 'string' || !Object.hasOwn(V03_CONTENT, kind))
    throw invalid(`${at}.kind must be "text", "file" or "data"`);
  const member = V03_CONTENT[kind]!;
  for (const other of ['text', 'file', 'data', 'raw', 'url'])
    if (other !== member && present(part, other))
      throw invalid(`${at} of kind "${kind}" also carries "${other}"`);
  const content = part[member];
  if (member === 'text' && typeof content !== 'string') throw invalid(`${at}.text must be a string`);
  if (member === 'data' && !isJsonObject(content)) throw invalid(`${at}.data must be an object`);
  if (member === 'file') {
    if (!isJsonObject(content)) throw invalid(`${at}.file must be an object`);
    const has = ['bytes', 'uri'].filter((k) => present(content, k));
    if (has.length !== 1) throw invalid(`${at}.file must carry exactly one of bytes, uri`);
    if (typeof content[has[0]!] !== 'string') throw invalid(`${at}.file.${has[0]!} must be a string`);
  }
}

/** Checks the parts of a list (a message's or an artifact's); `v03` selects the form the method implies. */
export function checkParts(parts: JsonValue | undefined, at: string, v03: boolean): void {
  if (!Array.isArray(parts) || parts.length === 0) throw invalid(`${at} must be a non-empty list of parts`);
  parts.forEach((part, i) => {
    const where = `${at}[${i}]`;
    if (!isJsonObject(part)) throw invalid(`${where} must be an object`);
    if (v03) checkV03Part(part, where);
    else checkV1Part(part, where);
  });
}

/** Checks `params.message` of a send: an object whose parts each read one way. */
export function checkMessage(message: JsonValue | undefined, v03: boolean): void {
  if (!isJsonObject(message)) throw invalid('params.message must be an object');
  checkParts(message['parts'], 'params.message.parts', v03);
}
