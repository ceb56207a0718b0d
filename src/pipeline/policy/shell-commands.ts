/**
 * Program names of the shell command lines in a tool call's arguments, for `action.command(s)`. Errs on
 * the side of naming too many programs: an allowlist rule then denies, it never lets one through unseen.
 */
import { parse } from 'shell-quote';
import { INSPECTION_LIMITS, inspectionLimit } from '../model/inspection-limits.js';
import type { JsonValue } from '../model/json.js';

/** Argument keys whose string value is a shell command line (or, as a list, an argv). */
const COMMAND_KEYS = new Set(['command', 'cmd', 'script']);
/** Redirection operators: the word after one is a file, not a program. */
const REDIRECTS = new Set(['>', '>>', '<', '>&', '<&', '>|', '<<', '<<<', '&>', '&>>']);
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;
/** Shown in place of a substitution shell-quote does not split (backticks); no allowlist holds it. */
export const OPAQUE_COMMAND = '`';
/** The depth every walker over parsed arguments covers (the parser refuses deeper): nothing below is skipped. */
const MAX_DEPTH = INSPECTION_LIMITS.maxDepth;
const MAX_TEXT = 16_384;

/** The programs one command line starts, in order (`ls -l | wc; rm x` -> ls, wc, rm). */
export function commandNames(text: string): string[] {
  const names: string[] = [];
  // shell-quote drops newlines, which separate commands like `;` does.
  for (const line of text.slice(0, MAX_TEXT).split(/[\r\n]+/)) {
    // SECURITY: shell-quote keeps backticks inside words, so a backtick substitution cannot be split; name it opaquely.
    if (line.includes('`')) names.push(OPAQUE_COMMAND);
    let tokens: ReturnType<typeof parse>;
    try {
      tokens = parse(line, (key) => `$${key}`);
    } catch {
      const first = line.trim().split(/\s+/, 1)[0];
      if (first !== undefined && first !== '') names.push(first);
      continue;
    }
    let atCommand = true;
    let afterRedirect = false;
    for (const token of tokens) {
      if (typeof token === 'string' || (typeof token === 'object' && 'pattern' in token)) {
        const word = typeof token === 'string' ? token : token.pattern;
        if (afterRedirect) afterRedirect = false;
        else if (atCommand && ASSIGNMENT.test(word)) continue;
        else if (atCommand) {
          names.push(word);
          atCommand = false;
        }
      } else if ('op' in token) {
        // Every control operator, `(`, `$(`, `<(` and even `)` opens a command position: naming an argument
        // as a program only makes an allowlist stricter.
        if (REDIRECTS.has(token.op)) afterRedirect = true;
        else atCommand = true;
      }
    }
  }
  return names;
}

/** Every program named by `command`/`cmd`/`script` arguments (argv lists name their first element). */
export function argumentCommands(args: JsonValue): string[] {
  const out: string[] = [];
  const walk = (v: JsonValue, depth: number): void => {
    if (depth > MAX_DEPTH) throw inspectionLimit(`arguments nest deeper than ${MAX_DEPTH} levels`);
    if (v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      for (const item of v) walk(item, depth + 1);
      return;
    }
    for (const [key, value] of Object.entries(v)) {
      if (COMMAND_KEYS.has(key.toLowerCase())) {
        if (typeof value === 'string') out.push(...commandNames(value));
        else if (Array.isArray(value) && typeof value[0] === 'string') out.push(value[0]);
      }
      walk(value, depth + 1);
    }
  };
  walk(args, 0);
  return out;
}
