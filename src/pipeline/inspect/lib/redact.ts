/** Evidence redaction: findings land in audit logs, so they never carry a full secret or personal value. */

const EXCERPT_MAX = 80;

/** Escapes control, invisible and surrogate characters so evidence is printable and cannot smuggle text. */
function printable(text: string): string {
  // PERF: most evidence is plain printable ASCII; return it as is instead of rebuilding it per character.
  if (PLAIN_ASCII.test(text)) return text;
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    const hidden =
      cp < 0x20 ||
      cp === 0x7f ||
      (cp >= 0x80 && cp < 0xa0) ||
      (cp >= 0x200b && cp <= 0x200f) ||
      (cp >= 0x202a && cp <= 0x202e) ||
      (cp >= 0x2060 && cp <= 0x2064) ||
      cp === 0xfeff ||
      (cp >= 0xd800 && cp <= 0xdfff) ||
      (cp >= 0xe0000 && cp <= 0xe007f);
    out += hidden ? `\\u{${cp.toString(16)}}` : ch;
  }
  return out;
}

/** Printable ASCII only (space to `~`): nothing for `printable` to escape. */
const PLAIN_ASCII = /^[\x20-\x7e]*$/;

/** A secret as its first four characters and its length (`ghp_…(40)`): enough to find it, not to use it. */
export function redactSecret(value: string): string {
  return `${printable(value.slice(0, 4))}…(${value.length})`;
}

/** A personal value masked except for a short suffix (`****1111`), or fully for short values. */
export function maskTail(value: string, keep = 4): string {
  const compact = value.replace(/[\s-]/g, '');
  if (compact.length <= keep + 2) return '*'.repeat(compact.length);
  return `${'*'.repeat(Math.min(compact.length - keep, 12))}${printable(compact.slice(-keep))}`;
}

/** An e-mail address with the local part masked (`j***@example.com`). */
export function maskEmail(value: string): string {
  const at = value.lastIndexOf('@');
  if (at < 1) return maskTail(value);
  return `${printable(value.slice(0, 1))}***@${printable(value.slice(at + 1, at + 65))}`;
}

/** A short printable excerpt of attack text around a match; attack syntax is evidence, not personal data. */
export function excerpt(text: string, start = 0, length: number = EXCERPT_MAX): string {
  const from = Math.max(0, Math.min(start, text.length));
  const slice = text.slice(from, from + Math.min(length, EXCERPT_MAX));
  const clipped = printable(slice);
  return from + slice.length < text.length ? `${clipped}…` : clipped;
}
