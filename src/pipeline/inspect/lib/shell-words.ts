/** Shell command lines split into simple commands with shell-quote, so checks see argv, not raw text. */
import { parse } from 'shell-quote';

/** One simple command: its argv (after wrappers such as `sudo` are dropped) and the operator before it. */
export interface SimpleCommand {
  readonly argv: readonly string[];
  /** The control operator that preceded it (`;`, `&&`, `|`, `$(`...), or `''` for the first command. */
  readonly after: string;
  /** Output redirection targets (`> /dev/sda`). */
  readonly redirects: readonly string[];
}

/** Longer command lines are tokenized in their first window only; callers also scan the full text lexically. */
export const SHELL_PARSE_LIMIT = 16_384;

const WRAPPERS = new Set([
  'sudo',
  'doas',
  'env',
  'nohup',
  'time',
  'command',
  'builtin',
  'exec',
  'nice',
  'ionice',
  'xargs',
  'timeout',
  'stdbuf',
  'chroot',
  'su',
]);

/** Drops privilege and environment wrappers (`sudo -u x env A=1 rm` -> `rm`). */
function unwrap(argv: string[]): string[] {
  let i = 0;
  while (i < argv.length) {
    const word = argv[i] ?? '';
    const base = word.slice(word.lastIndexOf('/') + 1);
    if (WRAPPERS.has(base)) {
      i++;
      // Skip the wrapper's own options and VAR=value assignments (and `timeout 5`'s duration).
      while (i < argv.length && /^(?:-|[A-Za-z_][A-Za-z0-9_]*=|\d+[smhd]?$)/.test(argv[i] ?? '')) i++;
      continue;
    }
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(word)) {
      i++;
      continue;
    }
    break;
  }
  return argv.slice(i);
}

/** Splits a command line into simple commands; never throws (a parse failure yields a whitespace split). */
export function splitCommands(text: string): SimpleCommand[] {
  const src = text.length > SHELL_PARSE_LIMIT ? text.slice(0, SHELL_PARSE_LIMIT) : text;
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
