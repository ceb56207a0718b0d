/** HTML entity decoding: numeric (`&#60;`, `&#x3c;`, with or without `;`) and the common named entities. */
import { NO_PARTS, type Decoder, type DecodedPart } from './decoder.js';

const NAMED: Readonly<Record<string, string>> = {
  lt: '<',
  gt: '>',
  amp: '&',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  sol: '/',
  bsol: '\\',
  period: '.',
  colon: ':',
  semi: ';',
  lpar: '(',
  rpar: ')',
  lsqb: '[',
  rsqb: ']',
  lcub: '{',
  rcub: '}',
  vert: '|',
  grave: '`',
  equals: '=',
  num: '#',
  dollar: '$',
  percnt: '%',
  excl: '!',
  quest: '?',
  commat: '@',
  plus: '+',
  comma: ',',
  tab: '\t',
  newline: '\n',
};

const ENTITY = /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z]{2,8}));?/g;

function fromCode(code: number): string {
  return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff)
    ? String.fromCodePoint(code)
    : '\ufffd';
}

/** Decodes HTML character references. */
export const htmlEntityDecoder: Decoder = {
  name: 'html',
  decode(value: string): readonly DecodedPart[] {
    if (!value.includes('&')) return NO_PARTS;
    let changed = false;
    const decoded = value.replace(ENTITY, (m, dec?: string, hex?: string, name?: string) => {
      let out: string | undefined;
      if (dec !== undefined) out = fromCode(parseInt(dec, 10));
      else if (hex !== undefined) out = fromCode(parseInt(hex, 16));
      else if (name !== undefined) out = NAMED[name.toLowerCase()];
      if (out === undefined) return m;
      changed = true;
      return out;
    });
    return changed ? [{ suffix: '#html', value: decoded }] : [];
  },
};
