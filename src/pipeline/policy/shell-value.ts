/** The value of the `action.shell` dimension: the bash readings of a call's command lines. */
import type { ShellReading } from '../shell/syntax.js';

/** The readings of every command line of the call, in argument order (none: the dimension is null). */
export interface ShellValue {
  readonly kind: 'shell';
  readonly readings: readonly ShellReading[];
  /** A compact form for explanations: each line's programs, or its deny code. */
  toJSON(): unknown;
}

/** Makes the `action.shell` value of a call's readings. */
export function shellValue(readings: readonly ShellReading[]): ShellValue {
  return Object.freeze({
    kind: 'shell' as const,
    readings,
    toJSON: () =>
      readings.map((r) =>
        r.ok ? r.commands.map((c) => c.words[0]?.text ?? c.kind) : { unreadable: r.code },
      ),
  });
}

/** True when `v` is an `action.shell` value. */
export function isShellValue(v: unknown): v is ShellValue {
  return (
    typeof v === 'object' && v !== null && !Array.isArray(v) && (v as { kind?: unknown }).kind === 'shell'
  );
}
