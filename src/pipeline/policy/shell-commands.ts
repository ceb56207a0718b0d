/**
 * Program names of the shell command lines in a tool call's arguments, for `action.command(s)`, from the
 * bash reading (src/pipeline/shell/). Errs on the side of naming too many: an allowlist rule then denies.
 */
import type { JsonValue } from '../model/json.js';
import { shellArguments } from '../shell/read-shell.js';
import { readShell, READ_AFRESH, type ShellReader } from '../shell/shell-reader.js';
import type { ShellCommand, ShellReading } from '../shell/syntax.js';

/** Named in place of a line writ could not read (the check stage denies it before policy runs). */
export const UNREADABLE_COMMAND = '(unreadable)';

/**
 * What one simple command names: its program word as bash passes it (an expanded or substituted program
 * is named as written, `$(echo rm)`, which no allowlist holds), `[[` / `((` for tests and arithmetic,
 * `function` for a definition, and `NAME=` for each variable it assigns (`PATH=/tmp ls` names `PATH=`
 * and `ls`): assigning a variable changes what later programs do.
 */
function names(c: ShellCommand): string[] {
  const out = c.assignments.map((a) => a.raw.slice(0, a.raw.indexOf('=') + 1).replace(/\+=$/, '='));
  const program = c.words[0];
  if (program !== undefined) out.push(program.literal ? program.text : program.raw);
  return out;
}

/** The programs (and assigned variables) of one reading, in order. */
export function readingCommands(reading: ShellReading): string[] {
  if (!reading.ok) return [UNREADABLE_COMMAND];
  return reading.commands.flatMap(names);
}

/** Every program named by `command`/`cmd`/`script` arguments (argv lists name their first element). */
export function argumentCommands(args: JsonValue, shell: ShellReader = READ_AFRESH): string[] {
  return shellArguments(args, shell).flatMap((a) => readingCommands(a.reading));
}

/** The programs (and assigned variables) one command line names. */
export function commandNames(text: string): string[] {
  return readingCommands(readShell(text));
}
