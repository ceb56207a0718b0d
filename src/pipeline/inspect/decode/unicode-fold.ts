/** Unicode folding: reveal tag-character text, strip invisible and bidi controls, NFKC, map confusable homoglyphs. */
import { CONFUSABLE_CHUNKS } from './confusables-map.js';
import { NO_PARTS, type Decoder, type DecodedPart } from './decoder.js';
import { INVISIBLE_FORMAT_CHARS, TAG_CHARS } from '../../model/invisible-chars.js';

function buildTable(): ReadonlyMap<number, string> {
  const table = new Map<number, string>();
  for (const chunk of CONFUSABLE_CHUNKS) {
    for (const pair of chunk.split(' ')) {
      const colon = pair.indexOf(':');
      table.set(parseInt(pair.slice(0, colon), 16), pair.slice(colon + 1));
    }
  }
  return table;
}

// INVARIANT: built once at module load from constant data and never mutated (a frozen lookup, not state).
const CONFUSABLES: ReadonlyMap<number, string> = buildTable();

/** The folded form of a text (or the same text when nothing changes). */
export function foldUnicode(value: string): string {
  // Tag characters spell ASCII invisibly ("ASCII smuggling"): show what they say.
  let text = value.replace(TAG_CHARS, (pair) => {
    const cp = pair.codePointAt(0) ?? 0;
    const ascii = cp - 0xe0000;
    return ascii >= 0x20 && ascii < 0x7f ? String.fromCharCode(ascii) : '';
  });
  text = text.replace(INVISIBLE_FORMAT_CHARS, '').normalize('NFKC');
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    out += cp < 0x80 ? ch : (CONFUSABLES.get(cp) ?? ch);
  }
  return out;
}

// A module constant: a regex literal inside a function allocates a new RegExp each time it runs.
// eslint-disable-next-line no-control-regex
const NON_ASCII_CHAR = /[^\x00-\x7f]/;

/** Folds unicode tricks so keyword checks see `ignore` in `іgnоre` and in tag-character text. */
export const unicodeFoldDecoder: Decoder = {
  name: 'unicode',
  decode(value: string): readonly DecodedPart[] {
    if (!NON_ASCII_CHAR.test(value)) return NO_PARTS;
    const folded = foldUnicode(value);
    return folded === value ? NO_PARTS : [{ suffix: '#unicode', value: folded }];
  },
};
