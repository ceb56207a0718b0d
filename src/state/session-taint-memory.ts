/**
 * Session taint in this process's memory: the single-replica half of the memory store. Each method runs
 * to completion synchronously, so each one is atomic within the process.
 */
import {
  boundedSource,
  checkTaintKeys,
  MAX_TAINT_SOURCES,
  type SessionTaintStore,
  type TaintRecord,
} from './session-taint.js';

/** The memory taint plus what the memory store needs to persist and sweep it. */
export interface MemoryTaint extends SessionTaintStore {
  /** Every record held (expired ones included until swept), for the state file. */
  records(): readonly TaintRecord[];
  /** Drops records expired at `nowMs`. */
  sweep(nowMs: number): void;
  clear(): void;
}

const NONE: Promise<readonly TaintRecord[]> = Promise.resolve(Object.freeze([]));

/**
 * A taint map in memory, seeded with `initial` (records read back from the state file). `changed` runs
 * after every change (the memory store persists there) and may throw: the change then rejects.
 */
export function createMemoryTaint(
  initial: readonly TaintRecord[] = [],
  changed: () => void = () => undefined,
): MemoryTaint {
  const taints = new Map<string, TaintRecord>();
  for (const r of initial) taints.set(r.key, Object.freeze({ ...r }));
  const settle = <T>(result: T): Promise<T> => {
    try {
      changed();
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    return Promise.resolve(result);
  };

  return {
    markTaint(keys, source, ttlMs) {
      const stored = boundedSource(source);
      const expiresAt = stored.at + ttlMs;
      for (const key of new Set(keys)) {
        const held = taints.get(key);
        // A lapsed taint is gone: a new mark starts a new record rather than reviving the old reads.
        const prior = held !== undefined && held.expiresAt > stored.at ? held : undefined;
        taints.set(
          key,
          Object.freeze({
            key,
            sources: Object.freeze([...(prior?.sources ?? []), stored].slice(-MAX_TAINT_SOURCES)),
            expiresAt: Math.max(expiresAt, prior?.expiresAt ?? 0),
          }),
        );
      }
      return settle(undefined);
    },

    taintOf(keys, nowMs) {
      checkTaintKeys(keys);
      // PERF: the common case (no session tainted) allocates nothing.
      if (taints.size === 0) return NONE;
      const out: TaintRecord[] = [];
      for (const key of keys) {
        const r = taints.get(key);
        if (r !== undefined && r.expiresAt > nowMs) out.push(r);
      }
      return out.length === 0 ? NONE : Promise.resolve(out);
    },

    clearTaint(key) {
      const r = taints.get(key);
      if (r === undefined) return Promise.resolve(null);
      taints.delete(key);
      return settle(r);
    },

    listTaints(limit, nowMs) {
      const live = [...taints.values()].filter((r) => r.expiresAt > nowMs);
      const last = (r: TaintRecord) => r.sources[r.sources.length - 1]?.at ?? 0;
      return Promise.resolve(live.sort((a, b) => last(b) - last(a)).slice(0, Math.max(0, limit)));
    },

    records: () => [...taints.values()],

    sweep(nowMs) {
      for (const [key, r] of taints) if (r.expiresAt <= nowMs) taints.delete(key);
    },

    clear: () => taints.clear(),
  };
}
