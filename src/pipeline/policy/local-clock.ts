/** Hour and weekday of an instant in one policy set's time zone, memoized per 15-minute bucket. */
import type { PolicyInput } from './policy-input.js';

const BUCKET_MS = 15 * 60 * 1000;

/** The local hour (0-23) and weekday (`mon`..`sun`) of the decision's time. */
export interface LocalTime {
  readonly hour: number;
  readonly weekday: string;
}

/**
 * Built once per policy set at load (its `settings.timezone`), so the formatter and the last bucket
 * belong to that set, not to a module. formatToParts costs ~10 µs, a decision far less: the result is
 * kept per 15-minute UTC bucket, since every zone offset in use is a multiple of 15 minutes and changes
 * on such a boundary, so the local hour and weekday cannot change inside a bucket.
 */
export class LocalClock {
  readonly #format: Intl.DateTimeFormat;
  #last: { readonly bucket: number; readonly hour: number; readonly weekday: string } | null = null;

  constructor(timezone: string) {
    this.#format = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hour: 'numeric',
      hourCycle: 'h23',
      weekday: 'short',
    });
  }

  /** The local time of `input`'s action, shared by every time dimension of one decision. */
  at(input: PolicyInput): LocalTime {
    const cached = input.memo.get('time');
    if (cached !== undefined) return cached as LocalTime;
    const ms = input.action.context.timeMs;
    const bucket = Math.floor(ms / BUCKET_MS);
    const last = this.#last;
    if (last !== null && last.bucket === bucket) {
      input.memo.set('time', last);
      return last;
    }
    let hour = 0;
    let weekday = 'sun';
    for (const part of this.#format.formatToParts(ms)) {
      if (part.type === 'hour') hour = Number(part.value);
      if (part.type === 'weekday') weekday = part.value.slice(0, 3).toLowerCase();
    }
    const value = Object.freeze({ bucket, hour, weekday });
    this.#last = value;
    input.memo.set('time', value);
    return value;
  }
}
