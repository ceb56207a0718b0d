/**
 * `Date#toISOString` for audit records, without a Date per record: the text up to the seconds is
 * cached per second and only the milliseconds change (toISOString cost about as much as the record's
 * SHA-256 here). One instance per audit log, so no module holds the cached second.
 */
export class IsoTime {
  #cachedSecond = Number.NaN;
  #cachedPrefix = '';

  /** Exactly what `new Date(ms).toISOString()` writes. */
  format(ms: number): string {
    // Fractional times (Date truncates them) are not what clocks give; leave them to Date.
    if (!Number.isInteger(ms)) return new Date(ms).toISOString();
    const second = Math.floor(ms / 1000);
    const millis = ms - second * 1000;
    if (second !== this.#cachedSecond) {
      const text = new Date(second * 1000).toISOString();
      // Years before 0 or after 9999 are written with a sign and six digits; leave those to Date.
      if (text.length !== 24) return new Date(ms).toISOString();
      this.#cachedPrefix = text.slice(0, 20); // "YYYY-MM-DDTHH:MM:SS."
      this.#cachedSecond = second;
    }
    return `${this.#cachedPrefix}${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
  }
}
