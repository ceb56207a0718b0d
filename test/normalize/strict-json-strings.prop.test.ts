/**
 * The strict parser's native reading of long or escaped strings (indexOf, JSON.parse) accepts, rejects and
 * decodes exactly what its character-by-character reading did: the same value, or the same error code and
 * message (offset included). The oracle is that reading as it was before, kept here unchanged.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WritError } from '../../src/pipeline/errors.js';
import { parseStrictJson } from '../../src/pipeline/normalize/strict-json.js';

/** The string reader of parseStrictJson before the native scans: the oracle (one string at offset 0). */
function referenceString(t: string): { value: string; end: number } {
  let pos = 0;
  const fail = (reason: string): never => {
    throw new WritError('ERR_BODY_INVALID_JSON', `invalid JSON at offset ${pos}: ${reason}`);
  };
  const lone = (): never => {
    throw new WritError('ERR_JSON_LONE_SURROGATE', `lone UTF-16 surrogate escape near offset ${pos}`);
  };
  const hex4 = (): number => {
    const hex = t.slice(pos, pos + 4);
    if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('invalid \\u escape');
    pos += 4;
    return parseInt(hex, 16);
  };
  let i = pos + 1;
  for (;;) {
    const c = t.charCodeAt(i);
    if (c === 0x22) return { value: t.slice(pos + 1, i), end: i + 1 };
    if (c === 0x5c) break;
    if (c < 0x20 || Number.isNaN(c)) {
      pos = i;
      fail('unterminated string or raw control character');
    }
    i++;
  }
  let out = t.slice(pos + 1, i);
  pos = i;
  for (;;) {
    let j = pos;
    let c = t.charCodeAt(j);
    while (c !== 0x22 && c !== 0x5c && c >= 0x20) c = t.charCodeAt(++j);
    if (j > pos) {
      out += t.slice(pos, j);
      pos = j;
    }
    if (c === 0x22) return { value: out, end: pos + 1 };
    if (c !== 0x5c) fail('unterminated string or raw control character');
    const e = t[pos + 1];
    pos += 2;
    const simple: Record<string, string> = {
      '"': '"',
      '\\': '\\',
      '/': '/',
      b: '\b',
      f: '\f',
      n: '\n',
      r: '\r',
      t: '\t',
    };
    if (e !== undefined && e in simple) out += simple[e];
    else if (e === 'u') {
      const unit = hex4();
      if (unit >= 0xd800 && unit <= 0xdbff) {
        if (t[pos] !== '\\' || t[pos + 1] !== 'u') lone();
        pos += 2;
        const low = hex4();
        if (low < 0xdc00 || low > 0xdfff) lone();
        out += String.fromCharCode(unit, low);
      } else if (unit >= 0xdc00 && unit <= 0xdfff) lone();
      else out += String.fromCharCode(unit);
    } else {
      pos -= 2;
      fail('invalid escape');
    }
  }
}

/** What reading `text` (one JSON string, then nothing) comes to: the value, or the error's code and message. */
function outcome(read: () => unknown): unknown {
  try {
    return { value: read() };
  } catch (err) {
    if (!(err instanceof WritError)) throw err;
    return { code: err.code, message: err.message };
  }
}

function reference(text: string): unknown {
  return outcome(() => {
    const { value } = referenceString(text);
    // The parser skips whitespace after the value before it looks for more.
    const end = text.length - text.slice(referenceString(text).end).replace(/^[ \n\r\t]+/, '').length;
    if (end !== text.length)
      throw new WritError(
        'ERR_BODY_INVALID_JSON',
        `invalid JSON at offset ${end}: unexpected data after the JSON value`,
      );
    return value;
  });
}

/** Pieces of a string literal's inside, valid or not: escapes of every kind, surrogates, quotes, controls. */
const piece = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 90 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  fc.constantFrom('\\"', '\\\\', '\\/', '\\b', '\\f', '\\n', '\\r', '\\t', '\\x', '\\', '"', '\\\\"'),
  fc.constantFrom(
    '\\u0041',
    '\\u00e9',
    '\\ud83d\\ude00',
    '\\ud83d',
    '\\ude00',
    '\\ud83d\\u0041',
    '\\uZZZZ',
    '\\u12',
  ),
  fc.constantFrom('\ud83d', '\ude00', '\ud83d\ude00', '\u0001', '\n', '\u001f', '\u007f', 'é'),
  fc.constantFrom('\\ud83d\ude00', '\ud83d\\ude00', 'a'.repeat(70), 'b'.repeat(200)),
);

describe('parseStrictJson strings, native scans against the character reader', () => {
  it('reads every literal, valid or not, as the character reader did', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), fc.boolean(), (parts, closed) => {
        const text = `"${parts.join('')}${closed ? '"' : ''}`;
        expect(outcome(() => parseStrictJson(text))).toEqual(reference(text));
      }),
      { numRuns: 3000 },
    );
  });
  it('reads a long escaped string inside a document, and the document after it, the same way', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (parts) => {
        const inner = `"${parts.join('')}"`;
        const alone = reference(inner) as { value?: string };
        const doc = `{"a":${inner},"b":[1,"x"]}`;
        const got = outcome(() => parseStrictJson(doc));
        if (alone.value === undefined) expect(got).toMatchObject({ code: expect.any(String) });
        else expect(got).toEqual({ value: { a: alone.value, b: [1, 'x'] } });
      }),
      { numRuns: 1000 },
    );
  });
  it('decodes what JSON.stringify writes, however long', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 60, maxLength: 600 }), fc.string({ maxLength: 8 }), (s, t) => {
        const v = `${s}\n${t}"\\${s}`;
        // JSON.stringify escapes a lone surrogate, which the strict parser rejects by design.
        fc.pre((v as unknown as { isWellFormed(): boolean }).isWellFormed());
        expect(parseStrictJson(JSON.stringify(v))).toBe(v);
        expect(reference(JSON.stringify(v))).toEqual({ value: v });
      }),
      { numRuns: 500 },
    );
  });
});
