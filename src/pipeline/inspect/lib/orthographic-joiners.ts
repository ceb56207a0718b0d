/**
 * Zero-width joiners that are spelling, not hiding. Persian, Urdu, Kurdish and the Indic scripts write the
 * zero-width non-joiner (U+200C) and joiner (U+200D) inside ordinary words ("فشرده‌سازی", "क्‍ष"): between two
 * letters of such a script they choose a letter form. Counted as hidden characters, every such sentence read as
 * evasion.
 */

// SECURITY: one character class each side, no quantifiers: linear in the text.
/** A joiner between two letters (or marks) of the Arabic or an Indic/Sinhala script block. */
const ORTHOGRAPHIC_JOINER =
  /(?<=[\u0900-\u0dff\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufefc])(?:\u200c|\u200d)(?=[\u0900-\u0dff\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufefc])/g;

/** How many zero-width joiners in `text` sit between two letters of a script that spells with them. */
export function orthographicJoiners(text: string): number {
  if (!text.includes('\u200c') && !text.includes('\u200d')) return 0;
  return text.match(ORTHOGRAPHIC_JOINER)?.length ?? 0;
}
