/**
 * In-memory state store: the embedded default for a single process, nothing to install. Every method
 * runs to completion synchronously, so each one is atomic within the process.
 */
import {
  APPROVAL_RETAIN_MS,
  sessionKey,
  subjectKey,
  type ApprovalRecord,
  type QuarantineRecord,
  type RateHit,
  type StateStore,
} from './store.js';

const NONE: Promise<null> = Promise.resolve(null);

/** A store in this process's memory; expired keys are swept lazily and on a timer. */
export function createMemoryStore(now: () => number = Date.now): StateStore {
  const used = new Map<string, number>();
  const approvals = new Map<string, ApprovalRecord>();
  /** `subject \n actionHash` -> approval id, for pending, approved and denied approvals only. */
  const bound = new Map<string, string>();
  const windows = new Map<string, { count: number; resetAt: number }>();
  const quarantines = new Map<string, QuarantineRecord>();
  const pins = new Map<string, string>();
  const bindKey = (r: ApprovalRecord) => `${r.subject}\n${r.actionHash}`;

  const sweep = () => {
    const t = now();
    for (const [k, exp] of used) if (exp <= t) used.delete(k);
    for (const [k, w] of windows) if (w.resetAt <= t) windows.delete(k);
    for (const [id, r] of approvals) {
      if (r.expiresAt + APPROVAL_RETAIN_MS <= t) {
        approvals.delete(id);
        if (bound.get(bindKey(r)) === id) bound.delete(bindKey(r));
      }
    }
  };
  const timer = setInterval(sweep, 10_000);
  timer.unref();

  const update = (r: ApprovalRecord, patch: Partial<ApprovalRecord>): ApprovalRecord => {
    const next = Object.freeze({ ...r, ...patch });
    approvals.set(r.id, next);
    return next;
  };

  return {
    consumeOnce(key, ttlMs) {
      const t = now();
      const exp = used.get(key);
      if (exp !== undefined && exp > t) return Promise.resolve(false);
      used.set(key, t + ttlMs);
      return Promise.resolve(true);
    },

    resolveApproval(candidate, nowMs) {
      const key = bindKey(candidate);
      const id = bound.get(key);
      const existing = id === undefined ? undefined : approvals.get(id);
      if (existing === undefined) {
        const record = Object.freeze({ ...candidate, status: 'pending' as const });
        approvals.set(record.id, record);
        bound.set(key, record.id);
        return Promise.resolve({ resolution: 'created' as const, record });
      }
      if (nowMs > existing.expiresAt) {
        bound.delete(key);
        // A denied approval keeps its status; a pending or approved one becomes expired.
        const record = existing.status === 'denied' ? existing : update(existing, { status: 'expired' });
        return Promise.resolve({ resolution: 'expired' as const, record });
      }
      switch (existing.status) {
        case 'approved': {
          bound.delete(key);
          const record = update(existing, { status: 'consumed', consumedAt: nowMs });
          return Promise.resolve({ resolution: 'granted' as const, record });
        }
        case 'denied':
          return Promise.resolve({ resolution: 'denied' as const, record: existing });
        default:
          return Promise.resolve({ resolution: 'pending' as const, record: existing });
      }
    },

    getApproval(id) {
      return Promise.resolve(approvals.get(id) ?? null);
    },

    listApprovals(limit) {
      const all = [...approvals.values()].sort((a, b) => b.createdAt - a.createdAt);
      return Promise.resolve(all.slice(0, limit));
    },

    decideApproval(id, decision, by, reason, nowMs) {
      const r = approvals.get(id);
      if (r === undefined)
        return Promise.resolve({ ok: false as const, why: 'not-found' as const, record: null });
      if (r.status !== 'pending')
        return Promise.resolve({ ok: false as const, why: 'not-pending' as const, record: r });
      if (nowMs > r.expiresAt)
        return Promise.resolve({ ok: false as const, why: 'expired' as const, record: r });
      const record = update(r, { status: decision, decidedBy: by, decidedAt: nowMs, reason });
      return Promise.resolve({ ok: true as const, record });
    },

    hitRate(key, windowMs): Promise<RateHit> {
      const t = now();
      let w = windows.get(key);
      if (w === undefined || w.resetAt <= t) {
        w = { count: 0, resetAt: t + windowMs };
        windows.set(key, w);
      }
      w.count++;
      return Promise.resolve({ count: w.count, resetInMs: w.resetAt - t });
    },

    quarantine(record) {
      if (!quarantines.has(record.key)) quarantines.set(record.key, Object.freeze({ ...record }));
      return Promise.resolve();
    },

    quarantineOf(subject, sessionId) {
      // PERF: the common case (nothing quarantined) builds no key and allocates no promise.
      if (quarantines.size === 0) return NONE;
      const q =
        (sessionId === null ? undefined : quarantines.get(sessionKey(sessionId))) ??
        quarantines.get(subjectKey(subject));
      return q === undefined ? NONE : Promise.resolve(q);
    },

    releaseQuarantine(key) {
      return Promise.resolve(quarantines.delete(key));
    },

    listQuarantines() {
      return Promise.resolve([...quarantines.values()].sort((a, b) => b.at - a.at));
    },

    pinOnce(key, value) {
      const pinned = pins.get(key);
      if (pinned !== undefined) return Promise.resolve(pinned);
      pins.set(key, value);
      return Promise.resolve(value);
    },

    resetPins(prefix) {
      let n = 0;
      for (const key of pins.keys())
        if (key.startsWith(prefix)) {
          pins.delete(key);
          n++;
        }
      return Promise.resolve(n);
    },

    close() {
      clearInterval(timer);
      used.clear();
      approvals.clear();
      bound.clear();
      windows.clear();
      quarantines.clear();
      pins.clear();
      return Promise.resolve();
    },
  };
}
