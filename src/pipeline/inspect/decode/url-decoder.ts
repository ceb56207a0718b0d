/** URL (percent) decoding, lenient: `%XX` as UTF-8 when valid, else Latin-1, plus `%uXXXX` and `+` as space. */
import { NO_PARTS, type Decoder, type DecodedPart } from './decoder.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

function percentDecode(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '%' && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
      const bytes: number[] = [];
      let j = i;
      while (text[j] === '%' && /^[0-9a-fA-F]{2}$/.test(text.slice(j + 1, j + 3))) {
        bytes.push(parseInt(text.slice(j + 1, j + 3), 16));
        j += 3;
      }
      try {
        out += utf8.decode(Uint8Array.from(bytes));
      } catch {
        // Overlong or invalid UTF-8 (`%c0%ae`): keep bytes as Latin-1 so other checks still see them.
        // In chunks: one spread of a long run would overflow the call stack; every byte is kept.
        for (let k = 0; k < bytes.length; k += 8192) out += String.fromCharCode(...bytes.slice(k, k + 8192));
      }
      i = j;
    } else if (
      c === '%' &&
      (text[i + 1] === 'u' || text[i + 1] === 'U') &&
      /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))
    ) {
      out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
      i += 6;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

// Module constants: a regex literal inside a function allocates a new RegExp each time it runs.
const PERCENT_ESCAPE = /%[0-9a-fA-F]{2}|%u[0-9a-fA-F]{4}/i;
const PLUSES = /\+/g;

/** Decodes percent escapes; `+` becomes a space when the text has no literal spaces (query-string style). */
export const urlDecoder: Decoder = {
  name: 'url',
  decode(value: string): readonly DecodedPart[] {
    if (!PERCENT_ESCAPE.test(value)) return NO_PARTS;
    const plus = !value.includes(' ') ? value.replace(PLUSES, ' ') : value;
    const decoded = percentDecode(plus);
    return decoded === value ? NO_PARTS : [{ suffix: '#url', value: decoded }];
  },
};
