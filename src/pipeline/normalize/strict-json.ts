/**
 * A strict JSON parser. SECURITY: writ inspects what it parsed while the tool executes what it parses;
 * any leniency one side has and the other lacks (duplicate keys, lone surrogates, lossy big integers)
 * lets the inspected request differ from the executed one, so all of them are rejected.
 */
import { WritError } from '../errors.js';
import { INSPECTION_LIMITS, inspectionLimit } from '../model/inspection-limits.js';
import type { JsonObject, JsonValue } from '../model/json.js';

/** The deepest nesting accepted; deeper input is rejected, never truncated (the inspectors cover all of it). */
export const MAX_JSON_DEPTH = INSPECTION_LIMITS.maxDepth;
/** The most values and keys one document may hold: the bound the leaf collector counts the same way. */
const MAX_NODES = INSPECTION_LIMITS.maxNodes;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Decodes bytes as UTF-8, rejecting invalid sequences instead of replacing them. */
export function decodeUtf8Strict(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new WritError('ERR_BODY_INVALID_UTF8', 'body is not valid UTF-8');
  }
}

/** Parses JSON text strictly; throws WritError with a specific code on anything ambiguous. */
export function parseStrictJson(text: string): JsonValue {
  const parser = new Parser(text);
  parser.skipWhitespace();
  const value = parser.parseValue(0);
  parser.skipWhitespace();
  if (parser.pos !== text.length) parser.fail('unexpected data after the JSON value');
  return value;
}

const HEX4 = /^[0-9a-fA-F]{4}$/;
/** A character JSON forbids raw inside a string. */
// eslint-disable-next-line no-control-regex -- exactly the characters JSON forbids raw in a string
const RAW_CONTROL = /[\u0000-\u001f]/;
/**
 * Strings are read a character at a time up to this length; a longer one is found with native scans, which
 * cost a fixed overhead but are several times cheaper per character (a 16 KiB tool result is one string).
 */
const CHAR_SCAN_LIMIT = 64;

/** No lone UTF-16 surrogate (String.prototype.isWellFormed, in Node since 20; TypeScript's lib is ES2023). */
const wellFormed = (s: string): boolean => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

/**
 * An empty object without a prototype, so a "__proto__" key is data, never a prototype switch. Made from
 * `{}` rather than Object.create(null), which V8 keeps in slow dictionary mode for every later access.
 */
function nullProtoObject(): JsonObject {
  const obj: JsonObject = {};
  Object.setPrototypeOf(obj, null);
  return obj;
}

class Parser {
  pos = 0;
  /** Values and object keys read so far (see INSPECTION_LIMITS.maxNodes). */
  private nodes = 0;
  constructor(private readonly text: string) {}

  fail(reason: string): never {
    throw new WritError('ERR_BODY_INVALID_JSON', `invalid JSON at offset ${this.pos}: ${reason}`);
  }

  skipWhitespace(): void {
    const t = this.text;
    let i = this.pos;
    while (i < t.length) {
      const c = t.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
    this.pos = i;
  }

  parseValue(depth: number): JsonValue {
    if (depth > MAX_JSON_DEPTH) {
      throw new WritError('ERR_JSON_TOO_DEEP', `JSON nests deeper than ${MAX_JSON_DEPTH} levels`);
    }
    this.countNode();
    const c = this.text.charCodeAt(this.pos);
    switch (c) {
      case 0x7b: // {
        return this.parseObject(depth);
      case 0x5b: // [
        return this.parseArray(depth);
      case 0x22: // "
        return this.parseString();
      case 0x74: // t
        return this.parseLiteral('true', true);
      case 0x66: // f
        return this.parseLiteral('false', false);
      case 0x6e: // n
        return this.parseLiteral('null', null);
      default:
        if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.parseNumber();
        return this.fail(Number.isNaN(c) ? 'unexpected end of input' : 'unexpected character');
    }
  }

  /** SECURITY: a document larger than inspection covers is refused here, before any more of it is built. */
  countNode(): void {
    if (++this.nodes > MAX_NODES)
      throw inspectionLimit(`JSON holds more than ${MAX_NODES} values and keys (offset ${this.pos})`);
  }

  parseLiteral<T extends JsonValue>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.pos)) this.fail(`expected "${word}"`);
    this.pos += word.length;
    return value;
  }

  parseObject(depth: number): JsonObject {
    const t = this.text;
    const obj = nullProtoObject();
    this.pos++;
    this.skipWhitespace();
    if (t.charCodeAt(this.pos) === 0x7d) {
      this.pos++;
      return obj;
    }
    for (;;) {
      if (t.charCodeAt(this.pos) !== 0x22) this.fail('expected a string key');
      const keyStart = this.pos;
      this.countNode();
      const key = this.parseString();
      if (Object.hasOwn(obj, key)) {
        this.pos = keyStart;
        throw new WritError(
          'ERR_JSON_DUPLICATE_KEY',
          `duplicate key ${JSON.stringify(key.slice(0, 64))} at offset ${keyStart}`,
        );
      }
      this.skipWhitespace();
      if (t.charCodeAt(this.pos) !== 0x3a) this.fail('expected ":"');
      this.pos++;
      this.skipWhitespace();
      obj[key] = this.parseValue(depth + 1);
      this.skipWhitespace();
      const c = t.charCodeAt(this.pos);
      this.pos++;
      if (c === 0x7d) return obj;
      if (c !== 0x2c) this.fail('expected "," or "}"');
      this.skipWhitespace();
    }
  }

  parseArray(depth: number): JsonValue[] {
    const t = this.text;
    const arr: JsonValue[] = [];
    this.pos++;
    this.skipWhitespace();
    if (t.charCodeAt(this.pos) === 0x5d) {
      this.pos++;
      return arr;
    }
    for (;;) {
      arr.push(this.parseValue(depth + 1));
      this.skipWhitespace();
      const c = t.charCodeAt(this.pos);
      this.pos++;
      if (c === 0x5d) return arr;
      if (c !== 0x2c) this.fail('expected "," or "]"');
      this.skipWhitespace();
    }
  }

  parseString(): string {
    const t = this.text;
    let i = this.pos + 1;
    // Keys and short values without an escape: one pass, character by character, one slice.
    const shortEnd = Math.min(t.length, i + CHAR_SCAN_LIMIT);
    for (; i < shortEnd; i++) {
      const c = t.charCodeAt(i);
      if (c === 0x22) {
        const s = t.slice(this.pos + 1, i);
        this.pos = i + 1;
        return s;
      }
      if (c === 0x5c) break;
      if (c < 0x20) {
        this.pos = i;
        this.fail('unterminated string or raw control character');
      }
    }
    // A long string, or one with an escape: native scans, or the character loop where they cannot decide.
    return this.parseLongString(i) ?? this.parseStringByChars();
  }

  /**
   * A long string read with native scans (indexOf, one regular expression, JSON.parse) instead of a loop
   * over its characters; `from` is where the character loop stopped. Undefined when the string is not
   * plainly valid (unterminated, a raw control character, a bad escape, a surrogate that is not paired):
   * the character loop then reads it again and fails, or accepts, exactly as it always did.
   */
  parseLongString(from: number): string | undefined {
    const t = this.text;
    const start = this.pos;
    // The closing quote is the first one after an even number of backslashes.
    let q = t.indexOf('"', from);
    for (;;) {
      if (q === -1) return undefined;
      let b = q - 1;
      while (t.charCodeAt(b) === 0x5c) b--;
      if ((q - 1 - b) % 2 === 0) break;
      q = t.indexOf('"', q + 1);
    }
    const body = t.slice(start + 1, q);
    if (RAW_CONTROL.test(body)) return undefined;
    let s = body;
    if (body.includes('\\')) {
      // JSON.parse decodes the same escapes as parseEscapedString, but lets a lone surrogate escape through;
      // the text's own characters being well formed, a lone surrogate in the result came from an escape.
      if (!wellFormed(body)) return undefined;
      try {
        s = JSON.parse(t.slice(start, q + 1)) as string;
      } catch {
        return undefined;
      }
      if (!wellFormed(s)) return undefined;
    }
    this.pos = q + 1;
    return s;
  }

  /** A string read character by character, escapes decoded one at a time: the reference reading. */
  parseStringByChars(): string {
    const t = this.text;
    let i = this.pos + 1;
    for (;;) {
      const c = t.charCodeAt(i);
      if (c === 0x22) {
        const s = t.slice(this.pos + 1, i);
        this.pos = i + 1;
        return s;
      }
      if (c === 0x5c) break;
      if (c < 0x20 || Number.isNaN(c)) {
        this.pos = i;
        this.fail('unterminated string or raw control character');
      }
      i++;
    }
    const prefix = t.slice(this.pos + 1, i);
    this.pos = i;
    return this.parseEscapedString(prefix);
  }

  /** The rest of a string from its first backslash; unescaped runs are copied a slice at a time. */
  parseEscapedString(prefix: string): string {
    const t = this.text;
    let out = prefix;
    for (;;) {
      // An unescaped run up to the next quote, backslash or control character.
      let i = this.pos;
      let c = t.charCodeAt(i);
      while (c !== 0x22 && c !== 0x5c && c >= 0x20) c = t.charCodeAt(++i);
      if (i > this.pos) {
        out += t.slice(this.pos, i);
        this.pos = i;
      }
      if (c === 0x22) {
        this.pos++;
        return out;
      }
      if (c !== 0x5c) this.fail('unterminated string or raw control character');
      const e = t[this.pos + 1];
      this.pos += 2;
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out += e;
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          const unit = this.readHex4();
          if (unit >= 0xd800 && unit <= 0xdbff) {
            // A high surrogate must be followed by an escaped low surrogate.
            if (t[this.pos] !== '\\' || t[this.pos + 1] !== 'u') this.loneSurrogate();
            this.pos += 2;
            const low = this.readHex4();
            if (low < 0xdc00 || low > 0xdfff) this.loneSurrogate();
            out += String.fromCharCode(unit, low);
          } else if (unit >= 0xdc00 && unit <= 0xdfff) {
            this.loneSurrogate();
          } else {
            out += String.fromCharCode(unit);
          }
          break;
        }
        default:
          this.pos -= 2;
          this.fail('invalid escape');
      }
    }
  }

  loneSurrogate(): never {
    throw new WritError('ERR_JSON_LONE_SURROGATE', `lone UTF-16 surrogate escape near offset ${this.pos}`);
  }

  readHex4(): number {
    const hex = this.text.slice(this.pos, this.pos + 4);
    if (!HEX4.test(hex)) this.fail('invalid \\u escape');
    this.pos += 4;
    return parseInt(hex, 16);
  }

  parseNumber(): number {
    const t = this.text;
    const start = this.pos;
    if (t.charCodeAt(this.pos) === 0x2d) this.pos++;
    if (t.charCodeAt(this.pos) === 0x30) this.pos++;
    else if (this.isDigit()) while (this.isDigit()) this.pos++;
    else this.fail('invalid number');
    let integer = true;
    if (t.charCodeAt(this.pos) === 0x2e) {
      integer = false;
      this.pos++;
      if (!this.isDigit()) this.fail('invalid number');
      while (this.isDigit()) this.pos++;
    }
    const e = t.charCodeAt(this.pos);
    if (e === 0x65 || e === 0x45) {
      integer = false;
      this.pos++;
      const sign = t.charCodeAt(this.pos);
      if (sign === 0x2b || sign === 0x2d) this.pos++;
      if (!this.isDigit()) this.fail('invalid number');
      while (this.isDigit()) this.pos++;
    }
    const value = Number(t.slice(start, this.pos));
    if ((integer && !Number.isSafeInteger(value)) || !Number.isFinite(value)) {
      throw new WritError('ERR_JSON_UNSAFE_INTEGER', `number at offset ${start} is beyond exact range`);
    }
    return value;
  }

  isDigit(): boolean {
    const c = this.text.charCodeAt(this.pos);
    return c >= 0x30 && c <= 0x39;
  }
}
