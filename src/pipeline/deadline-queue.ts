/**
 * Deadlines for decisions in flight, on one timer. Every decision gets the same budget from the moment it
 * began, and decisions begin in the order they are raced, so deadlines expire in the order they were set: a FIFO queue and a single timer armed for its head replace a
 * setTimeout, a clearTimeout and a Promise.race per call (measured: the per-call timer pair was the
 * largest cost of an allowed decision after signing and inspection).
 */
import { performance } from 'node:perf_hooks';

interface Entry {
  readonly at: number;
  /** Null once settled: a settled entry waits for its deadline to pass without holding the request. */
  expire: (() => void) | null;
}

/** Drop settled entries from the front once this many have piled up (the array is then compacted). */
const COMPACT_AFTER = 1024;

export class DeadlineQueue {
  private entries: Entry[] = [];
  private head = 0;
  private timer: NodeJS.Timeout | null = null;
  private armedFor = Number.POSITIVE_INFINITY;

  constructor(private readonly budgetMs: number) {}

  /**
   * Settles with the pending value, or with `onTimeout()` once the budget (counted from `startedAt`, a
   * performance.now() time: when the decision began, synchronous work included) is spent, whichever is first;
   * a rejection of `pending` settles with `onError(err)`. Never rejects. INVARIANT: a value that arrives after
   * the deadline is late even when the timer could not fire (the event loop was busy): it settles as a timeout.
   */
  race<T>(
    pending: Promise<T>,
    onTimeout: () => T,
    onError: (err: unknown) => T,
    startedAt: number = performance.now(),
  ): Promise<T> {
    return new Promise<T>((resolve) => {
      const entry: Entry = {
        at: startedAt + this.budgetMs,
        expire: () => {
          entry.expire = null;
          resolve(onTimeout());
        },
      };
      this.entries.push(entry);
      this.arm();
      pending.then(
        (value) => {
          if (entry.expire === null) return;
          entry.expire = null;
          // SECURITY: late is a timeout, never the (possibly allowing) value that came too late.
          resolve(performance.now() > entry.at ? onTimeout() : value);
        },
        (err: unknown) => {
          if (entry.expire === null) return;
          entry.expire = null;
          resolve(performance.now() > entry.at ? onTimeout() : onError(err));
        },
      );
    });
  }

  /** Decisions whose deadline has not passed yet, settled or not (tests, metrics). */
  get size(): number {
    return this.entries.length - this.head;
  }

  private arm(): void {
    const first = this.entries[this.head];
    if (first === undefined || first.at >= this.armedFor) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.armedFor = first.at;
    this.timer = setTimeout(() => this.fire(), Math.max(0, first.at - performance.now()));
    // Pending decisions hold their own I/O open; the deadline alone must not keep a closing process up.
    this.timer.unref();
  }

  private fire(): void {
    this.timer = null;
    this.armedFor = Number.POSITIVE_INFINITY;
    const now = performance.now();
    while (this.head < this.entries.length) {
      const entry = this.entries[this.head] as Entry;
      if (entry.expire !== null && entry.at > now) break;
      this.head++;
      entry.expire?.();
    }
    if (this.head >= COMPACT_AFTER || this.head === this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
    this.arm();
  }
}
