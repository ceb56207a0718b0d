/** The strict JSON parser rejects every input where two parsers could disagree. */
import { describe, expect, it } from 'vitest';
import { WritError } from '../../src/pipeline/errors.js';
import {
  decodeUtf8Strict,
  MAX_JSON_DEPTH,
  parseStrictJson,
} from '../../src/pipeline/normalize/strict-json.js';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof WritError) return err.code;
    throw err;
  }
  return 'no error';
}

describe('parseStrictJson', () => {
  it('parses what JSON.parse parses, identically', () => {
    const samples = [
      '{"a":[1,2.5,-3e2,true,false,null,"x\\n\\u00e9\\ud83d\\ude00"]}',
      '[]',
      '"s"',
      '0',
      '{"a":{"b":{}}}',
      ' \t\n{ "k" : "v" } ',
    ];
    for (const s of samples) expect(parseStrictJson(s)).toEqual(JSON.parse(s));
  });
  it('rejects duplicate keys, even when escaped differently', () => {
    expect(codeOf(() => parseStrictJson('{"a":1,"a":2}'))).toBe('ERR_JSON_DUPLICATE_KEY');
    expect(codeOf(() => parseStrictJson('{"a":1,"\\u0061":2}'))).toBe('ERR_JSON_DUPLICATE_KEY');
    expect(codeOf(() => parseStrictJson('{"x":{"q":1,"q":1}}'))).toBe('ERR_JSON_DUPLICATE_KEY');
  });
  it('rejects lone surrogates', () => {
    expect(codeOf(() => parseStrictJson('"\\ud800"'))).toBe('ERR_JSON_LONE_SURROGATE');
    expect(codeOf(() => parseStrictJson('"\\udc00x"'))).toBe('ERR_JSON_LONE_SURROGATE');
    expect(codeOf(() => parseStrictJson('"\\ud800\\u0041"'))).toBe('ERR_JSON_LONE_SURROGATE');
  });
  it('rejects integers beyond 2^53 and non-finite numbers', () => {
    expect(parseStrictJson('9007199254740991')).toBe(9007199254740991);
    expect(codeOf(() => parseStrictJson('9007199254740993'))).toBe('ERR_JSON_UNSAFE_INTEGER');
    expect(codeOf(() => parseStrictJson('-9007199254740993'))).toBe('ERR_JSON_UNSAFE_INTEGER');
    expect(codeOf(() => parseStrictJson('1e400'))).toBe('ERR_JSON_UNSAFE_INTEGER');
  });
  it('rejects malformed JSON with ERR_BODY_INVALID_JSON', () => {
    for (const s of [
      '',
      '{',
      '{"a":1,}',
      '[1,]',
      "{'a':1}",
      '01',
      '1.',
      'nul',
      '"a\tb"',
      '{"a":1} x',
      '\ufeff{}',
      'NaN',
    ]) {
      expect(
        codeOf(() => parseStrictJson(s)),
        s,
      ).toBe('ERR_BODY_INVALID_JSON');
    }
  });
  it('bounds nesting depth', () => {
    expect(parseStrictJson('['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH))).toBeDefined();
    expect(
      codeOf(() => parseStrictJson('['.repeat(MAX_JSON_DEPTH + 2) + ']'.repeat(MAX_JSON_DEPTH + 2))),
    ).toBe('ERR_JSON_TOO_DEEP');
    expect(codeOf(() => parseStrictJson('['.repeat(100_000)))).toBe('ERR_JSON_TOO_DEEP');
  });
  it('keeps __proto__ as data', () => {
    const v = parseStrictJson('{"__proto__":{"polluted":true}}') as Record<string, unknown>;
    expect(Object.keys(v)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
  it('rejects invalid UTF-8 instead of replacing it', () => {
    expect(codeOf(() => decodeUtf8Strict(new Uint8Array([0x7b, 0xff, 0x7d])))).toBe('ERR_BODY_INVALID_UTF8');
    expect(codeOf(() => decodeUtf8Strict(new Uint8Array([0xed, 0xa0, 0x80])))).toBe('ERR_BODY_INVALID_UTF8');
    expect(decodeUtf8Strict(Buffer.from('héllo'))).toBe('héllo');
  });
});
