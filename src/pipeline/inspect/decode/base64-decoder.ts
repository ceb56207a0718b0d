/** Base64 and base64url decoding of every long base64 run in a value (whole value or embedded token). */
import { NO_PARTS, type Decoder, type DecodedPart } from './decoder.js';
import { bytesAsText } from './printable.js';

/** Runs shorter than this are words, not payloads. */
const MIN_RUN = 16;
// PERF: the lookbehind makes a match start only at the beginning of a run, so prose costs one failed
// check per character instead of a rescan of every word from each of its letters.
const RUN = /(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{16,}={0,2}/g;

/** Decodes base64 runs that yield readable UTF-8 text. */
export const base64Decoder: Decoder = {
  name: 'base64',
  decode(value: string): readonly DecodedPart[] {
    if (value.length < MIN_RUN) return NO_PARTS;
    const out: DecodedPart[] = [];
    RUN.lastIndex = 0;
    // Every run, however many: expandLeaves bounds the total and refuses past it (INSPECTION_LIMITS).
    for (let m = RUN.exec(value); m !== null; m = RUN.exec(value)) {
      const run = m[0];
      const body = run.replace(/=+$/, '');
      // Pure hex or pure letters are identifiers far more often than base64.
      if (
        body.length % 4 === 1 ||
        /^[0-9a-fA-F]+$/.test(body) ||
        /^[A-Za-z]+$/.test(body) ||
        /^[a-z0-9_-]+$/.test(body)
      )
        continue;
      const text = bytesAsText(Buffer.from(body.replace(/-/g, '+').replace(/_/g, '/'), 'base64'));
      if (text !== null)
        out.push({ suffix: out.length === 0 ? '#base64' : `#base64[${out.length}]`, value: text });
    }
    return out;
  },
};
