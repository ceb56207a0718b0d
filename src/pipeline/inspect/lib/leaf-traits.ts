/**
 * Per-leaf character classes and word sets, computed once per request and shared by every inspector, so each
 * can skip the regexes a leaf cannot match (prose has no pipe, brace, dollar or parenthesis, and none of the
 * keywords an injection needs).
 */
import type { InspectionInput } from '../inspector.js';
import { unreadWords, type WordBits, type WordVocabulary } from './word-gates.js';

export { gateWords, hasAnyWord, holdsNoWordOf, type GateWords, type WordBits } from './word-gates.js';

/** `'` `"` or a backtick. */
export const QUOTE = 1;
/** `;` `&` `|`: shell control operators. */
export const CONTROL = 2;
/** `(` or `)`. */
export const PAREN = 4;
/** `{` `}` `[` `]`. */
export const BRACKET = 8;
/** `$`. */
export const DOLLAR = 16;
/** `<` `>` `=` `!` `@` `#` `*` `^` `~`: comparison, variable and comment characters. */
export const SYMBOL = 32;
/** `/` or `\`. */
export const SLASH = 64;
/** `%`. */
export const PERCENT = 128;
/** `-`. */
export const DASH = 256;
/** `:`. */
export const COLON = 512;
/** A line break or another control character. */
export const CONTROL_CHAR = 1024;
/** Any character outside ASCII. */
export const NON_ASCII = 2048;
/** A digit. */
export const DIGIT = 4096;
/** A run of 16+ base64/base64url characters (`[A-Za-z0-9+/_-]`): what the base64 decoder needs. */
export const B64_RUN = 8192;
/** A run of 16+ hex digits: what the hex decoder needs. */
export const HEX_RUN = 16384;
/** A run of 16+ token characters (`[A-Za-z0-9_+/=.~-]`): every provider token format needs one. */
export const TOKEN_RUN = 32768;
/** `.`. */
export const DOT = 65536;
/** An ASCII upper-case letter. */
export const UPPER = 131072;
/** A backslash (also counted in SLASH). */
export const BACKSLASH = 262144;
/** `@`, `#` (also counted in SYMBOL). */
export const AT_OR_HASH = 524288;

/** The shortest run the decoders and token formats look at. */
const RUN = 16;

/** Per ASCII code: the class bits above, plus the run-class flags below (bits 24-26). */
const TABLE = new Int32Array(128);
const IN_B64 = 1 << 24;
const IN_HEX = 1 << 25;
const IN_TOKEN = 1 << 26;
const CLASS_BITS = (1 << 24) - 1;
for (const [chars, bit] of [
  ['\'"`', QUOTE],
  [';&|', CONTROL],
  ['()', PAREN],
  ['{}[]', BRACKET],
  ['$', DOLLAR],
  ['<>=!@#*^~', SYMBOL],
  ['@#', AT_OR_HASH],
  ['/\\', SLASH],
  ['\\', BACKSLASH],
  ['%', PERCENT],
  ['-', DASH],
  [':', COLON],
  ['.', DOT],
  ['0123456789', DIGIT],
  ['ABCDEFGHIJKLMNOPQRSTUVWXYZ', UPPER],
] as const) {
  for (const ch of chars) TABLE[ch.charCodeAt(0)]! |= bit;
}
for (let c = 0; c < 32; c++) TABLE[c] = CONTROL_CHAR;
TABLE[127] = CONTROL_CHAR;
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  const alnum = /[A-Za-z0-9]/.test(ch);
  TABLE[c]! |=
    (alnum || '+/_-'.includes(ch) ? IN_B64 : 0) |
    (/[0-9A-Fa-f]/.test(ch) ? IN_HEX : 0) |
    (alnum || '_+/=.~-'.includes(ch) ? IN_TOKEN : 0);
}

/** The character classes present in a text, as a bit mask of the constants above. One pass, no allocation. */
export function traitsOf(text: string): number {
  let mask = 0;
  let b64 = 0;
  let hex = 0;
  let token = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128) {
      mask |= NON_ASCII;
      b64 = hex = token = 0;
      continue;
    }
    const t = TABLE[c]!;
    mask |= t;
    // Each run counter resets on a character outside its class; reaching RUN sets its bit for good.
    if ((t & IN_B64) !== 0) {
      if (++b64 === RUN) mask |= B64_RUN;
    } else b64 = 0;
    if ((t & IN_HEX) !== 0) {
      if (++hex === RUN) mask |= HEX_RUN;
    } else hex = 0;
    if ((t & IN_TOKEN) !== 0) {
      if (++token === RUN) mask |= TOKEN_RUN;
    } else token = 0;
  }
  return mask & CLASS_BITS;
}

/** Per-request views of the leaves, filled lazily on first use by any inspector. */
export interface LeafViews {
  words(i: number): WordBits;
}

/**
 * Builds the per-request views for `inspectAction`, reading words with the registry's vocabulary (null: every
 * gate is answered from the text). The caches live in a closure, not on the object, so a frozen input still
 * fills them, and nothing outlives the request.
 */
export function makeLeafViews(
  leaves: readonly { readonly value: string }[],
  vocabulary: WordVocabulary | null,
): LeafViews {
  const words: (WordBits | undefined)[] = new Array<WordBits | undefined>(leaves.length);
  return {
    words(i: number): WordBits {
      let w = words[i];
      if (w === undefined) {
        const text = leaves[i]?.value ?? '';
        w = vocabulary === null ? unreadWords(text) : vocabulary.wordsOf(text);
        words[i] = w;
      }
      return w;
    },
  };
}

/** The traits of leaf `i`: from the per-request array when `inspectAction` computed it, else computed here. */
export function leafTraits(input: InspectionInput, i: number): number {
  const cached = input.traits?.[i];
  return cached ?? traitsOf(input.leaves[i]?.value ?? '');
}

/** The word bits of leaf `i`: from the per-request views when present, else computed here. */
export function leafWords(input: InspectionInput, i: number): WordBits {
  return input.views?.words(i) ?? unreadWords(input.leaves[i]?.value ?? '');
}
