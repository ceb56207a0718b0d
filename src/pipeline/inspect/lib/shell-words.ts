/** Shell command lines split into simple commands, so checks see argv, not raw text. */
import { parse } from 'shell-quote';
import { READ_AFRESH, type ShellReader } from '../../shell/shell-reader.js';
import type { ShellCommand } from '../../shell/syntax.js';
import { programIndex } from '../../shell/command-wrappers.js';

/** One simple command: its argv (after wrappers such as `sudo` are dropped) and the operator before it. */
export interface SimpleCommand {
  readonly argv: readonly string[];
  /** The operator or construct that led to it (`;`, `&&`, `|`, `$(`, `` ` ``, `(`...), or `''` for the first. */
  readonly after: string;
  /** Output redirection targets (`> /dev/sda`). */
  readonly redirects: readonly string[];
}

/** Drops privilege and environment wrappers (`sudo env A=1 rm` -> `rm`: shell/command-wrappers.ts). */
function unwrap(argv: string[]): string[] {
  return argv.slice(programIndex(argv));
}

/** Output redirections: the word after one is a file written (`>&word` too, unless it names a descriptor). */
const WRITES = new Set(['>', '>>', '>|', '&>', '&>>', '<>']);

function outputTargets(c: ShellCommand): string[] {
  const out: string[] = [];
  for (const r of c.redirects) {
    if (WRITES.has(r.op) || (r.op === '>&' && !/^(?:[0-9]+|-)$/.test(r.target.text))) out.push(r.target.text);
  }
  return out;
}

/**
 * Splits a command line into simple commands as bash reads it (src/pipeline/shell/): every command, in
 * substitutions and compound bodies too. Never throws: a line bash cannot read (which the check stage denies
 * with its own code) is split by shell-quote's lenient tokenizer, so the inspectors still name what it tried.
 * `shell` is the pipeline's reader (InspectorConfig.shell); absent: the line is read afresh.
 */
export function splitCommands(text: string, shell: ShellReader = READ_AFRESH): SimpleCommand[] {
  const reading = shell.read(text);
  if (!reading.ok) return guessCommands(text);
  const out: SimpleCommand[] = [];
  for (const c of reading.commands) {
    const argv = unwrap(c.words.map((w) => w.text));
    const redirects = outputTargets(c);
    // Keep `$VAR` and substitutions as written: expanding them to "" would hide `rm -rf $HOME`.
    if (argv.length > 0 || redirects.length > 0) out.push({ argv, after: c.after, redirects });
  }
  return out;
}

/**
 * A lenient split of a line bash rejects (`ping x ;id|`), for findings only: such a line never reaches policy,
 * the check stage denies it first (ERR_SHELL_SYNTAX).
 */
const GUESS_LIMIT = 16_384;

function guessCommands(text: string): SimpleCommand[] {
  // PERF: shell-quote is not linear on hostile text; a denied line's findings need only its start.
  const src = text.length > GUESS_LIMIT ? text.slice(0, GUESS_LIMIT) : text;
  let tokens: ReturnType<typeof parse>;
  try {
    // Keep `$VAR` as written: expanding to "" would hide `rm -rf $HOME`.
    tokens = parse(src, (name) => `$${name}`);
  } catch {
    tokens = src.split(/\s+/).filter((w) => w !== '');
  }
  const out: SimpleCommand[] = [];
  let argv: string[] = [];
  let redirects: string[] = [];
  let after = '';
  let pendingRedirect = false;
  const flush = (op: string) => {
    const words = unwrap(argv);
    if (words.length > 0 || redirects.length > 0) out.push({ argv: words, after, redirects });
    argv = [];
    redirects = [];
    after = op;
  };
  for (const token of tokens) {
    if (typeof token === 'string') {
      if (pendingRedirect) {
        redirects.push(token);
        pendingRedirect = false;
      } else argv.push(token);
      continue;
    }
    if ('op' in token) {
      if (token.op === 'glob') {
        argv.push(token.pattern);
      } else if (
        token.op === '>' ||
        token.op === '>>' ||
        token.op === '>&' ||
        token.op === '<' ||
        token.op === '<('
      ) {
        pendingRedirect = token.op !== '<' && token.op !== '<(';
        if (!pendingRedirect) continue;
      } else {
        flush(token.op);
      }
    }
    // Comments end the command line for the shell, so they carry no command.
  }
  flush('');
  return out;
}

/** The program name of a command without its directory (`/bin/rm` -> `rm`). */
export function programName(argv: readonly string[]): string {
  const word = argv[0] ?? '';
  return word.slice(word.lastIndexOf('/') + 1).toLowerCase();
}
