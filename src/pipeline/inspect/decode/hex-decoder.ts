/** Hex decoding of long hex runs (`0x` prefixed or bare, even length) that yield readable text. */
import { NO_PARTS, type Decoder, type DecodedPart } from './decoder.js';
import { bytesAsText } from './printable.js';

// PERF: starts only where a hex run begins (not inside a word), so prose is one cheap check per character.
const RUN = /(?<![0-9A-Za-z])(?:0x)?((?:[0-9a-fA-F]{2}){8,})/g;

/** Decodes hex runs that yield readable UTF-8 text (hashes and ids decode to binary and are skipped). */
export const hexDecoder: Decoder = {
  name: 'hex',
  decode(value: string): readonly DecodedPart[] {
    if (value.length < 16) return NO_PARTS;
    // PERF: created on the first decoded run; hashes and ids (the usual hex runs) decode to nothing.
    let out: DecodedPart[] | null = null;
    RUN.lastIndex = 0;
    // Every run, however many: expandLeaves bounds the total and refuses past it (INSPECTION_LIMITS).
    for (let m = RUN.exec(value); m !== null; m = RUN.exec(value)) {
      const text = bytesAsText(Buffer.from(m[1] ?? '', 'hex'));
      if (text !== null) {
        out ??= [];
        out.push({ suffix: out.length === 0 ? '#hex' : `#hex[${out.length}]`, value: text });
      }
    }
    return out ?? NO_PARTS;
  },
};
