/**
 * What a start has opened so far, so that a failed start closes every part it opened (in reverse order)
 * and a clean stop closes them the same way: servers first, then state and audit, then watchers.
 */
import type { PipelineLogger } from './pipeline/deps.js';

/** Closes one part; `graceMs` is how long a server may drain (0 on a failed start). */
type Close = (graceMs: number) => void | Promise<void>;

/** A stack of opened parts. */
export class OpenedParts {
  private readonly parts: { readonly name: string; readonly close: Close }[] = [];

  constructor(private readonly log: PipelineLogger) {}

  /** Records an opened part and returns it. */
  add<T>(name: string, part: T, close: (part: T, graceMs: number) => void | Promise<void>): T {
    this.parts.push({ name, close: (graceMs) => close(part, graceMs) });
    return part;
  }

  /** The names of the open parts, oldest first (tests and logs). */
  names(): string[] {
    return this.parts.map((p) => p.name);
  }

  /** Closes every part, newest first; one that fails to close is logged and the rest still close. */
  async closeAll(graceMs: number): Promise<void> {
    while (this.parts.length > 0) {
      const part = this.parts.pop()!;
      try {
        await part.close(graceMs);
      } catch (err) {
        this.log.error({ err, part: part.name }, 'closing a part failed');
      }
    }
  }
}
