/** In-memory state store: the embedded default for a single process, nothing to install. */
import type { StateStore } from './store.js';

/** A store in this process's memory; expired keys are swept lazily and on a timer. */
export function createMemoryStore(now: () => number = Date.now): StateStore {
  const used = new Map<string, number>();
  const sweep = () => {
    const t = now();
    for (const [k, exp] of used) if (exp <= t) used.delete(k);
  };
  const timer = setInterval(sweep, 10_000);
  timer.unref();
  return {
    consumeOnce(key, ttlMs) {
      const t = now();
      const exp = used.get(key);
      if (exp !== undefined && exp > t) return Promise.resolve(false);
      used.set(key, t + ttlMs);
      return Promise.resolve(true);
    },
    close() {
      clearInterval(timer);
      used.clear();
      return Promise.resolve();
    },
  };
}
