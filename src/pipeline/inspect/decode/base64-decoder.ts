/** Base64 and base64url decoding of every long base64 run in a value (whole value or embedded token). */
import { NO_PARTS, type Decoder, type DecodedPart } from './decoder.js';
import { bytesAsText } from './printable.js';

/** Runs shorter than this are words, not payloads. */
const MIN_RUN = 16;
// PERF: the lookbehind makes a match start only at the beginning of a run, so prose costs one failed
// check per character instead of a rescan of every word from each of its letters.
const RUN = /(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{16,}={0,2}/g;

// Module constants: a regex literal in the function would make a new RegExp on every call.
const PADDING = /=+$/;
const HEX_ONLY = /^[0-9a-fA-F]+$/;
const LETTERS_ONLY = /^[A-Za-z]+$/;
const LOWER_ID = /^[a-z0-9_-]+$/;
const URL_SAFE_62 = /-/g;
const URL_SAFE_63 = /_/g;

/** Decodes base64 runs that yield readable UTF-8 text. */
export const base64Decoder: Decoder = {
  name: 'base64',
  decode(value: string): readonly DecodedPart[] {
    if (value.length < MIN_RUN) return NO_PARTS;
    // PERF: created on the first decoded run; most runs (ids, media types) decode to nothing.
    let out: DecodedPart[] | null = null;
    RUN.lastIndex = 0;
    // Every run, however many: expandLeaves bounds the total and refuses past it (INSPECTION_LIMITS).
    for (let m = RUN.exec(value); m !== null; m = RUN.exec(value)) {
      const run = m[0];
      const body = run.charCodeAt(run.length - 1) === 61 /* '=' */ ? run.replace(PADDING, '') : run;
      // Pure hex or pure letters are identifiers far more often than base64.
      if (body.length % 4 === 1 || HEX_ONLY.test(body) || LETTERS_ONLY.test(body) || LOWER_ID.test(body))
        continue;
      const text = bytesAsText(
        Buffer.from(body.replace(URL_SAFE_62, '+').replace(URL_SAFE_63, '/'), 'base64'),
      );
      if (text !== null) {
        out ??= [];
        out.push({ suffix: out.length === 0 ? '#base64' : `#base64[${out.length}]`, value: text });
      }
    }
    return out ?? NO_PARTS;
  },
};
