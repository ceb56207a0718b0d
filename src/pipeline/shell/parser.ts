/**
 * A reader for the bash grammar agents send: words with every quote kind, comments, expansions and
 * substitutions (also inside double quotes and here-docs), redirections, pipelines, lists, compound commands,
 * functions and coproc. It surfaces every simple command in the tree; whatever it cannot read completely
 * throws ShellReadError, so the caller denies. It never runs anything.
 */
import { decodeAnsiC } from './ansi-c.js';
import type { ShellCommand, ShellCommandKind, ShellReadCode, ShellRedirect, ShellWord } from './syntax.js';

/** Why a line could not be read; `code` is the deny code. */
export class ShellReadError extends Error {
  override readonly name = 'ShellReadError';
  constructor(
    readonly code: ShellReadCode,
    message: string,
  ) {
    super(message);
  }
}

/** Nesting (substitutions, compound commands) deeper than this is a deny, not a stack overflow. */
export const MAX_SHELL_DEPTH = 64;

type Token =
  | {
      readonly kind: 'word';
      readonly word: ShellWord;
      readonly reserved: string | null;
      /** Taken before the word was read: orders its command before the substitutions inside it. */
      readonly seq: number;
    }
  | { readonly kind: 'op'; readonly op: string; readonly fd: string | null }
  | { readonly kind: 'newline' }
  | { readonly kind: 'arith'; readonly word: ShellWord }
  | { readonly kind: 'eof' };

interface MutableCommand {
  kind: ShellCommandKind;
  assignments: ShellWord[];
  words: ShellWord[];
  redirects: ShellRedirect[];
  after: string;
  substituted: boolean;
  seq: number;
}

/** Where the commands of one reading go, shared by the parsers of its substitutions. */
interface Sink {
  readonly commands: MutableCommand[];
  seq: number;
}

/** A redirection while its here-doc body is still to be read (the body follows the line). */
type MutableRedirect = { -readonly [K in keyof ShellRedirect]: ShellRedirect[K] };

interface PendingHeredoc {
  readonly delimiter: string;
  readonly quoted: boolean;
  readonly stripTabs: boolean;
  readonly redirect: MutableRedirect;
}

const RESERVED = new Set([
  'if',
  'then',
  'elif',
  'else',
  'fi',
  'do',
  'done',
  'case',
  'esac',
  'while',
  'until',
  'for',
  'select',
  'function',
  'time',
  'coproc',
  '{',
  '}',
  '!',
  '[[',
  ']]',
  'in',
]);
/** Reserved words that close a construct: one at the start of a command ends the list before it. */
const CLOSERS = new Set(['then', 'elif', 'else', 'fi', 'do', 'done', 'esac', '}']);
const COMPOUND_START = new Set(['{', 'if', 'while', 'until', 'for', 'select', 'case', '[[']);
const REDIRECT_OPS = new Set(['<', '>', '>>', '>|', '<>', '<&', '>&', '&>', '&>>', '<<', '<<-', '<<<']);
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*(?:\[[^\]]*\])?\+?=/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const DIGITS = /^[0-9]+$/;
const FD_VAR = /^\{[A-Za-z_][A-Za-z0-9_]*\}$/;
const SPECIAL_PARAM = /[@*#?$!\-0-9]/;
const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;

const EOF_TOKEN: Token = { kind: 'eof' };
const NEWLINE_TOKEN: Token = { kind: 'newline' };

/** Characters with no meaning to bash inside an unquoted word (or a double-quoted one, for DQ_RUN). */
const PLAIN_RUN = /[^\s;&|()<>\\'"$`*?[{~]+/y;
const DQ_RUN = /[^"\\$`]+/y;

const isBlank = (c: string | undefined) => c === ' ' || c === '\t';
const isMeta = (c: string | undefined) =>
  c === ' ' ||
  c === '\t' ||
  c === '\n' ||
  c === ';' ||
  c === '&' ||
  c === '|' ||
  c === '(' ||
  c === ')' ||
  c === '<' ||
  c === '>';

/** Accumulates one word: its unquoted-and-expanded-as-written text and what bash may do to it. */
class WordBuilder {
  text = '';
  literal = true;
  mayBeOption = false;
  quoted = false;
  /** Characters written so far, quoting included: a `-` or expansion only counts at the start. */
  started = false;

  /**
   * Records an expansion: bash computes it, so the word is not literal. Unquoted, it may split into words
   * that start with `-`; at the start of the word, its value may start with one.
   */
  expansion(textAsWritten: string, quoted: boolean): void {
    if (!quoted || !this.started) this.mayBeOption = true;
    this.text += textAsWritten;
    this.literal = false;
    this.started = true;
  }

  chars(s: string, quoted: boolean): void {
    if (s === '') return;
    if (!this.started && s.startsWith('-')) this.mayBeOption = true;
    if (quoted) this.quoted = true;
    this.text += s;
    this.started = true;
  }
}

/** Reads one command line (or a substitution's body) into simple commands. */
export class ShellParser {
  private pos = 0;
  private tok: Token | null = null;
  private heredocs: PendingHeredoc[] = [];
  private substituted: boolean;

  constructor(
    private readonly src: string,
    private readonly sink: Sink = { commands: [], seq: 0 },
    private depth = 0,
    substituted = false,
  ) {
    this.substituted = substituted;
  }

  /** Reads the whole source; throws ShellReadError when it cannot. */
  parseProgram(): ShellCommand[] {
    this.parseList('', () => false);
    const t = this.peek();
    if (t.kind !== 'eof') throw this.unexpected(t);
    if (this.heredocs.length > 0)
      throw new ShellReadError(
        'ERR_SHELL_SYNTAX',
        `here-document "${this.heredocs[0]!.delimiter}" has no body before the end of the command line`,
      );
    const ordered = [...this.sink.commands].sort((a, b) => a.seq - b.seq);
    return ordered.map((c) =>
      Object.freeze({
        kind: c.kind,
        assignments: Object.freeze(c.assignments),
        words: Object.freeze(c.words),
        redirects: Object.freeze(c.redirects),
        after: c.after,
        substituted: c.substituted,
      }),
    );
  }

  // ---- errors -------------------------------------------------------------------------------------

  private unexpected(t: Token): ShellReadError {
    const what =
      t.kind === 'eof'
        ? 'the end of the command line'
        : t.kind === 'newline'
          ? 'a newline'
          : t.kind === 'op'
            ? `"${t.op}"`
            : t.kind === 'arith'
              ? '"(("'
              : // The word itself stays out: messages reach the audit log, which keeps no request content.
                t.reserved !== null
                ? `"${t.reserved}"`
                : 'a word';
    return new ShellReadError('ERR_SHELL_SYNTAX', `syntax error: unexpected ${what} near offset ${this.pos}`);
  }

  private unterminated(what: string, at: number): ShellReadError {
    return new ShellReadError('ERR_SHELL_SYNTAX', `unterminated ${what} starting at offset ${at}`);
  }

  private enter(): void {
    if (++this.depth > MAX_SHELL_DEPTH)
      throw new ShellReadError('ERR_SHELL_LIMIT', `command line nests deeper than ${MAX_SHELL_DEPTH} levels`);
  }

  private leave(): void {
    this.depth--;
  }

  // ---- tokens -------------------------------------------------------------------------------------

  private peek(): Token {
    this.tok ??= this.lex();
    return this.tok;
  }

  private take(): Token {
    const t = this.peek();
    this.tok = null;
    if (t.kind === 'newline') this.readHeredocs();
    return t;
  }

  private isOp(t: Token, ...ops: string[]): boolean {
    return t.kind === 'op' && ops.includes(t.op);
  }

  private isWord(t: Token, reserved: string): boolean {
    return t.kind === 'word' && t.reserved === reserved;
  }

  private expectWord(reserved: string): void {
    const t = this.peek();
    if (!this.isWord(t, reserved)) throw this.unexpected(t);
    this.take();
  }

  private expectOp(op: string): void {
    const t = this.peek();
    if (!this.isOp(t, op)) throw this.unexpected(t);
    this.take();
  }

  private skipNewlines(): void {
    while (this.peek().kind === 'newline') this.take();
  }

  private skipBlanks(): void {
    const s = this.src;
    for (;;) {
      const c = s[this.pos];
      if (isBlank(c)) this.pos++;
      else if (c === '\\' && s[this.pos + 1] === '\n') this.pos += 2;
      else if (c === '#') {
        // A comment starts only where a word could start; it runs to the newline, which still separates.
        const nl = s.indexOf('\n', this.pos);
        this.pos = nl === -1 ? s.length : nl;
      } else return;
    }
  }

  private lex(): Token {
    this.skipBlanks();
    const s = this.src;
    const p = this.pos;
    if (p >= s.length) return EOF_TOKEN;
    const c = s[p]!;
    const c1 = s[p + 1];
    const c2 = s[p + 2];
    let op: string;
    switch (c) {
      case '\n':
        this.pos++;
        return NEWLINE_TOKEN;
      case ';':
        op = c1 === ';' ? (c2 === '&' ? ';;&' : ';;') : c1 === '&' ? ';&' : ';';
        break;
      case '&':
        op = c1 === '>' ? (c2 === '>' ? '&>>' : '&>') : c1 === '&' ? '&&' : '&';
        break;
      case '|':
        op = c1 === '|' ? '||' : c1 === '&' ? '|&' : '|';
        break;
      case '(':
        if (c1 === '(') return this.lexArithCommand();
        op = '(';
        break;
      case ')':
        op = ')';
        break;
      case '<':
        if (c1 === '(') return this.lexWord();
        op =
          c1 === '<'
            ? c2 === '<'
              ? '<<<'
              : c2 === '-'
                ? '<<-'
                : '<<'
            : c1 === '&' || c1 === '>'
              ? `<${c1}`
              : '<';
        break;
      case '>':
        if (c1 === '(') return this.lexWord();
        op = c1 === '>' || c1 === '&' || c1 === '|' ? `>${c1}` : '>';
        break;
      default:
        return this.lexWord();
    }
    this.pos = p + op.length;
    return { kind: 'op', op, fd: null };
  }

  /** `(( expr ))` as a command: the expression is one word; its substitutions are read. */
  private lexArithCommand(): Token {
    const start = this.pos;
    this.pos += 2;
    const b = new WordBuilder();
    this.readArithmetic(b, start);
    const raw = this.src.slice(start, this.pos);
    return {
      kind: 'arith',
      word: { raw, text: raw.slice(2, -2), literal: false, mayBeOption: true },
    };
  }

  private lexWord(): Token {
    const s = this.src;
    const start = this.pos;
    const seq = this.sink.seq++;
    const b = new WordBuilder();
    while (this.pos < s.length) {
      const c = s[this.pos]!;
      if ((c === '<' || c === '>') && s[this.pos + 1] === '(') {
        this.readSubstitution(b, c + '(');
        continue;
      }
      if (isMeta(c)) {
        // `name=(a b c)`: an array assignment reads a parenthesized word list into this word.
        if (c === '(' && /^[A-Za-z_][A-Za-z0-9_]*(?:\[[^\]]*\])?\+?=$/.test(s.slice(start, this.pos))) {
          this.readArrayList(b);
          continue;
        }
        break;
      }
      this.readWordPart(b, start);
    }
    const raw = s.slice(start, this.pos);
    if (raw === '') throw this.unexpected({ kind: 'op', op: s[this.pos] ?? '', fd: null });
    const next = s[this.pos];
    // `2>file`, `{fd}>file`: digits or {name} right before a redirection operator name a descriptor.
    if ((next === '<' || next === '>') && s[this.pos + 1] !== '(' && (DIGITS.test(raw) || FD_VAR.test(raw))) {
      const t = this.lex();
      if (t.kind === 'op' && REDIRECT_OPS.has(t.op)) return { kind: 'op', op: t.op, fd: raw };
      throw this.unexpected(t);
    }
    const word: ShellWord = { raw, text: b.text, literal: b.literal, mayBeOption: b.mayBeOption };
    const reserved = !b.quoted && b.literal && RESERVED.has(raw) ? raw : null;
    return { kind: 'word', word, reserved, seq };
  }

  /** One piece of an unquoted word at `pos`. */
  private readWordPart(b: WordBuilder, wordStart: number): void {
    const s = this.src;
    const c = s[this.pos]!;
    const next = s[this.pos + 1];
    switch (c) {
      case '\\':
        if (next === '\n') this.pos += 2;
        else if (next === undefined) {
          b.chars('\\', false);
          this.pos++;
        } else {
          b.chars(next, true);
          this.pos += 2;
        }
        return;
      case "'": {
        const end = s.indexOf("'", this.pos + 1);
        if (end === -1) throw this.unterminated('single quote', this.pos);
        b.chars(s.slice(this.pos + 1, end), true);
        b.quoted = true;
        b.started = true;
        this.pos = end + 1;
        return;
      }
      case '"':
        this.pos++;
        this.readDoubleQuoted(b, '"');
        b.quoted = true;
        b.started = true;
        return;
      case '$':
        if (next === "'") {
          const at = this.pos;
          this.pos += 2;
          let body = '';
          while (this.pos < s.length && s[this.pos] !== "'") {
            if (s[this.pos] === '\\' && this.pos + 1 < s.length) {
              body += s.slice(this.pos, this.pos + 2);
              this.pos += 2;
            } else body += s[this.pos++];
          }
          if (this.pos >= s.length) throw this.unterminated("ANSI-C quote $'", at);
          this.pos++;
          b.chars(decodeAnsiC(body), true);
          b.quoted = true;
          b.started = true;
          return;
        }
        if (next === '"') {
          this.pos += 2;
          this.readDoubleQuoted(b, '"');
          b.quoted = true;
          b.started = true;
          return;
        }
        this.readDollar(b, false);
        return;
      case '`':
        this.readBackquote(b, false);
        return;
      case '*':
      case '?':
        // A glob yields file names; only one at the start of the word can yield a name starting with `-`.
        b.expansion(c, true);
        this.pos++;
        return;
      case '[':
        // A bracket is a glob only with a closing `]` later in the word.
        if (/^[^\s;&|()<>]*\]/.test(s.slice(this.pos + 1, this.pos + 200))) {
          b.expansion(c, true);
        } else b.chars(c, false);
        this.pos++;
        return;
      case '{': {
        // Brace expansion (`{a,b}`, `{1..3}`) makes several words out of one.
        const close = /^[^\s;&|()<>'"`$]*?\}/.exec(s.slice(this.pos + 1, this.pos + 400));
        if (close !== null && /,|\.\./.test(close[0])) b.expansion(c, true);
        else b.chars(c, false);
        this.pos++;
        return;
      }
      case '~':
        if (this.pos === wordStart || /[=:]$/.test(s.slice(wordStart, this.pos))) {
          b.literal = false;
          b.text += c;
          b.started = true;
        } else b.chars(c, false);
        this.pos++;
        return;
      default: {
        // PERF: a run of ordinary characters at once; a megabyte word stays one regex step per run.
        PLAIN_RUN.lastIndex = this.pos;
        const run = PLAIN_RUN.exec(s);
        const text = run === null ? c : run[0];
        b.chars(text, false);
        this.pos += text.length;
      }
    }
  }

  /** `name=( words )`: the elements are words (with substitutions), newlines and comments allowed. */
  private readArrayList(b: WordBuilder): void {
    const start = this.pos;
    this.pos++;
    for (;;) {
      this.skipBlanks();
      const c = this.src[this.pos];
      if (c === undefined) throw this.unterminated('array assignment', start);
      if (c === '\n') {
        this.pos++;
        continue;
      }
      if (c === ')') {
        this.pos++;
        break;
      }
      const t = this.lex();
      if (t.kind !== 'word') throw this.unexpected(t);
    }
    b.expansion(this.src.slice(start, this.pos), true);
  }

  /** Double-quoted text (or an unquoted here-doc body when `end` is null) up to `end`. */
  private readDoubleQuoted(b: WordBuilder, end: '"' | null): void {
    const s = this.src;
    const start = this.pos - 1;
    while (this.pos < s.length) {
      const c = s[this.pos]!;
      if (c === end) {
        this.pos++;
        return;
      }
      if (c === '\\') {
        const n = s[this.pos + 1];
        if (n === '\n') this.pos += 2;
        else if (n === '$' || n === '`' || n === '\\' || (n === '"' && end === '"')) {
          b.chars(n, true);
          this.pos += 2;
        } else {
          b.chars('\\', true);
          this.pos++;
        }
        continue;
      }
      if (c === '$') {
        this.readDollar(b, true);
        continue;
      }
      if (c === '`') {
        this.readBackquote(b, true);
        continue;
      }
      DQ_RUN.lastIndex = this.pos;
      const run = DQ_RUN.exec(s);
      const text = run === null ? c : run[0];
      b.chars(text, true);
      this.pos += text.length;
    }
    if (end !== null) throw this.unterminated('double quote', start);
  }

  /** `$` at `pos`: a parameter, `${...}`, `$(...)`, `$((...))`, or a literal dollar sign. */
  private readDollar(b: WordBuilder, quoted: boolean): void {
    const s = this.src;
    const start = this.pos;
    const n = s[this.pos + 1];
    if (n === '(' && s[this.pos + 2] === '(') {
      this.pos += 3;
      this.readArithmetic(new WordBuilder(), start);
      b.expansion(s.slice(start, this.pos), quoted);
      return;
    }
    if (n === '(') {
      this.pos++;
      this.readSubstitution(b, '$(', quoted, start);
      return;
    }
    if (n === '{') {
      this.pos += 2;
      this.readBraceParameter(start, quoted);
      b.expansion(s.slice(start, this.pos), quoted);
      return;
    }
    if (n !== undefined && NAME_START.test(n)) {
      let end = this.pos + 2;
      while (end < s.length && NAME_CHAR.test(s[end]!)) end++;
      this.pos = end;
      b.expansion(s.slice(start, end), quoted);
      return;
    }
    if (n !== undefined && SPECIAL_PARAM.test(n)) {
      this.pos += 2;
      b.expansion(s.slice(start, this.pos), quoted);
      return;
    }
    b.chars('$', quoted);
    this.pos++;
  }

  /** `${...}` after the opening brace: quotes, nested expansions and substitutions are read to the `}`. */
  private readBraceParameter(start: number, inDoubleQuotes: boolean): void {
    const s = this.src;
    const inner = new WordBuilder();
    while (this.pos < s.length) {
      const c = s[this.pos]!;
      if (c === '}') {
        this.pos++;
        return;
      }
      if (c === '\\') {
        this.pos += 2;
        continue;
      }
      if (c === "'" && !inDoubleQuotes) {
        const end = s.indexOf("'", this.pos + 1);
        if (end === -1) throw this.unterminated('single quote', this.pos);
        this.pos = end + 1;
        continue;
      }
      if (c === '"') {
        this.pos++;
        this.readDoubleQuoted(inner, '"');
        continue;
      }
      if (c === '$') {
        this.readDollar(inner, true);
        continue;
      }
      if (c === '`') {
        this.readBackquote(inner, true);
        continue;
      }
      this.pos++;
    }
    throw this.unterminated('parameter expansion ${', start);
  }

  /** An arithmetic expression after `((` or `$((`, to its closing `))`; substitutions inside are read. */
  private readArithmetic(b: WordBuilder, start: number): void {
    const s = this.src;
    let depth = 0;
    while (this.pos < s.length) {
      const c = s[this.pos]!;
      if (c === '(') {
        depth++;
        this.pos++;
      } else if (c === ')') {
        if (depth > 0) {
          depth--;
          this.pos++;
        } else if (s[this.pos + 1] === ')') {
          this.pos += 2;
          return;
        } else
          throw new ShellReadError(
            'ERR_SHELL_UNSUPPORTED',
            `"((" at offset ${start} is neither arithmetic nor a plain subshell; write "( (" to mean subshells`,
          );
      } else if (c === ';' && depth === 0) {
        // Bash would re-read `((a; b))` as nested subshells; writ does not guess.
        throw new ShellReadError(
          'ERR_SHELL_UNSUPPORTED',
          `"((" at offset ${start} holds a ";": ambiguous between arithmetic and nested subshells`,
        );
      } else if (c === '$') this.readDollar(b, true);
      else if (c === '`') this.readBackquote(b, true);
      else if (c === '"') {
        this.pos++;
        this.readDoubleQuoted(b, '"');
      } else if (c === "'") {
        const end = s.indexOf("'", this.pos + 1);
        if (end === -1) throw this.unterminated('single quote', this.pos);
        this.pos = end + 1;
      } else if (c === '\\') this.pos += 2;
      else this.pos++;
    }
    throw this.unterminated('arithmetic "(("', start);
  }

  /** `$(`, `<(` or `>(` at `pos` (pointing at the `(`'s opener): the body is read as commands, in place. */
  private readSubstitution(b: WordBuilder, opener: string, quoted = false, start = this.pos): void {
    const s = this.src;
    if (opener !== '$(') this.pos++;
    // pos is at '('.
    this.pos++;
    const saved = { tok: this.tok, heredocs: this.heredocs, substituted: this.substituted };
    this.tok = null;
    this.heredocs = [];
    this.substituted = true;
    this.enter();
    this.parseList(opener, (t) => this.isOp(t, ')'));
    const t = this.peek();
    if (t.kind === 'eof') throw this.unterminated(`substitution "${opener}"`, start);
    if (!this.isOp(t, ')')) throw this.unexpected(t);
    if (this.heredocs.length > 0)
      throw new ShellReadError(
        'ERR_SHELL_SYNTAX',
        `here-document "${this.heredocs[0]!.delimiter}" inside "${opener}" has no body`,
      );
    this.tok = null;
    this.leave();
    this.tok = saved.tok;
    this.heredocs = saved.heredocs;
    this.substituted = saved.substituted;
    // A process substitution becomes one path (/dev/fd/N); a command substitution splits unless quoted.
    b.expansion(s.slice(start, this.pos), quoted || opener !== '$(');
  }

  /** `` `...` `` at `pos`: the body, after bash's backslash rules, is read as commands. */
  private readBackquote(b: WordBuilder, inDoubleQuotes: boolean): void {
    const s = this.src;
    const start = this.pos;
    this.pos++;
    let body = '';
    while (this.pos < s.length && s[this.pos] !== '`') {
      const c = s[this.pos]!;
      const n = s[this.pos + 1];
      if (c === '\\' && (n === '$' || n === '`' || n === '\\' || (inDoubleQuotes && n === '"'))) {
        body += n;
        this.pos += 2;
      } else {
        body += c;
        this.pos++;
      }
    }
    if (this.pos >= s.length) throw this.unterminated('backquote substitution', start);
    this.pos++;
    this.nested(body, '`');
    b.expansion(s.slice(start, this.pos), inDoubleQuotes);
  }

  /** Reads `text` (a backquote body or an unquoted here-doc body) with the same sink, one level deeper. */
  private nested(text: string, opener: string, heredoc = false): void {
    this.enter();
    const inner = new ShellParser(text, this.sink, this.depth, true);
    if (heredoc) inner.readHeredocBody();
    else {
      inner.parseList(opener, () => false);
      const t = inner.peek();
      if (t.kind !== 'eof') throw inner.unexpected(t);
      if (inner.heredocs.length > 0)
        throw new ShellReadError(
          'ERR_SHELL_SYNTAX',
          `here-document "${inner.heredocs[0]!.delimiter}" inside a backquote substitution has no body`,
        );
    }
    this.leave();
  }

  /** Reads an unquoted here-doc body for its expansions and substitutions. */
  private readHeredocBody(): void {
    this.readDoubleQuoted(new WordBuilder(), null);
  }

  /** Reads the bodies of the here-docs opened on the line just ended. */
  private readHeredocs(): void {
    const pending = this.heredocs;
    this.heredocs = [];
    const s = this.src;
    for (const h of pending) {
      let body = '';
      let found = false;
      while (this.pos < s.length) {
        const nl = s.indexOf('\n', this.pos);
        const end = nl === -1 ? s.length : nl;
        let line = s.slice(this.pos, end);
        this.pos = nl === -1 ? s.length : nl + 1;
        if (h.stripTabs) line = line.replace(/^\t+/, '');
        if (line === h.delimiter) {
          found = true;
          break;
        }
        body += line + '\n';
      }
      if (!found)
        throw new ShellReadError(
          'ERR_SHELL_SYNTAX',
          `here-document "${h.delimiter}" is not closed before the end of the command line`,
        );
      h.redirect.body = body;
      if (!h.quoted) this.nested(body, '<<', true);
    }
  }

  // ---- grammar ------------------------------------------------------------------------------------

  /** A list of and-or lists up to a token `stop` accepts at a command start (not consumed). */
  private parseList(opener: string, stop: (t: Token) => boolean): number {
    this.enter();
    let after = opener;
    let count = 0;
    this.skipNewlines();
    for (;;) {
      const t = this.peek();
      if (t.kind === 'eof' || stop(t)) break;
      if (t.kind === 'word' && t.reserved !== null && CLOSERS.has(t.reserved)) break;
      this.parseAndOr(after);
      count++;
      const sep = this.peek();
      if (this.isOp(sep, ';', '&')) {
        this.take();
        after = sep.kind === 'op' ? sep.op : ';';
        this.skipNewlines();
      } else if (sep.kind === 'newline') {
        this.skipNewlines();
        after = ';';
      } else break;
    }
    this.leave();
    return count;
  }

  /** A list that bash requires to hold at least one command (bodies of compound commands). */
  private parseBody(opener: string, stop: (t: Token) => boolean): void {
    if (this.parseList(opener, stop) === 0) throw this.unexpected(this.peek());
  }

  private parseAndOr(after: string): void {
    this.parsePipeline(after);
    for (;;) {
      const t = this.peek();
      if (!this.isOp(t, '&&', '||')) return;
      this.take();
      this.skipNewlines();
      this.parsePipeline(t.kind === 'op' ? t.op : '&&');
    }
  }

  private parsePipeline(after: string): void {
    let prefixed = false;
    for (;;) {
      const t = this.peek();
      if (this.isWord(t, 'time')) {
        this.take();
        prefixed = true;
        const p = this.peek();
        if (p.kind === 'word' && p.word.raw === '-p') this.take();
      } else if (this.isWord(t, '!')) {
        this.take();
        prefixed = true;
      } else break;
    }
    const first = this.peek();
    if (prefixed && (first.kind === 'eof' || first.kind === 'newline' || this.isOp(first, ';', '&', ')')))
      return;
    this.parseCommand(after);
    for (;;) {
      const t = this.peek();
      if (!this.isOp(t, '|', '|&')) return;
      this.take();
      this.skipNewlines();
      this.parseCommand('|');
    }
  }

  private parseCommand(after: string): void {
    const t = this.peek();
    const mark = this.sink.commands.length;
    if (t.kind === 'arith') {
      this.take();
      this.emit(
        'arith',
        [],
        [{ raw: '((', text: '((', literal: true, mayBeOption: false }, t.word],
        [],
        after,
      );
      this.inheritRedirects(mark);
      return;
    }
    if (this.isOp(t, '(')) {
      this.take();
      this.parseBody('(', (x) => this.isOp(x, ')'));
      this.expectOp(')');
      this.inheritRedirects(mark);
      return;
    }
    if (t.kind === 'word' && t.reserved !== null) {
      switch (t.reserved) {
        case '{':
          this.take();
          this.parseBody('{', (x) => this.isWord(x, '}'));
          this.expectWord('}');
          this.inheritRedirects(mark);
          return;
        case 'if':
          this.parseIf();
          this.inheritRedirects(mark);
          return;
        case 'while':
        case 'until':
          this.take();
          this.parseBody(';', (x) => this.isWord(x, 'do'));
          this.expectWord('do');
          this.parseBody(';', (x) => this.isWord(x, 'done'));
          this.expectWord('done');
          this.inheritRedirects(mark);
          return;
        case 'for':
        case 'select':
          this.parseFor(after);
          this.inheritRedirects(mark);
          return;
        case 'case':
          this.parseCase();
          this.inheritRedirects(mark);
          return;
        case '[[':
          this.parseTest(after);
          this.inheritRedirects(mark);
          return;
        case 'function':
          this.parseFunctionKeyword(after);
          return;
        case 'coproc':
          this.parseCoproc(after);
          return;
        case 'then':
        case 'elif':
        case 'else':
        case 'fi':
        case 'do':
        case 'done':
        case 'esac':
        case '}':
          throw this.unexpected(t);
        default:
          break;
      }
    }
    this.parseSimple(after, null);
  }

  /** Trailing redirections of a compound command apply to every command inside it. */
  private inheritRedirects(mark: number): void {
    const redirects: ShellRedirect[] = [];
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'op' || !REDIRECT_OPS.has(t.op)) break;
      this.take();
      this.readRedirect(t.op, t.fd, redirects);
    }
    if (redirects.length === 0) return;
    // The objects are shared: a here-doc body read after the line reaches every copy.
    for (const c of this.sink.commands.slice(mark)) c.redirects.push(...redirects);
  }

  private readRedirect(op: string, fd: string | null, into: ShellRedirect[]): void {
    const t = this.peek();
    if (t.kind !== 'word') throw this.unexpected(t);
    this.take();
    const redirect: MutableRedirect = { op, fd, target: t.word };
    into.push(redirect);
    if (op === '<<' || op === '<<-') {
      this.heredocs.push({
        delimiter: t.word.text,
        quoted: /['"\\]/.test(t.word.raw),
        stripTabs: op === '<<-',
        redirect,
      });
    }
  }

  private parseSimple(after: string, first: ShellWord | null, firstSeq?: number): void {
    const next = this.peek();
    const seq = firstSeq ?? (next.kind === 'word' ? next.seq : this.sink.seq++);
    const assignments: ShellWord[] = [];
    const words: ShellWord[] = first === null ? [] : [first];
    const redirects: ShellRedirect[] = [];
    for (;;) {
      const t = this.peek();
      if (t.kind === 'word') {
        this.take();
        if (words.length === 0 && ASSIGNMENT.test(t.word.raw)) {
          assignments.push(t.word);
          continue;
        }
        words.push(t.word);
        // `name () compound`: a function definition.
        if (
          words.length === 1 &&
          assignments.length === 0 &&
          redirects.length === 0 &&
          this.isOp(this.peek(), '(')
        ) {
          this.take();
          this.expectOp(')');
          this.parseFunctionBody(t.word, after, seq);
          return;
        }
        continue;
      }
      if (t.kind === 'op' && REDIRECT_OPS.has(t.op)) {
        this.take();
        this.readRedirect(t.op, t.fd, redirects);
        continue;
      }
      break;
    }
    if (words.length === 0 && assignments.length === 0 && redirects.length === 0)
      throw this.unexpected(this.peek());
    this.push('simple', assignments, words, redirects, after, seq);
  }

  private parseFunctionKeyword(after: string): void {
    const seq = this.sink.seq++;
    this.take();
    const name = this.peek();
    if (name.kind !== 'word') throw this.unexpected(name);
    this.take();
    if (this.isOp(this.peek(), '(')) {
      this.take();
      this.expectOp(')');
    }
    this.parseFunctionBody(name.word, after, seq);
  }

  /** A function body is a compound command; its commands are read like any others. */
  private parseFunctionBody(name: ShellWord, after: string, seq: number): void {
    this.skipNewlines();
    const t = this.peek();
    const compound =
      this.isOp(t, '(') ||
      t.kind === 'arith' ||
      (t.kind === 'word' && t.reserved !== null && COMPOUND_START.has(t.reserved));
    if (!compound) throw this.unexpected(t);
    this.push(
      'function',
      [],
      [{ raw: 'function', text: 'function', literal: true, mayBeOption: false }, name],
      [],
      after,
      seq,
    );
    this.parseCommand(';');
  }

  private parseCoproc(after: string): void {
    this.take();
    const t = this.peek();
    if (
      this.isOp(t, '(') ||
      t.kind === 'arith' ||
      (t.kind === 'word' && t.reserved !== null && COMPOUND_START.has(t.reserved))
    ) {
      this.parseCommand('coproc');
      return;
    }
    if (t.kind !== 'word') throw this.unexpected(t);
    this.take();
    const n = this.peek();
    if (
      NAME.test(t.word.raw) &&
      (this.isOp(n, '(') ||
        n.kind === 'arith' ||
        (n.kind === 'word' && n.reserved !== null && COMPOUND_START.has(n.reserved)))
    ) {
      // `coproc NAME compound`: NAME becomes an array variable.
      this.push(
        'simple',
        [{ ...t.word, raw: `${t.word.raw}=`, text: `${t.word.text}=` }],
        [],
        [],
        after,
        this.sink.seq++,
      );
      this.parseCommand('coproc');
      return;
    }
    this.parseSimple('coproc', t.word, t.seq);
  }

  private parseIf(): void {
    this.take();
    this.parseBody(';', (x) => this.isWord(x, 'then'));
    this.expectWord('then');
    this.parseBody(';', (x) => this.isWord(x, 'elif') || this.isWord(x, 'else') || this.isWord(x, 'fi'));
    for (;;) {
      const t = this.peek();
      if (this.isWord(t, 'elif')) {
        this.take();
        this.parseBody(';', (x) => this.isWord(x, 'then'));
        this.expectWord('then');
        this.parseBody(';', (x) => this.isWord(x, 'elif') || this.isWord(x, 'else') || this.isWord(x, 'fi'));
      } else if (this.isWord(t, 'else')) {
        this.take();
        this.parseBody(';', (x) => this.isWord(x, 'fi'));
        this.expectWord('fi');
        return;
      } else {
        this.expectWord('fi');
        return;
      }
    }
  }

  private parseFor(after: string): void {
    this.take();
    const t = this.peek();
    if (t.kind === 'arith') {
      this.take();
      this.emit(
        'arith',
        [],
        [{ raw: '((', text: '((', literal: true, mayBeOption: false }, t.word],
        [],
        after,
      );
    } else {
      if (t.kind !== 'word' || !NAME.test(t.word.raw)) throw this.unexpected(t);
      this.take();
      // The loop variable is assigned like NAME=value.
      this.emit(
        'simple',
        [{ ...t.word, raw: `${t.word.raw}=`, text: `${t.word.text}=`, literal: false }],
        [],
        [],
        after,
      );
      this.skipNewlines();
      if (this.isWord(this.peek(), 'in')) {
        this.take();
        for (;;) {
          const w = this.peek();
          if (w.kind !== 'word') break;
          this.take();
        }
      }
    }
    const sep = this.peek();
    if (this.isOp(sep, ';')) this.take();
    this.skipNewlines();
    const body = this.peek();
    if (this.isWord(body, '{')) {
      this.take();
      this.parseBody('{', (x) => this.isWord(x, '}'));
      this.expectWord('}');
      return;
    }
    this.expectWord('do');
    this.parseBody(';', (x) => this.isWord(x, 'done'));
    this.expectWord('done');
  }

  private parseCase(): void {
    this.take();
    const subject = this.peek();
    if (subject.kind !== 'word') throw this.unexpected(subject);
    this.take();
    this.skipNewlines();
    const inWord = this.peek();
    if (!(inWord.kind === 'word' && inWord.word.raw === 'in' && !inWord.word.text.includes('\\')))
      throw this.unexpected(inWord);
    this.take();
    this.skipNewlines();
    for (;;) {
      const t = this.peek();
      if (this.isWord(t, 'esac')) {
        this.take();
        return;
      }
      if (this.isOp(t, '(')) this.take();
      for (;;) {
        const p = this.peek();
        if (p.kind !== 'word') throw this.unexpected(p);
        this.take();
        if (this.isOp(this.peek(), '|')) {
          this.take();
          continue;
        }
        break;
      }
      this.expectOp(')');
      this.parseList(';', (x) => this.isOp(x, ';;', ';&', ';;&') || this.isWord(x, 'esac'));
      const end = this.peek();
      if (this.isOp(end, ';;', ';&', ';;&')) {
        this.take();
        this.skipNewlines();
        continue;
      }
      this.expectWord('esac');
      return;
    }
  }

  /** `[[ expression ]]`: its words are read (`<` `>` compare, `(` `)` group, `=~` takes a regex word). */
  private parseTest(after: string): void {
    const seq = this.sink.seq++;
    this.take();
    const words: ShellWord[] = [{ raw: '[[', text: '[[', literal: true, mayBeOption: false }];
    for (;;) {
      this.skipBlanksAndNewlines();
      const t = this.peek();
      if (t.kind === 'word') {
        this.take();
        if (t.word.raw === ']]' && !t.word.text.includes('\\') && t.word.literal) break;
        words.push(t.word);
        if (t.word.raw === '=~') words.push(this.readRegexWord());
        continue;
      }
      if (this.isOp(t, '&&', '||', '(', ')', '<', '>')) {
        this.take();
        const op = (t as { op: string }).op;
        words.push({ raw: op, text: op, literal: true, mayBeOption: false });
        continue;
      }
      throw this.unexpected(t);
    }
    this.push('test', [], words, [], after, seq);
  }

  private skipBlanksAndNewlines(): void {
    while (this.peek().kind === 'newline') this.take();
  }

  /** The right side of `=~`: a regular expression whose `(`, `)` and `|` are part of the word. */
  private readRegexWord(): ShellWord {
    if (this.tok !== null) throw this.unexpected(this.tok);
    this.skipBlanks();
    const s = this.src;
    const start = this.pos;
    const b = new WordBuilder();
    let depth = 0;
    while (this.pos < s.length) {
      const c = s[this.pos]!;
      if (c === '(') {
        depth++;
        b.chars(c, false);
        this.pos++;
        continue;
      }
      if (c === ')' && depth > 0) {
        depth--;
        b.chars(c, false);
        this.pos++;
        continue;
      }
      if (c === '|' && depth > 0) {
        b.chars(c, false);
        this.pos++;
        continue;
      }
      if (isMeta(c) && !(c === '<' || c === '>')) break;
      if ((c === '<' || c === '>') && depth === 0) break;
      this.readWordPart(b, start);
    }
    if (this.pos === start) throw this.unexpected(this.peek());
    return { raw: s.slice(start, this.pos), text: b.text, literal: b.literal, mayBeOption: b.mayBeOption };
  }

  // ---- output -------------------------------------------------------------------------------------

  private emit(
    kind: ShellCommandKind,
    assignments: ShellWord[],
    words: ShellWord[],
    redirects: ShellRedirect[],
    after: string,
  ): void {
    this.push(kind, assignments, words, redirects, after, this.sink.seq++);
  }

  private push(
    kind: ShellCommandKind,
    assignments: ShellWord[],
    words: ShellWord[],
    redirects: ShellRedirect[],
    after: string,
    seq: number,
  ): void {
    this.sink.commands.push({
      kind,
      assignments,
      words,
      redirects,
      after,
      substituted: this.substituted,
      seq,
    });
  }
}
