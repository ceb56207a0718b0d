/** The state store interface: single-use token ids now; approvals, rate counters and pins share it. */

/** Shared state. Every method rejects when the backend is unreachable; callers turn that into a deny. */
export interface StateStore {
  /** Marks `key` used for `ttlMs`; true on the first call, false on every later one (atomic across replicas). */
  consumeOnce(key: string, ttlMs: number): Promise<boolean>;
  close(): Promise<void>;
}

/** Thrown when the backing store cannot be reached; the decision becomes ERR_STATE_UNAVAILABLE. */
export class StateUnavailableError extends Error {
  override readonly name = 'StateUnavailableError';
}
