/** Personal-data detection shared by the pii and exfiltration inspectors, with checksums where they exist. */

/** One detected personal value. */
export interface PiiMatch {
  readonly kind: 'email' | 'phone' | 'ssn' | 'credit-card' | 'iban' | 'national-id' | 'ip-address';
  readonly match: string;
}

/** Luhn checksum, for payment card numbers. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

const IBAN_LENGTH: Readonly<Record<string, number>> = {
  AD: 24,
  AE: 23,
  AT: 20,
  AZ: 28,
  BA: 20,
  BE: 16,
  BG: 22,
  BH: 22,
  BR: 29,
  CH: 21,
  CR: 22,
  CY: 28,
  CZ: 24,
  DE: 22,
  DK: 18,
  DO: 28,
  EE: 20,
  ES: 24,
  FI: 18,
  FO: 18,
  FR: 27,
  GB: 22,
  GE: 22,
  GI: 23,
  GL: 18,
  GR: 27,
  GT: 28,
  HR: 21,
  HU: 28,
  IE: 22,
  IL: 23,
  IS: 26,
  IT: 27,
  JO: 30,
  KW: 30,
  KZ: 20,
  LB: 28,
  LI: 21,
  LT: 20,
  LU: 20,
  LV: 21,
  MC: 27,
  MD: 24,
  ME: 22,
  MK: 19,
  MR: 27,
  MT: 31,
  MU: 30,
  NL: 18,
  NO: 15,
  PK: 24,
  PL: 28,
  PS: 29,
  PT: 25,
  QA: 29,
  RO: 24,
  RS: 22,
  SA: 24,
  SE: 24,
  SI: 19,
  SK: 24,
  SM: 27,
  TN: 24,
  TR: 26,
  UA: 29,
  VG: 24,
  XK: 20,
};

/** IBAN mod-97 check (ISO 13616) with the per-country length. */
export function ibanValid(raw: string): boolean {
  const iban = raw.replace(/\s/g, '').toUpperCase();
  if (IBAN_LENGTH[iban.slice(0, 2)] !== iban.length) return false;
  const moved = iban.slice(4) + iban.slice(0, 4);
  let rem = 0;
  for (const ch of moved) {
    const v = ch >= 'A' && ch <= 'Z' ? ch.charCodeAt(0) - 55 : ch.charCodeAt(0) - 48;
    rem = v >= 10 ? (rem * 100 + v) % 97 : (rem * 10 + v) % 97;
  }
  return rem === 1;
}

/** US SSN structural rules: area not 000, 666 or 9xx; group not 00; serial not 0000. */
function ssnValid(s: string): boolean {
  const d = s.replace(/\D/g, '');
  const area = d.slice(0, 3);
  return (
    area !== '000' &&
    area !== '666' &&
    area[0] !== '9' &&
    d.slice(3, 5) !== '00' &&
    d.slice(5) !== '0000' &&
    !/^(\d)\1+$/.test(d)
  );
}

/** Spanish DNI/NIE check letter (mod 23). */
function dniValid(s: string): boolean {
  const up = s.toUpperCase();
  const num = up.replace(/^X/, '0').replace(/^Y/, '1').replace(/^Z/, '2').slice(0, 8);
  return 'TRWAGMYFPDXBNJZSQVHLCKE'[parseInt(num, 10) % 23] === up[8];
}

// SECURITY: bounded quantifiers only, each anchored on a digit or a literal, so scans stay linear.
const CARD = /(?<![\d.-])(?:\d[ -]?){12,18}\d(?![\d-])/g;
const SSN = /(?<![\d-])\d{3}-\d{2}-\d{4}(?![\d-])/g;
const IBAN = /(?<![A-Z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?(?![A-Z0-9])/g;
const PHONE = /(?<![\w+])(?:\+\d{1,3}[ .-]?)?(?:\(\d{2,4}\)[ .-]?|\d{2,4}[ .-])\d{3,4}[ .-]\d{3,4}(?![\w-])/g;
const NINO =
  /(?<![A-Z0-9])(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D](?![A-Z0-9])/g;
const DNI = /(?<![A-Z0-9])[XYZ0-9]\d{7}[A-Z](?![A-Z0-9])/g;
const IPV4 = /(?<![\d.])(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}(?![\d.])/g;

/** Per ASCII code: 1 = e-mail local-part character (`[A-Za-z0-9._%+-]`), 2 = domain character (`[A-Za-z0-9.-]`). */
const EMAIL_CHARS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  EMAIL_CHARS[c] = (/[A-Za-z0-9._%+-]/.test(ch) ? 1 : 0) | (/[A-Za-z0-9.-]/.test(ch) ? 2 : 0);
}
const isLetter = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/**
 * The end of a valid e-mail domain starting at `from` (exclusive), or -1: domain characters, no trailing dot
 * or dash, no leading dot, no `..`, and a final label of 2-24 letters after a dot. Char codes only: an
 * `@`-dense body costs a few comparisons per `@` and allocates nothing.
 */
function domainEnd(text: string, from: number, limit: number): number {
  let e = from;
  while (e < limit) {
    const c = text.charCodeAt(e);
    if (c >= 128 || (EMAIL_CHARS[c]! & 2) === 0) break;
    e++;
  }
  while (e > from && (text.charCodeAt(e - 1) === 46 || text.charCodeAt(e - 1) === 45)) e--;
  if (e === from || text.charCodeAt(from) === 46) return -1;
  let tld = 0;
  while (tld < e - from && isLetter(text.charCodeAt(e - 1 - tld))) tld++;
  if (tld < 2 || tld > 24 || tld === e - from || text.charCodeAt(e - 1 - tld) !== 46) return -1;
  for (let k = from + 1; k < e; k++)
    if (text.charCodeAt(k) === 46 && text.charCodeAt(k - 1) === 46) return -1;
  return e;
}

/** Finds e-mail addresses by expanding around each `@`, linear in the text (no regex, no backtracking). */
function findEmails(text: string, out: PiiMatch[], max: number): void {
  let at = text.indexOf('@');
  let lastEnd = 0;
  while (at !== -1 && out.length < max) {
    // Cheap local check first: a local-part character must precede the `@`.
    const before = at > lastEnd ? text.charCodeAt(at - 1) : 128;
    let next = at + 1;
    if (before < 128 && (EMAIL_CHARS[before]! & 1) !== 0) {
      let s = at;
      while (s > lastEnd && s > at - 64) {
        const c = text.charCodeAt(s - 1);
        if (c >= 128 || (EMAIL_CHARS[c]! & 1) === 0) break;
        s--;
      }
      const e = domainEnd(text, at + 1, Math.min(text.length, at + 254));
      if (e !== -1) {
        out.push({ kind: 'email', match: text.slice(s, e) });
        lastEnd = e;
        next = e;
      }
    }
    at = text.indexOf('@', next);
  }
}

function collect(
  re: RegExp,
  text: string,
  kind: PiiMatch['kind'],
  ok: (m: string) => boolean,
  out: PiiMatch[],
  max: number,
): void {
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null && out.length < max; m = re.exec(text))
    if (ok(m[0])) out.push({ kind, match: m[0] });
}

// PERF: module constants, not literals or closures made on every call.
const DIGIT = /\d/;
const always = (): boolean => true;

/** A card number: 13-19 digits, a plausible first digit, not one repeated digit, and a valid Luhn sum. */
function cardValid(m: string): boolean {
  const d = m.replace(/\D/g, '');
  return d.length >= 13 && d.length <= 19 && /^[2-6]/.test(d) && !/^(\d)\1+$/.test(d) && luhnValid(d);
}

/** Every personal value in the text, validated by checksum or structure where one exists. */
export function findPii(text: string, max = 10_000): PiiMatch[] {
  const out: PiiMatch[] = [];
  if (text.includes('@')) findEmails(text, out, max);
  if (!DIGIT.test(text)) return out;
  collect(CARD, text, 'credit-card', cardValid, out, max);
  collect(SSN, text, 'ssn', ssnValid, out, max);
  collect(IBAN, text, 'iban', ibanValid, out, max);
  collect(NINO, text, 'national-id', always, out, max);
  collect(DNI, text, 'national-id', dniValid, out, max);
  collect(
    PHONE,
    text,
    'phone',
    (m) => {
      const d = m.replace(/\D/g, '');
      // Dates (2024-01-05) and versions have separators in other places; phones have 9 to 15 digits.
      return (
        d.length >= 9 &&
        d.length <= 15 &&
        !/^\d{4}[-.]\d{2}[-.]\d{2}/.test(m) &&
        !out.some((o) => o.match.includes(m.trim()))
      );
    },
    out,
    max,
  );
  collect(IPV4, text, 'ip-address', (m) => !/^(?:0|127|255)\./.test(m) && m !== '0.0.0.0', out, max);
  return out;
}
