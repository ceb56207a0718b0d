/** A linear, forgiving SQL lexer for injection checks: never throws, tolerates unterminated quotes and comments. */

/** Token kinds: string, number, keyword, function, variable, operator, punctuation, comment, word. */
export type SqlTokenKind = 's' | 'n' | 'k' | 'f' | 'v' | 'o' | 'p' | 'c' | 'w';

/** One token; `text` is lower-cased for keywords, words and functions, the literal content for strings. */
export interface SqlToken {
  readonly kind: SqlTokenKind;
  readonly text: string;
  readonly start: number;
  /** For strings: the closing quote was present. */
  readonly closed?: boolean;
}

const KEYWORDS = new Set(
  'select union all distinct from where and or xor not like rlike regexp having group order by limit offset insert into values update set delete drop create alter truncate exec execute declare cast convert null is in between case when then else end waitfor delay procedure analyse outfile dumpfile load_file information_schema table tables column columns database schema shutdown grant revoke begin commit rollback if elseif true false join on as asc desc div mod sounds exists any some top declare print go use call handler'.split(
    ' ',
  ),
);

/** Keywords that are only ever called (`CAST(x AS int)`, `CONVERT(INT, x)`): with a `(` they are functions. */
const CALL_KEYWORDS = new Set(['cast', 'convert']);

// PERF: regexes are module constants: a literal inside a function allocates a new RegExp each time it runs.
const WORD_START = /^[a-z0-9]/i;
const HEX_DIGIT = /[0-9a-fA-F]/;
const EXPONENT_START = /[0-9+-]/;

function isWordChar(c: string): boolean {
  return (
    (c >= 'a' && c <= 'z') ||
    (c >= 'A' && c <= 'Z') ||
    (c >= '0' && c <= '9') ||
    c === '_' ||
    c === '$' ||
    c > '\x7f'
  );
}

/** True when the `#` at `i` reads as a comment: nothing after it on its line, symbols after it, or a line break. */
function hashComment(text: string, i: number): boolean {
  const nl = text.indexOf('\n', i);
  const rest = text.slice(i + 1, nl === -1 ? Math.min(text.length, i + 200) : Math.min(nl, i + 200)).trim();
  // A line break after it means more SQL follows the comment (`#foo\nselect`), as in multi-line payloads.
  return nl !== -1 || rest === '' || !WORD_START.test(rest);
}

/** Tokenizes SQL-ish text in one pass. */
export function lexSql(text: string): SqlToken[] {
  const out: SqlToken[] = [];
  let i = 0;
  const n = text.length;
  // SECURITY: every token, however long the text: a cap would hide SQL placed after padding.
  while (i < n) {
    const c = text[i] ?? '';
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v') {
      i++;
      continue;
    }
    if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      let closed = false;
      while (j < n) {
        const d = text[j];
        if (d === '\\') {
          j += 2;
          continue;
        }
        if (d === c) {
          if (text[j + 1] === c) {
            j += 2;
            continue;
          }
          closed = true;
          break;
        }
        j++;
      }
      out.push({ kind: c === '`' ? 'w' : 's', text: text.slice(i + 1, Math.min(j, n)), start: i, closed });
      i = closed ? j + 1 : n;
      continue;
    }
    // `#` opens a comment only in MySQL and only when the line has nothing after it that reads as words:
    // `#2 MOM` or `'# BLAH` is a number sign in text (PostgreSQL reads `#` as XOR).
    if (c === '#' && !hashComment(text, i)) {
      out.push({ kind: 'w', text: '#', start: i });
      i++;
      continue;
    }
    if ((c === '-' && text[i + 1] === '-') || c === '#') {
      const nl = text.indexOf('\n', i);
      out.push({ kind: 'c', text: c === '#' ? '#' : '--', start: i });
      i = nl === -1 ? n : nl + 1;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      out.push({ kind: 'c', text: text[i + 2] === '!' ? '/*!' : '/*', start: i });
      // MySQL executes `/*! ... */` bodies: lex them as code, not as a comment.
      if (text[i + 2] === '!') {
        i += 3;
        while (i < n && text[i]! >= '0' && text[i]! <= '9') i++;
        continue;
      }
      i = end === -1 ? n : end + 2;
      continue;
    }
    if (c === '@') {
      let j = i + 1;
      if (text[j] === '@') j++;
      while (j < n && isWordChar(text[j] ?? '')) j++;
      out.push({ kind: 'v', text: text.slice(i, j).toLowerCase(), start: i });
      i = j;
      continue;
    }
    if (c >= '0' && c <= '9') {
      let j = i + 1;
      if (c === '0' && (text[j] === 'x' || text[j] === 'X' || text[j] === 'b')) {
        j++;
        while (j < n && HEX_DIGIT.test(text[j] ?? '')) j++;
      } else {
        // Digits, a fraction and an exponent; a word glued on after (`1e0UNION`) is its own token, as MySQL reads it.
        while (j < n && ((text[j]! >= '0' && text[j]! <= '9') || text[j] === '.')) j++;
        if ((text[j] === 'e' || text[j] === 'E') && EXPONENT_START.test(text[j + 1] ?? '')) {
          j += 2;
          while (j < n && text[j]! >= '0' && text[j]! <= '9') j++;
        }
      }
      out.push({ kind: 'n', text: text.slice(i, j).toLowerCase(), start: i });
      i = j;
      continue;
    }
    if (isWordChar(c)) {
      let j = i + 1;
      while (j < n && (isWordChar(text[j] ?? '') || text[j] === '.')) j++;
      const word = text.slice(i, j).toLowerCase();
      let k = j;
      while (k < n && (text[k] === ' ' || text[k] === '\t')) k++;
      const kind: SqlTokenKind =
        text[k] === '(' && (!KEYWORDS.has(word) || CALL_KEYWORDS.has(word))
          ? 'f'
          : KEYWORDS.has(word)
            ? 'k'
            : 'w';
      out.push({ kind, text: word, start: i });
      i = j;
      continue;
    }
    if (c === '(' || c === ')' || c === ',' || c === ';' || c === '.') {
      out.push({ kind: 'p', text: c, start: i });
      i++;
      continue;
    }
    let j = i + 1;
    while (j < n && j < i + 3 && '=<>!|&^~*/%+-:'.includes(text[j] ?? 'x')) j++;
    out.push({ kind: 'o', text: text.slice(i, j), start: i });
    i = j;
  }
  return out;
}
