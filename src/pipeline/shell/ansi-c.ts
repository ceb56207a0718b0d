/** Decodes the body of bash ANSI-C quoting (`$'\x72\x6d'` is `rm`), as bash's ansicstr does. */

const SIMPLE: Readonly<Record<string, string>> = {
  a: '\x07',
  b: '\b',
  e: '\x1b',
  E: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '?': '?',
};

function digits(body: string, from: number, max: number, re: RegExp): string {
  let end = from;
  while (end < body.length && end - from < max && re.test(body[end]!)) end++;
  return body.slice(from, end);
}

const OCTAL = /[0-7]/;
const HEX = /[0-9a-fA-F]/;

/** The text bash makes of `$'body'`; a NUL ends the word, as it does in bash. */
export function decodeAnsiC(body: string): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\' || i + 1 >= body.length) {
      out += c;
      continue;
    }
    const e = body[++i]!;
    let code: number | null = null;
    if (SIMPLE[e] !== undefined) {
      out += SIMPLE[e];
      continue;
    }
    if (OCTAL.test(e)) {
      const d = digits(body, i, 3, OCTAL);
      code = parseInt(d, 8) & 0xff;
      i += d.length - 1;
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const d = digits(body, i + 1, e === 'x' ? 2 : e === 'u' ? 4 : 8, HEX);
      if (d === '') {
        out += `\\${e}`;
        continue;
      }
      code = parseInt(d, 16);
      i += d.length;
    } else if (e === 'c' && i + 1 < body.length) {
      const x = body[++i]!;
      code = x === '?' ? 0x7f : x.toUpperCase().charCodeAt(0) & 0x1f;
    } else {
      out += `\\${e}`;
      continue;
    }
    if (code === 0) return out;
    out += code <= 0x10ffff ? String.fromCodePoint(code) : '\ufffd';
  }
  return out;
}
