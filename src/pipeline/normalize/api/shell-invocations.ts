/**
 * The invocations of named programs (`kubectl`, `aws`, `redis-cli`) in a tool call's command lines, from the
 * bash reading (src/pipeline/shell/): wrappers such as `sudo`, `env A=1`, `timeout 5` are looked through
 * (shell/command-wrappers.ts), and
 * `bash -c '...'` is read as the line it runs. A line writ cannot read is denied by the check stage before
 * any reading of it counts, so it yields nothing here.
 */
import type { JsonValue } from '../../model/json.js';
import { shellArguments } from '../../shell/read-shell.js';
import { READ_AFRESH, type ShellReader } from '../../shell/shell-reader.js';
import type { ShellReading } from '../../shell/syntax.js';
import { baseName, programIndex } from '../../shell/command-wrappers.js';
import type { ToolCall } from './api-family.js';

/** One run of a program: its base name and its arguments as bash passes them. */
export interface ProgramInvocation {
  /** The program's base name (`/usr/local/bin/kubectl` -> `kubectl`). */
  readonly program: string;
  /** The arguments after the program, as bash passes them (`$VAR` kept as written). */
  readonly args: readonly string[];
  /** False when some argument is an expansion bash would change (its value is not what is shown). */
  readonly literal: boolean;
}

/** Shells whose `-c` argument is a command line. */
const SHELLS: ReadonlySet<string> = new Set(['bash', 'sh', 'zsh', 'dash', 'ksh']);

/** A bound on `bash -c` inside `bash -c`: deeper nesting is named as its own invocation. */
const MAX_NESTING = 4;

function collect(reading: ShellReading, depth: number, shell: ShellReader, out: ProgramInvocation[]): void {
  if (!reading.ok) return;
  for (const c of reading.commands) {
    if (c.kind !== 'simple') continue;
    const texts = c.words.map((w) => w.text);
    const start = programIndex(texts);
    const programWord = texts[start];
    if (programWord === undefined) continue;
    const program = baseName(programWord);
    const rest = c.words.slice(start + 1);
    const dashC = rest.findIndex((w) => /^-[a-z]*c[a-z]*$/.test(w.text));
    const script = dashC === -1 ? undefined : rest[dashC + 1];
    if (SHELLS.has(program) && script !== undefined && depth < MAX_NESTING) {
      collect(shell.read(script.text), depth + 1, shell, out);
      continue;
    }
    out.push({ program, args: rest.map((w) => w.text), literal: rest.every((w) => w.literal) });
  }
}

/** Every run of a program in the tool call's `command`/`cmd`/`script` arguments, in order. */
export function programInvocations(args: JsonValue, shell: ShellReader = READ_AFRESH): ProgramInvocation[] {
  const out: ProgramInvocation[] = [];
  for (const a of shellArguments(args, shell)) collect(a.reading, 0, shell, out);
  return out;
}

/** The runs of the given programs only, in a tool call's command lines read by the call's reader. */
export function invocationsOf(call: ToolCall, programs: ReadonlySet<string>): ProgramInvocation[] {
  return programInvocations(call.arguments, call.shell).filter((i) => programs.has(i.program));
}
