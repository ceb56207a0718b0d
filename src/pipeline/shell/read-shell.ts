/**
 * The command lines of a tool call: `shellArguments` finds them and reads each through the pipeline's
 * reader (shell-reader.ts: the way bash does, no window, no guessing). Unreadable is never harmless.
 */
import { keptFacts, settled } from '../kept-arguments.js';
import { INSPECTION_LIMITS, inspectionLimit } from '../model/inspection-limits.js';
import type { JsonValue } from '../model/json.js';
import { READ_AFRESH, type ShellReader } from './shell-reader.js';
import type { ShellCommand, ShellReadCode, ShellReading, ShellWord } from './syntax.js';

/** Argument keys whose string value is a shell command line (or, as a list, an argv). */
export const COMMAND_KEYS: ReadonlySet<string> = new Set(['command', 'cmd', 'script']);
const LONGEST_COMMAND_KEY = Math.max(...[...COMMAND_KEYS].map((k) => k.length));
/** The depth every walker over parsed arguments covers (the parser refuses deeper): nothing below is skipped. */
const MAX_WALK_DEPTH = INSPECTION_LIMITS.maxDepth;

/** A literal word (an argv element passed as a JSON string is never expanded by a shell). */
function literalWord(text: string): ShellWord {
  return { raw: text, text, literal: true, mayBeOption: text.startsWith('-') };
}

/** An argv given as a JSON list: one simple command of literal words, run without a shell. */
export function readArgv(argv: readonly string[]): ShellReading {
  const command: ShellCommand = {
    kind: 'simple',
    assignments: [],
    words: argv.map(literalWord),
    redirects: [],
    after: '',
    substituted: false,
  };
  return { ok: true, commands: [command] };
}

/** One command line found in a tool call's arguments, with its reading. */
export interface ShellArgument {
  /** Where it is (`arguments.command`, `arguments.steps[1].cmd`). */
  readonly path: string;
  readonly reading: ShellReading;
}

/**
 * Every command line a tool call's `command`, `cmd` or `script` arguments hold, at any depth: a string is
 * read as a bash command line (by `shell`, the pipeline's reader), a list of strings as an argv (a list holding anything else is unreadable).
 * Throws ERR_INSPECTION_LIMIT past the depth the parser accepts (it never skips what it cannot reach).
 */
export function shellArguments(args: JsonValue, shell: ShellReader = READ_AFRESH): ShellArgument[] {
  // Arguments kept on the inspection thread were walked there by this same function (kept-arguments.ts).
  const kept = keptFacts(args);
  if (kept !== undefined) return [...settled(kept.shellArguments)];
  const out: ShellArgument[] = [];
  // PERF: a path is spelled only for a command key found (a body may hold 50,000 other keys, and this walk
  // runs once per adapter that reads shell lines): the walk keeps the steps, not a string per key.
  const steps: (string | number)[] = [];
  const pathOf = (key: string): string => {
    let at = 'arguments';
    for (const s of steps) at += typeof s === 'number' ? `[${s}]` : `.${s}`;
    return `${at}.${key}`;
  };
  const walk = (v: JsonValue, depth: number): void => {
    if (depth > MAX_WALK_DEPTH) throw inspectionLimit(`arguments nest deeper than ${MAX_WALK_DEPTH} levels`);
    if (v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        steps.push(i);
        walk(v[i] as JsonValue, depth + 1);
        steps.pop();
      }
      return;
    }
    for (const key of Object.keys(v)) {
      const value = v[key] as JsonValue;
      if (key.length <= LONGEST_COMMAND_KEY && COMMAND_KEYS.has(key.toLowerCase())) {
        if (typeof value === 'string') out.push({ path: pathOf(key), reading: shell.read(value) });
        else if (Array.isArray(value) && value.length > 0) {
          const at = pathOf(key);
          out.push({
            path: at,
            reading: value.every((x) => typeof x === 'string')
              ? readArgv(value)
              : {
                  ok: false,
                  code: 'ERR_SHELL_UNSUPPORTED',
                  message: `${at} is a list that is not an argv of strings`,
                },
          });
        }
      }
      // A scalar has nothing below it, but the depth check still counts it as its parent's walk did.
      if (value !== null && typeof value === 'object') {
        steps.push(key);
        walk(value, depth + 1);
        steps.pop();
      } else if (depth + 1 > MAX_WALK_DEPTH) {
        throw inspectionLimit(`arguments nest deeper than ${MAX_WALK_DEPTH} levels`);
      }
    }
  };
  walk(args, 0);
  return out;
}

/** The first command line of a tool call writ cannot read completely, with its deny code; null when none. */
export function unreadableShellArgument(
  args: JsonValue,
  shell: ShellReader = READ_AFRESH,
): { readonly code: ShellReadCode; readonly message: string } | null {
  for (const a of shellArguments(args, shell)) {
    if (!a.reading.ok) return { code: a.reading.code, message: `${a.path}: ${a.reading.message}` };
  }
  return null;
}
