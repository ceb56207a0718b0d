/**
 * Reading a command line as bash does, and the reader that carries it: a pipeline owns one `ShellReadingMemo`
 * (created with it, like its TokenCodec), so the adapters, the inspectors and the policy of one decision read
 * each line once and two pipelines never share a memo. Callers outside a pipeline read afresh.
 */
import { BoundedCache } from '../normalize/bounded-cache.js';
import { ShellParser, ShellReadError } from './parser.js';
import type { ShellReading } from './syntax.js';

/** Reads a whole command line as bash would; every simple command in it, or why it cannot be read. */
export function readShell(text: string): ShellReading {
  try {
    const commands = new ShellParser(text).parseProgram();
    return Object.freeze({ ok: true, commands: Object.freeze(commands) });
  } catch (err) {
    if (err instanceof ShellReadError)
      return Object.freeze({ ok: false, code: err.code, message: err.message });
    // SECURITY: a stack overflow or any other surprise is a line writ could not read, never a clean one.
    if (err instanceof RangeError)
      return Object.freeze({ ok: false, code: 'ERR_SHELL_LIMIT', message: 'command line too deeply nested' });
    throw err;
  }
}

/** What reads command lines for a pipeline's parts: the same answer as `readShell`, perhaps remembered. */
export interface ShellReader {
  read(text: string): ShellReading;
}

/** The reader of callers outside a pipeline (the CLI, policy tests): every line read afresh. */
export const READ_AFRESH: ShellReader = Object.freeze({ read: readShell });

/** The longest line the main memo keeps; longer lines have a memo of their own, a few entries deep. */
const LONG_LINE = 64 * 1024;

/**
 * One pipeline's reader. PERF: the inspectors and the policy read the same lines in one decision, and a
 * reading is immutable; long lines get a memo a few entries deep, so memory stays bounded by a few bodies.
 */
export class ShellReadingMemo implements ShellReader {
  readonly #lines = new BoundedCache<ShellReading>(256, LONG_LINE);
  readonly #longLines = new BoundedCache<ShellReading>(4, Number.MAX_SAFE_INTEGER);

  read(text: string): ShellReading {
    return text.length <= LONG_LINE ? this.#lines.get(text, readShell) : this.#longLines.get(text, readShell);
  }
}
