/**
 * Pacing of one decision (issue 15 F7): its deadline runs from the moment the request reached the pipeline,
 * and a costly decision (a large body or URL) takes turns with other costly ones and yields to the event loop
 * between stages, so one caller's bodies cannot hold every other request behind them. Measured choice
 * between this and worker threads: docs/performance-budget.md ("Costly bodies").
 */
import { performance } from 'node:perf_hooks';
import { WritError } from './errors.js';
import type { RawRequest } from './model/raw-request.js';

/**
 * A request whose body plus URL is at least this many bytes is costly: it yields between stages and waits for
 * its turn. Below it a decision costs well under a millisecond and runs straight through (the hot path).
 */
export const COSTLY_REQUEST_BYTES = 64 * 1024;

/** The pace of one decision: checked between stages. */
export interface Pace {
  /** When the decision's deadline passes (performance.now() milliseconds). */
  readonly deadlineAt: number;
  /** Whether this decision yields between stages (see COSTLY_REQUEST_BYTES). */
  readonly costly: boolean;
  /**
   * Between two stages: a costly decision yields to the event loop first. Throws ERR_TIMEOUT (WritError) once
   * the deadline has passed, so no further work is spent on an answer that will be a deny anyway.
   */
  checkpoint(this: void): Promise<void>;
}

/** A pace for a cheap decision that ignores checkpoints (the CLI, tests of one stage). */
export const UNPACED: Pace = Object.freeze({
  deadlineAt: Number.POSITIVE_INFINITY,
  costly: false,
  checkpoint: () => Promise.resolve(),
});

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Whether a request is costly to decide: the bytes that parsing, normalizing and inspecting read. */
export function isCostly(raw: RawRequest): boolean {
  return raw.body.length + raw.path.length >= COSTLY_REQUEST_BYTES;
}

/** The pace of a decision that started at `startedAt` (performance.now()) with `budgetMs` to run. */
export function makePace(startedAt: number, budgetMs: number, costly: boolean): Pace {
  const deadlineAt = startedAt + budgetMs;
  const late = () =>
    new WritError('ERR_TIMEOUT', `the decision passed its ${budgetMs} ms deadline before it was complete`);
  return {
    deadlineAt,
    costly,
    checkpoint: costly
      ? async () => {
          await yieldToEventLoop();
          if (performance.now() > deadlineAt) throw late();
        }
      : () => (performance.now() > deadlineAt ? Promise.reject(late()) : Promise.resolve()),
  };
}

/**
 * Turns for costly decisions: at most `width` run at once, the rest wait (holding no CPU) in arrival order.
 * Cheap decisions never wait here.
 */
export class CostlyTurns {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly width: number) {}

  /** Waits for a turn; the caller must call the returned release exactly once. */
  async acquire(): Promise<() => void> {
    if (this.running >= this.width) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      // The turn passes straight to the next in line; `running` stays as it is.
      if (next !== undefined) next();
      else this.running--;
    };
  }

  /** Costly decisions waiting for a turn (metrics, tests). */
  get queued(): number {
    return this.waiting.length;
  }
}
