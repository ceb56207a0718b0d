/** The shell reading's model: words, redirections and the simple commands bash would run, and why a read fails. */

/** One word as bash reads it. */
export interface ShellWord {
  /** The source text of the word, exactly as written. */
  readonly raw: string;
  /**
   * The word after quote removal, with every expansion kept as written (`$HOME`, `$(id)`, `*.ts`): what
   * bash passes when `literal` is true, and a readable stand-in when it is not.
   */
  readonly text: string;
  /** True when bash passes `text` unchanged: no expansion, substitution, glob, brace or tilde. */
  readonly literal: boolean;
  /**
   * True when the word may reach the program as an option: it starts with `-`, or bash may split or expand
   * it into words that do (an unquoted expansion anywhere, a glob or brace at its start).
   */
  readonly mayBeOption: boolean;
}

/** One redirection: `2>&1`, `> /etc/x`, `<<EOF`, `<<< text`. */
export interface ShellRedirect {
  /** The operator: `<` `>` `>>` `>|` `<>` `<&` `>&` `&>` `&>>` `<<` `<<-` `<<<`. */
  readonly op: string;
  /** The file descriptor written before it (`2`, `{fd}`), or null. */
  readonly fd: string | null;
  /** The target word (a file, a descriptor, `-`), or for a here-doc its delimiter. */
  readonly target: ShellWord;
  /** The here-doc body, for `<<` and `<<-`. */
  readonly body?: string;
}

/** What a simple command is: a program with arguments, or a construct bash evaluates itself. */
export type ShellCommandKind =
  /** A program, builtin or function call with its arguments (or only assignments and redirections). */
  | 'simple'
  /** `[[ ... ]]`: words[0] is `[[`. */
  | 'test'
  /** `(( ... ))` or a C-style `for ((...))`: words[0] is `((`, words[1] the expression. */
  | 'arith'
  /** `name() { ... }` or `function name`: words[0] is `function`, words[1] the name; the body is read apart. */
  | 'function';

/** One simple command anywhere in the line: top level, compound bodies, substitutions, here-docs. */
export interface ShellCommand {
  readonly kind: ShellCommandKind;
  /** `NAME=value` words before the program (and a `for`/`select` loop variable as `NAME=`). */
  readonly assignments: readonly ShellWord[];
  /** The program and its arguments (empty for a command of assignments or redirections only). */
  readonly words: readonly ShellWord[];
  /** Its redirections, and those of every compound command around it. */
  readonly redirects: readonly ShellRedirect[];
  /**
   * What led to it: `''` first, a separator (`;` for a newline or compound keyword, `&&`, `||`, `|`, `&`),
   * or the construct it opens (`(`, `{`, `$(`, `` ` ``, `<(`, `>(`, `coproc`).
   */
  readonly after: string;
  /** True inside a command or process substitution (its output becomes another command's words). */
  readonly substituted: boolean;
}

/** Why a command line could not be read completely; each is its own deny code. */
export type ShellReadCode = 'ERR_SHELL_SYNTAX' | 'ERR_SHELL_UNSUPPORTED' | 'ERR_SHELL_LIMIT';

/** A command line read completely, or the reason it could not be. */
export type ShellReading =
  | { readonly ok: true; readonly commands: readonly ShellCommand[] }
  | { readonly ok: false; readonly code: ShellReadCode; readonly message: string };
