/**
 * Splits SQL text into statements of tokens the way one database dialect reads it (PostgreSQL or MySQL/MariaDB,
 * with or without backslash escapes in strings). The statement reader runs every reading and keeps the most
 * dangerous, because the same bytes mean different statements to different servers and settings.
 */

/** One way of reading SQL text. */
export interface SqlDialect {
  readonly name: 'postgresql' | 'postgresql-escapes' | 'mysql' | 'mysql-no-backslash';
  /** PostgreSQL: nested block comments, dollar quotes, E'' strings, `#` is an operator, `--` always a comment. */
  readonly postgres: boolean;
  /** Backslash escapes a quote in '...' strings (MySQL default; PostgreSQL with standard_conforming_strings off). */
  readonly backslash: boolean;
}

/** The four readings writ classifies SQL under. */
export const SQL_DIALECTS: readonly SqlDialect[] = [
  { name: 'postgresql', postgres: true, backslash: false },
  { name: 'postgresql-escapes', postgres: true, backslash: true },
  { name: 'mysql', postgres: false, backslash: true },
  { name: 'mysql-no-backslash', postgres: false, backslash: false },
];

/** word: unquoted identifier or keyword (lower-cased); ident: quoted identifier; str; num; var (@x); punct; op. */
export type SqlTokenType = 'word' | 'ident' | 'str' | 'num' | 'var' | 'param' | 'punct' | 'op';

/** One token of a statement. */
export interface SqlTok {
  readonly type: SqlTokenType;
  /** Lower-cased for words and quoted identifiers; the punctuation or operator itself; '' for strings. */
  readonly text: string;
}

/** A text read in one dialect: its statements, and whether a string or comment was left open. */
export interface SqlReading {
  readonly statements: readonly (readonly SqlTok[])[];
  /**
   * The index of the statement in which a quote, quoted identifier, dollar quote or comment never closed, or
   * -1. PostgreSQL refuses the whole text then; MySQL runs the statements before it.
   */
  readonly unterminatedAt: number;
}

// ASCII whitespace both servers skip between tokens.
const isSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
// Letters, digits, `_`, `$` and every non-ASCII code unit are identifier characters in both dialects.
const isWordChar = (c: number): boolean =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || isDigit(c) || c === 95 || c === 36 || c >= 128;

/** The end of a quoted run opened at `i` by `quote`; -1 when it never closes. */
function quotedEnd(text: string, i: number, quote: number, backslash: boolean): number {
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (backslash && c === 92) {
      j++;
      continue;
    }
    if (c === quote) {
      if (text.charCodeAt(j + 1) === quote) {
        j++;
        continue;
      }
      return j + 1;
    }
  }
  return -1;
}

/** The end of a PostgreSQL block comment opened at `i` (they nest); -1 when it never closes. */
function nestedCommentEnd(text: string, i: number): number {
  let depth = 0;
  for (let j = i; j < text.length - 1; j++) {
    if (text.charCodeAt(j) === 47 && text.charCodeAt(j + 1) === 42) {
      depth++;
      j++;
    } else if (text.charCodeAt(j) === 42 && text.charCodeAt(j + 1) === 47) {
      depth--;
      j++;
      if (depth === 0) return j + 1;
    }
  }
  return -1;
}

/** A PostgreSQL dollar-quote tag at `i` (`$$` or `$tag$`), or null when `$` starts a parameter or nothing. */
function dollarTag(text: string, i: number): string | null {
  let j = i + 1;
  if (isDigit(text.charCodeAt(j))) return null;
  while (j < text.length) {
    const c = text.charCodeAt(j);
    if (c === 36) return text.slice(i, j + 1);
    // Tags are identifier characters without `$`.
    if (!isWordChar(c) || c === 36) return null;
    j++;
  }
  return null;
}

/** Reads `text` in `dialect`. Linear in the text; never throws. */
export function readSql(text: string, dialect: SqlDialect): SqlReading {
  const statements: SqlTok[][] = [];
  let current: SqlTok[] = [];
  let unterminatedAt = -1;
  const n = text.length;
  let i = 0;
  // MySQL executes the body of `/*! ... */` and `/*M! ... */` as SQL; its `*/` is skipped where a token would start.
  let inExecutableComment = false;
  const push = (type: SqlTokenType, tokenText: string): void => {
    current.push({ type, text: tokenText });
  };
  while (i < n) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (inExecutableComment && c === 42 && text.charCodeAt(i + 1) === 47) {
      inExecutableComment = false;
      i += 2;
      continue;
    }
    // Comments.
    if (c === 45 && text.charCodeAt(i + 1) === 45) {
      // MySQL needs a space or control character after `--` (`1--1` is 1 - -1); PostgreSQL does not.
      const after = text.charCodeAt(i + 2);
      if (dialect.postgres || i + 2 >= n || after <= 32) {
        const nl = text.indexOf('\n', i);
        i = nl === -1 ? n : nl + 1;
        continue;
      }
    }
    if (c === 35 && !dialect.postgres) {
      const nl = text.indexOf('\n', i);
      i = nl === -1 ? n : nl + 1;
      continue;
    }
    if (c === 47 && text.charCodeAt(i + 1) === 42) {
      if (dialect.postgres) {
        const end = nestedCommentEnd(text, i);
        if (end === -1) {
          unterminatedAt = statements.length;
          break;
        }
        i = end;
        continue;
      }
      const end = text.indexOf('*/', i + 2);
      if (end === -1) {
        unterminatedAt = statements.length;
        break;
      }
      // `/*!50000 ... */` and MariaDB's `/*M!100100 ... */`: the body is SQL (any version, to be safe).
      const bang = text.charCodeAt(i + 2) === 33 ? i + 3 : text.startsWith('M!', i + 2) ? i + 4 : -1;
      if (bang !== -1 && !inExecutableComment) {
        let j = bang;
        while (j < end && isDigit(text.charCodeAt(j))) j++;
        inExecutableComment = true;
        i = j;
        continue;
      }
      i = end + 2;
      continue;
    }
    // Quoted text.
    if (c === 39 || c === 34 || c === 96) {
      // PostgreSQL E'...' strings (the E glued to the quote) take backslash escapes whatever the setting.
      const prev = current[current.length - 1];
      const eString =
        dialect.postgres &&
        c === 39 &&
        prev?.type === 'word' &&
        prev.text === 'e' &&
        (text.charCodeAt(i - 1) | 32) === 101;
      const backslash = c !== 96 && !(dialect.postgres && c === 34) && (dialect.backslash || eString);
      const end = quotedEnd(text, i, c, backslash);
      if (end === -1) {
        unterminatedAt = statements.length;
        break;
      }
      if (eString) current.pop();
      // MySQL's "..." is a string, or an identifier under ANSI_QUOTES: read as an identifier (a `"f"(` is a call).
      const isIdent = c === 96 || c === 34;
      push(isIdent ? 'ident' : 'str', isIdent ? text.slice(i + 1, end - 1).toLowerCase() : '');
      i = end;
      continue;
    }
    if (c === 36 && dialect.postgres) {
      const tag = dollarTag(text, i);
      if (tag !== null) {
        const end = text.indexOf(tag, i + tag.length);
        if (end === -1) {
          unterminatedAt = statements.length;
          break;
        }
        push('str', '');
        i = end + tag.length;
        continue;
      }
      let j = i + 1;
      while (j < n && isDigit(text.charCodeAt(j))) j++;
      push('param', text.slice(i, j));
      i = Math.max(j, i + 1);
      continue;
    }
    if (c === 64) {
      let j = i + 1;
      if (text.charCodeAt(j) === 64) j++;
      while (j < n && (isWordChar(text.charCodeAt(j)) || text.charCodeAt(j) === 46)) j++;
      push('var', text.slice(i, j).toLowerCase());
      i = j;
      continue;
    }
    if (c === 59) {
      statements.push(current);
      current = [];
      i++;
      continue;
    }
    if (c === 40 || c === 41 || c === 44 || c === 46 || c === 91 || c === 93) {
      push('punct', text[i] ?? '');
      i++;
      continue;
    }
    if (isDigit(c)) {
      let j = i + 1;
      while (j < n && (isWordChar(text.charCodeAt(j)) || text.charCodeAt(j) === 46)) j++;
      const literal = text.slice(i, j).toLowerCase();
      // MySQL identifiers may start with digits (`1x`); a number is digits, a fraction and an exponent only.
      push(/^[0-9.]+(?:e[0-9]*)?$|^0x[0-9a-f]*$|^0b[01]*$/.test(literal) ? 'num' : 'word', literal);
      i = j;
      continue;
    }
    if (isWordChar(c)) {
      let j = i + 1;
      while (j < n && isWordChar(text.charCodeAt(j))) j++;
      push('word', text.slice(i, j).toLowerCase());
      i = j;
      continue;
    }
    let j = i + 1;
    while (j < n && '=<>!|&^~*/%+-:?#@'.includes(text[j] ?? 'x')) {
      // A comment opener ends an operator in both dialects.
      if ((text[j] === '-' && text[j + 1] === '-') || (text[j] === '/' && text[j + 1] === '*')) break;
      j++;
    }
    push(c === 63 ? 'param' : 'op', text.slice(i, j));
    i = j;
  }
  statements.push(current);
  return { statements, unterminatedAt };
}
