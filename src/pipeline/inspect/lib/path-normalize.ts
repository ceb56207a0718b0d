/** Path normalization for traversal checks: every percent, overlong-UTF-8, %u and full-width form of `.` `/` `\`. */
import { INSPECTION_LIMITS, inspectionLimit } from '../../model/inspection-limits.js';

// PERF: regexes are module constants: a literal inside a function allocates a new RegExp each time it runs.
const MAY_CHANGE = /[%\u0080-\uffff]|0x/i;
const FOUR_HEX = /^[0-9a-fA-F]{4}$/;
const ESCAPED_CHAR = /\\(.)/g;

/** Rounds of percent-decoding applied (`%25252e` needs three); a path still changing after them is refused. */
const MAX_ROUNDS = INSPECTION_LIMITS.maxDecodeLayers;

/** IIS-specific alternative encodings of `.`, `/` and `\` that the generic overlong decoder reads differently. */
const OVERLONG: ReadonlyArray<[RegExp, string]> = [
  [/%c0%2e|%c1%ae|%uff0e|%u002e|%u2024|0x2e/gi, '.'],
  [/%c0%2f|%c1%9c|%c1%af|%uff0f|%u2215|%u002f|%u2044|0x2f/gi, '/'],
  [/%c1%1c|%c0%5c|%e0%81%9c|%uff3c|%u2216|%u005c|%u29f5|%u29f9|0x5c/gi, '\\'],
];

/** Unicode characters that render or fold to `.`, `/` or `\`. */
const LOOKALIKES: ReadonlyArray<[RegExp, string]> = [
  [/[\uff0e\u2024\u3002\ufe52]/g, '.'],
  [/[\uff0f\u2215\u2044\u29f8]/g, '/'],
  [/[\uff3c\u2216\u29f5\u29f9\ufe68]/g, '\\'],
];

function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/**
 * One hex digit at `i`, written plainly or itself percent-encoded (`%32` for `2`, the IIS double-nibble
 * trick), optionally after one stray `%` (`%%32%%66`). Returns the digit's value and the characters used.
 */
function nibble(text: string, i: number): [number, number] {
  const direct = hexVal(text.charCodeAt(i));
  if (direct !== -1) return [direct, 1];
  const at = text[i] === '%' && text[i + 1] === '%' ? i + 1 : i;
  if (text[at] === '%') {
    const hi = hexVal(text.charCodeAt(at + 1));
    const lo = hexVal(text.charCodeAt(at + 2));
    if (hi !== -1 && lo !== -1) {
      const v = hexVal(hi * 16 + lo);
      if (v !== -1) return [v, at + 3 - i];
    }
  }
  return [-1, 0];
}

/** The byte of a `%XX` escape (either digit may be double-encoded) at `i`, and the characters it spans. */
function escapedByte(text: string, i: number): [number, number] {
  if (text[i] !== '%') return [-1, 0];
  const [hi, n1] = nibble(text, i + 1);
  if (hi === -1) return [-1, 0];
  const [lo, n2] = nibble(text, i + 1 + n1);
  if (lo === -1) return [-1, 0];
  return [hi * 16 + lo, 1 + n1 + n2];
}

/**
 * One round of lenient percent-decoding as a permissive server performs it: `%uXXXX`, double-nibble escapes,
 * and UTF-8 sequences including overlong ones (`%c0%ae`, `%f8%80%80%80%af`), with a 2-byte lead taking any
 * second byte's low six bits (`%c0%6e` is `.`). Bytes that form no sequence stay as Latin-1. Never throws.
 */
function percentDecodeOnce(text: string): string {
  let out = '';
  let i = 0;
  const n = text.length;
  while (i < n) {
    const next = text.indexOf('%', i);
    if (next === -1) {
      out += text.slice(i);
      break;
    }
    out += text.slice(i, next);
    i = next;
    if ((text[i + 1] === 'u' || text[i + 1] === 'U') && i + 6 <= n) {
      const cp = parseInt(text.slice(i + 2, i + 6), 16);
      if (FOUR_HEX.test(text.slice(i + 2, i + 6))) {
        out += String.fromCharCode(cp);
        i += 6;
        continue;
      }
    }
    const [b, len] = escapedByte(text, i);
    if (b === -1) {
      out += '%';
      i++;
      continue;
    }
    let j = i + len;
    if (b >= 0xc0 && b <= 0xfd) {
      const extra = b < 0xe0 ? 1 : b < 0xf0 ? 2 : b < 0xf8 ? 3 : b < 0xfc ? 4 : 5;
      let cp = b & (0x3f >> extra);
      let ok = true;
      for (let k = 0; k < extra; k++) {
        const [c, clen] = escapedByte(text, j);
        // A 2-byte lead keeps any second byte's low bits (lenient decoders); longer forms need continuations.
        if (c === -1 || (extra > 1 && (c & 0xc0) !== 0x80)) {
          ok = false;
          break;
        }
        cp = cp * 64 + (c & 0x3f);
        j += clen;
      }
      if (ok && cp <= 0x10ffff) {
        out += String.fromCodePoint(cp);
        i = j;
        continue;
      }
      j = i + len;
    }
    out += String.fromCharCode(b);
    i = j;
  }
  return out;
}

/**
 * The path as a lenient server would see it: decoded until nothing changes, lookalikes folded, `\` kept.
 * Throws ERR_INSPECTION_LIMIT when it still changes after INSPECTION_LIMITS.maxDecodeLayers rounds.
 */
export function normalizePath(raw: string): string {
  // PERF: with no `%`, no `0x` and nothing outside ASCII, no rule below can change the text.
  if (!MAY_CHANGE.test(raw)) return raw;
  let text = raw;
  for (let round = 0; ; round++) {
    let next = text;
    for (const [re, ch] of OVERLONG) next = next.replace(re, ch);
    if (next.includes('%')) next = percentDecodeOnce(next);
    if (next === text) break;
    // SECURITY: a server may decode once more than writ did; more layers than the bound is a deny, not a pass.
    if (round === MAX_ROUNDS) throw inspectionLimit(`a path is still encoded after ${MAX_ROUNDS} rounds`);
    text = next;
  }
  for (const [re, ch] of LOOKALIKES) text = text.replace(re, ch);
  return text;
}

/** True for a character no file name may hold, so some server or decoder may take it as a separator. */
export function isIllegalPathChar(ch: string | undefined): boolean {
  if (ch === undefined) return true;
  const c = ch.charCodeAt(0);
  return (
    c < 0x20 ||
    c > 0x7e ||
    ch === '?' ||
    ch === '*' ||
    ch === '<' ||
    ch === '>' ||
    ch === '|' ||
    ch === '"' ||
    ch === '%'
  );
}

/** True for a control character or one outside ASCII (a decoding leftover such as `\xc0`). */
function isControlOrWide(ch: string | undefined): boolean {
  if (ch === undefined) return false;
  const c = ch.charCodeAt(0);
  return c < 0x20 || c > 0x7e;
}

const BEFORE_CLIMB = new Set(['/', '\\', '.', '=', ':', ' ', ';']);
const AFTER_CLIMB = new Set(['/', '\\', ';', '#']);

/** The path with backslash escapes removed (`\\.\\.\\/` is `../` to a shell or a JSON/JS string reader). */
export function unescapeBackslashes(path: string): string {
  return path.replace(ESCAPED_CHAR, '$1');
}

/** The number of `..` segments that climb (each `..` between separators or at either end). */
export function countDotDotSegments(path: string): number {
  let count = 0;
  let i = path.indexOf('..');
  while (i !== -1) {
    const before = i === 0 ? '/' : path[i - 1];
    let j = i + 2;
    // `....//` style: extra dots still climb on servers that strip `../` once.
    while (path[j] === '.') j++;
    const after = j >= path.length ? '/' : path[j];
    // Any character no file name may hold right after `..` is a separator some decoder accepts
    // (`..%c1%pc`, `..\uefc8`, `..%01`, `..?`).
    if (
      (BEFORE_CLIMB.has(before ?? '') || isControlOrWide(before)) &&
      (AFTER_CLIMB.has(after ?? '') ||
        after === '?' ||
        after === '%' ||
        isControlOrWide(after) ||
        // An ellipsis before `|` or `"` is prose; exactly two dots before any illegal character are a climb.
        (j - i === 2 && isIllegalPathChar(after)))
    )
      count++;
    i = path.indexOf('..', j);
  }
  return count;
}

/** Splits the decoded path at every run of separators or characters no file name may hold, lower-cased. */
// Control characters are exactly what this class must match: each is a separator to a lenient server.
// eslint-disable-next-line no-control-regex
const SKELETON_SEP = /[/\\:;?*<>|"%\u0000-\u001f\u007f-\uffff]+/g;

/**
 * The path read with every illegal character as a separator: the lower-cased target left after a drive letter
 * and any leading separators and dot-only segments, how many of those segments were dots (climbs), and how
 * many segments the prefix had at all (`??%5c??%5cetc` lands on `etc` after junk that is not a file name).
 */
export function pathSkeleton(normalized: string): {
  target: string;
  dotSegments: number;
  prefixSegments: number;
} {
  let text = normalized.toLowerCase();
  // Escapes that survived decoding are not valid ones (`%qf`, `%9v`): each is one illegal character.
  if (text.includes('%')) text = text.replace(STRAY_ESCAPE, '/');
  // Percent signs stripped by some layer leave bare hex after a climb (`..2f..2fetc2fpasswd`).
  if (BARE_HEX_CLIMB.test(text)) text = text.replace(BARE_HEX_SEPARATOR, '/');
  // PERF: the segments are walked in place (no split and join); the target is the text from segment k on.
  const joined = text.replace(SKELETON_SEP, '/');
  let k = 0;
  let start = 0;
  let end = segmentEnd(joined, 0);
  if (end === 1 && isLowerLetter(joined.charCodeAt(0)) && DRIVE.test(normalized)) {
    k = 1;
    start = end + 1;
    end = segmentEnd(joined, start);
  }
  let dots = 0;
  while (start <= joined.length && isDotsOnly(joined, start, end)) {
    if (end - start >= 2) dots++;
    k++;
    start = end + 1;
    end = segmentEnd(joined, start);
  }
  return { target: start <= joined.length ? joined.slice(start) : '', dotSegments: dots, prefixSegments: k };
}

const STRAY_ESCAPE = /%[a-z0-9]{0,2}/g;
const BARE_HEX_CLIMB = /\.\.(?:2f|5c)/;
const BARE_HEX_SEPARATOR = /2f|5c/g;
const DRIVE = /^\s*[a-z]:/i;

/** The end of the `/`-separated segment starting at `start` (the text's length for the last one). */
function segmentEnd(text: string, start: number): number {
  const slash = text.indexOf('/', start);
  return slash === -1 ? text.length : slash;
}

function isLowerLetter(c: number): boolean {
  return c >= 97 && c <= 122;
}

/** True when `text[start, end)` is empty or only dots. */
function isDotsOnly(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (text.charCodeAt(i) !== 46) return false;
  return true;
}
