/** Unicode folding: reveal tag-character text, strip invisible and bidi controls, NFKC, map confusable homoglyphs. */
import { CONFUSABLE_CHUNKS } from './confusables-map.js';
import { NO_PARTS, type Decoder, type DecodedPart } from './decoder.js';

/** Zero-width, bidi and other format characters that hide or reorder text. */
// Listing combining format characters one by one is the point here, not a mistake.
const INVISIBLE =
  // eslint-disable-next-line no-misleading-character-class
  /[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0]/g;
/** Unicode tag characters (U+E0000-E007F), written as surrogate pairs. */
const TAGS = /\udb40[\udc00-\udc7f]/g;

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
  let text = value.replace(TAGS, (pair) => {
    const cp = pair.codePointAt(0) ?? 0;
    const ascii = cp - 0xe0000;
    return ascii >= 0x20 && ascii < 0x7f ? String.fromCharCode(ascii) : '';
  });
  text = text.replace(INVISIBLE, '').normalize('NFKC');
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
