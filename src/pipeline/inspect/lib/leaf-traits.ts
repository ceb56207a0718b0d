/**
 * Per-leaf character classes and word sets, computed once per request and shared by every inspector, so each
 * can skip the regexes a leaf cannot match (prose has no pipe, brace, dollar or parenthesis, and none of the
 * keywords an injection needs).
 */
import type { InspectionInput } from '../inspector.js';

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

/** The shortest run the decoders and token formats look at. */
const RUN = 16;

const TABLE = new Uint16Array(128);
/** Per ASCII code: 1 = base64 char, 2 = hex digit, 4 = token char. */
const RUNS = new Uint8Array(128);
for (const [chars, bit] of [
  ['\'"`', QUOTE],
  [';&|', CONTROL],
  ['()', PAREN],
  ['{}[]', BRACKET],
  ['$', DOLLAR],
  ['<>=!@#*^~', SYMBOL],
  ['/\\', SLASH],
  ['%', PERCENT],
  ['-', DASH],
  [':', COLON],
  ['0123456789', DIGIT],
] as const) {
  for (const ch of chars) TABLE[ch.charCodeAt(0)] = bit;
}
for (let c = 0; c < 32; c++) TABLE[c] = CONTROL_CHAR;
TABLE[127] = CONTROL_CHAR;
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  const alnum = /[A-Za-z0-9]/.test(ch);
  RUNS[c] =
    (alnum || '+/_-'.includes(ch) ? 1 : 0) |
    (/[0-9A-Fa-f]/.test(ch) ? 2 : 0) |
    (alnum || '_+/=.~-'.includes(ch) ? 4 : 0);
}

/** The character classes present in a text, as a bit mask of the constants above. One pass, no allocation. */
export function traitsOf(text: string): number {
  let mask = 0;
  let b64 = 0;
  let hex = 0;
  let token = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128) {
      mask |= NON_ASCII;
      b64 = hex = token = 0;
      continue;
    }
    mask |= TABLE[c]!;
    const r = RUNS[c]!;
    b64 = r & 1 ? b64 + 1 : 0;
    hex = r & 2 ? hex + 1 : 0;
    token = r & 4 ? token + 1 : 0;
    if (b64 >= RUN) mask |= B64_RUN;
    if (hex >= RUN) mask |= HEX_RUN;
    if (token >= RUN) mask |= TOKEN_RUN;
  }
  return mask;
}

/**
 * A word's key: FNV-1a over its ASCII letters folded to lower case, kept in 30 bits (a small integer). Words
 * are maximal runs of `[A-Za-z0-9_]`, exactly what a regex `\b` (without the `u` flag) separates, so
 * `words.has(wordKey('union'))` holds whenever `/\bunion\b/i` matches. A collision only makes a gate open
 * where it could have stayed shut; the regex behind it still decides.
 */
export function wordKey(word: string): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < word.length; i++) {
    let c = word.charCodeAt(i);
    if (c >= 65 && c <= 90) c |= 32;
    h = Math.imul(h ^ c, 16777619);
  }
  return h & 0x3fffffff;
}

/** The keys of every word in a text, in one pass with no string allocation. */
export function wordsOf(text: string): Set<number> {
  const out = new Set<number>();
  let h = 0x811c9dc5 | 0;
  let inWord = false;
  for (let i = 0; i <= text.length; i++) {
    let c = i < text.length ? text.charCodeAt(i) : 32;
    const word = (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || (c >= 65 && c <= 90);
    if (word) {
      if (c <= 90 && c >= 65) c |= 32;
      if (!inWord) {
        h = 0x811c9dc5 | 0;
        inWord = true;
      }
      h = Math.imul(h ^ c, 16777619);
    } else if (inWord) {
      out.add(h & 0x3fffffff);
      inWord = false;
    }
  }
  return out;
}

/** Word keys for a list of words, built once at load (a constant table, not state). */
export function wordKeys(words: string): readonly number[] {
  return words.split(' ').map(wordKey);
}

/** True when any of `keys` is in `words`. */
export function hasAnyWord(words: ReadonlySet<number>, keys: readonly number[]): boolean {
  for (const k of keys) if (words.has(k)) return true;
  return false;
}

/** Per-request views of the leaves, filled lazily on first use by any inspector. */
export interface LeafViews {
  words(i: number): ReadonlySet<number>;
}

/**
 * Builds the per-request views for `inspectAction`. The caches live in a closure, not on the object, so a
 * frozen input still fills them, and nothing outlives the request.
 */
export function makeLeafViews(leaves: readonly { readonly value: string }[]): LeafViews {
  const words: (Set<number> | undefined)[] = new Array<Set<number> | undefined>(leaves.length);
  return {
    words(i: number): ReadonlySet<number> {
      let w = words[i];
      if (w === undefined) {
        w = wordsOf(leaves[i]?.value ?? '');
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

/** The word keys of leaf `i`: from the per-request views when present, else computed here. */
export function leafWords(input: InspectionInput, i: number): ReadonlySet<number> {
  return input.views?.words(i) ?? wordsOf(input.leaves[i]?.value ?? '');
}
