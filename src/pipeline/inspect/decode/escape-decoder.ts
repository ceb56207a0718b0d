/** JSON and JavaScript escape decoding: `\uXXXX`, `\u{X}`, `\xXX`, octal `\NNN` and `\n` `\r` `\t`. */
import { NO_PARTS, type Decoder, type DecodedPart } from './decoder.js';

const ESCAPE = /\\(?:u\{([0-9a-fA-F]{1,6})\}|u([0-9a-fA-F]{4})|x([0-9a-fA-F]{2})|([0-7]{3})|([nrt0'"\\/]))/g;
/** An escape that names a code point; without one, `\n` and friends alone are not decoded. */
const NUMERIC_ESCAPE = /\\(?:u\{?[0-9a-fA-F]|x[0-9a-fA-F]{2}|[0-7]{3})/;
const SIMPLE: Readonly<Record<string, string>> = {
  n: '\n',
  r: '\r',
  t: '\t',
  '0': '\0',
  "'": "'",
  '"': '"',
  '\\': '\\',
  '/': '/',
};

/** Decodes backslash escapes as JSON and JavaScript string literals would. */
export const escapeDecoder: Decoder = {
  name: 'escape',
  decode(value: string): readonly DecodedPart[] {
    if (!value.includes('\\')) return NO_PARTS;
    if (!NUMERIC_ESCAPE.test(value)) return NO_PARTS;
    const decoded = value.replace(
      ESCAPE,
      (_m, braced?: string, u4?: string, x2?: string, oct?: string, simple?: string) => {
        const code =
          braced !== undefined
            ? parseInt(braced, 16)
            : u4 !== undefined
              ? parseInt(u4, 16)
              : x2 !== undefined
                ? parseInt(x2, 16)
                : oct !== undefined
                  ? parseInt(oct, 8)
                  : -1;
        if (code >= 0) return code <= 0x10ffff ? String.fromCodePoint(code) : '\ufffd';
        return SIMPLE[simple ?? ''] ?? '';
      },
    );
    return decoded === value ? NO_PARTS : [{ suffix: '#escape', value: decoded }];
  },
};
