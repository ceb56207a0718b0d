/** Characters that change how text reads without showing: one definition for every place that strips them. */

/** Zero-width, bidi and other format characters that hide or reorder text (global: for `replace`). */
// Listing combining format characters one by one is the point here, not a mistake.
export const INVISIBLE_FORMAT_CHARS =
  // eslint-disable-next-line no-misleading-character-class
  /[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0]/g;

/** Unicode tag characters (U+E0000-E007F), written as surrogate pairs (global: for `replace`). */
export const TAG_CHARS = /\udb40[\udc00-\udc7f]/g;
