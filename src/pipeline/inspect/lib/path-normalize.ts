/** Path normalization for traversal checks: every percent, overlong-UTF-8, %u and full-width form of `.` `/` `\`. */

/** Rounds of percent-decoding applied (`%25252e` needs three). */
const MAX_ROUNDS = 4;

/** Overlong and alternative encodings of `.`, `/` and `\` that lenient servers decode (dotdotpwn's set). */
const OVERLONG: ReadonlyArray<[RegExp, string]> = [
  [/%c0%ae|%e0%80%ae|%f0%80%80%ae|%c0%2e|%c1%ae|%uff0e|%u002e|%u2024|0x2e/gi, '.'],
  [/%c0%af|%e0%80%af|%f0%80%80%af|%c0%2f|%c1%9c|%c1%af|%uff0f|%u2215|%u002f|%u2044|0x2f/gi, '/'],
  [/%c1%1c|%c0%5c|%c1%9c|%e0%81%9c|%uff3c|%u2216|%u005c|%u29f5|%u29f9|0x5c/gi, '\\'],
];

const HEX = /%([0-9a-fA-F]{2})/g;

/** Unicode characters that render or fold to `.`, `/` or `\`. */
const LOOKALIKES: ReadonlyArray<[RegExp, string]> = [
  [/[\uff0e\u2024\u3002\ufe52]/g, '.'],
  [/[\uff0f\u2215\u2044\u29f8]/g, '/'],
  [/[\uff3c\u2216\u29f5\u29f9\ufe68]/g, '\\'],
];

/** Decodes one round of `%XX` as single bytes (invalid UTF-8 kept as Latin-1), never throws. */
function percentDecodeOnce(text: string): string {
  return text.replace(HEX, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** The path as a lenient server would see it: decoded up to four rounds, lookalikes folded, `\` kept. */
export function normalizePath(raw: string): string {
  let text = raw;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    let next = text;
    for (const [re, ch] of OVERLONG) next = next.replace(re, ch);
    if (next.includes('%')) next = percentDecodeOnce(next);
    if (next === text) break;
    text = next;
  }
  for (const [re, ch] of LOOKALIKES) text = text.replace(re, ch);
  return text;
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
    // Any non-ASCII or leftover escape right after `..` is a separator some decoder accepts (`..%c1%pc`, `..\uefc8`).
    const exotic = after !== undefined && (after > '\x7f' || after === '%');
    if (
      (before === '/' ||
        before === '\\' ||
        before === '.' ||
        before === '=' ||
        before === ':' ||
        before === '\0' ||
        before === ' ' ||
        before === ';') &&
      (exotic ||
        after === '/' ||
        after === '\\' ||
        after === '\0' ||
        after === ';' ||
        after === '?' ||
        after === '#')
    )
      count++;
    i = path.indexOf('..', j);
  }
  return count;
}
