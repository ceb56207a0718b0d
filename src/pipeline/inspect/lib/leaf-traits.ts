/**
 * Per-leaf character classes, computed once per request in one pass and shared by every inspector, so each can
 * skip the regexes a leaf cannot match (prose has no pipe, brace, dollar or parenthesis).
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

const TABLE = new Uint16Array(128);
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

/** The character classes present in a text, as a bit mask of the constants above. */
export function traitsOf(text: string): number {
  let mask = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    mask |= c < 128 ? (TABLE[c] ?? 0) : NON_ASCII;
  }
  return mask;
}

/** The traits of leaf `i`: from the per-request array when `inspectAction` computed it, else computed here. */
export function leafTraits(input: InspectionInput, i: number): number {
  const cached = input.traits?.[i];
  return cached ?? traitsOf(input.leaves[i]?.value ?? '');
}
