/**
 * In-memory state store: the embedded default for a single process, nothing to install. Every method
 * runs to completion synchronously, so each one is atomic within the process.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  APPROVAL_RETAIN_MS,
  sessionKey,
  subjectKey,
  type ApprovalRecord,
  type QuarantineRecord,
  type RateHit,
  type StateStore,
} from './store.js';
import type { TaintRecord } from './session-taint.js';
import { createMemoryServerRequests } from './server-requests-memory.js';
import { createMemoryTaint } from './session-taint-memory.js';

const NONE: Promise<null> = Promise.resolve(null);

/** Where the memory store keeps what must survive a restart. */
export interface MemoryStoreOptions {
  /**
   * A file for quarantines, approvals and session taints, read at creation and rewritten (atomic rename) on every change,
   * so restarting writ releases neither. Spent token ids are not kept: a new store is a new replay epoch,
   * and tokens minted before it are refused. Absent: nothing survives the process (tests, benchmarks).
   */
  readonly persistFile?: string;
}

interface PersistedState {
  readonly approvals: ApprovalRecord[];
  readonly bound: [string, string][];
  readonly quarantines: QuarantineRecord[];
  /** Absent in a file written before session taint existed. */
  readonly taints?: TaintRecord[];
}

/** Reads the persisted state; a file that exists but cannot be read stops writ (never a silent release). */
function loadPersisted(file: string): PersistedState | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const parsed = JSON.parse(text) as Partial<PersistedState>;
  if (
    !Array.isArray(parsed.approvals) ||
    !Array.isArray(parsed.bound) ||
    !Array.isArray(parsed.quarantines) ||
    (parsed.taints !== undefined && !Array.isArray(parsed.taints))
  )
    throw new TypeError(`state file "${file}" is not writ's memory state`);
  return parsed as PersistedState;
}

/** A store in this process's memory; expired keys are swept lazily and on a timer. */
export function createMemoryStore(
  now: () => number = Date.now,
  options: MemoryStoreOptions = {},
): StateStore {
  const used = new Map<string, number>();
  const approvals = new Map<string, ApprovalRecord>();
  /** `subject \n actionHash` -> approval id, for pending, approved and denied approvals only. */
  const bound = new Map<string, string>();
  const windows = new Map<string, { count: number; resetAt: number }>();
  const quarantines = new Map<string, QuarantineRecord>();
  const pins = new Map<string, string>();
  const bindKey = (r: ApprovalRecord) => `${r.subject}\n${r.actionHash}`;
  const file = options.persistFile;
  const persisted = file === undefined ? null : loadPersisted(file);
  if (persisted !== null) {
    for (const r of persisted.approvals) approvals.set(r.id, Object.freeze(r));
    for (const [k, id] of persisted.bound) bound.set(k, id);
    for (const q of persisted.quarantines) quarantines.set(q.key, Object.freeze(q));
  }
  // SECURITY: taints are persisted like quarantines: a restart must not clear what only an approver may.
  const taint = createMemoryTaint(persisted?.taints ?? [], () => persist());
  const serverRequests = createMemoryServerRequests();
  /** Writes quarantines and approvals after a change; a failed write rejects the operation (fail closed). */
  const persist = (): void => {
    if (file === undefined) return;
    const state: PersistedState = {
      approvals: [...approvals.values()],
      bound: [...bound.entries()],
      quarantines: [...quarantines.values()],
      taints: [...taint.records()],
    };
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(state), { mode: 0o600 });
    renameSync(tmp, file);
  };
  /** Runs a change and persists it; a write failure becomes a rejection (ERR_STATE_UNAVAILABLE upstream). */
  const changed = <T>(result: T): Promise<T> => {
    try {
      persist();
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    return Promise.resolve(result);
  };
  // The replay memory lives and dies with this object: a new process is a new epoch.
  const epoch = randomBytes(12).toString('base64url');
  const epochPromise = Promise.resolve(epoch);

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
    taint.sweep(t);
    serverRequests.sweep(t);
  };
  const timer = setInterval(sweep, 10_000);
  timer.unref();

  const update = (r: ApprovalRecord, patch: Partial<ApprovalRecord>): ApprovalRecord => {
    const next = Object.freeze({ ...r, ...patch });
    approvals.set(r.id, next);
    return next;
  };

  return {
    replayEpoch: () => epochPromise,

    consumeToken(jti, ttlMs, tokenEpoch) {
      if (tokenEpoch !== epoch) return Promise.resolve('stale-epoch' as const);
      const t = now();
      const key = `jti:${jti}`;
      const exp = used.get(key);
      if (exp !== undefined && exp > t) return Promise.resolve('replayed' as const);
      used.set(key, t + ttlMs);
      return Promise.resolve('first' as const);
    },

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
        return changed({ resolution: 'created' as const, record });
      }
      if (nowMs > existing.expiresAt) {
        bound.delete(key);
        // A denied approval keeps its status; a pending or approved one becomes expired.
        const record = existing.status === 'denied' ? existing : update(existing, { status: 'expired' });
        return changed({ resolution: 'expired' as const, record });
      }
      switch (existing.status) {
        case 'approved': {
          bound.delete(key);
          const record = update(existing, { status: 'consumed', consumedAt: nowMs });
          return changed({ resolution: 'granted' as const, record });
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
      return changed({ ok: true as const, record });
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
      if (quarantines.has(record.key)) return Promise.resolve();
      quarantines.set(record.key, Object.freeze({ ...record }));
      return changed(undefined);
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
      return quarantines.delete(key) ? changed(true) : Promise.resolve(false);
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

    markTaint: (keys, source, ttlMs) => taint.markTaint(keys, source, ttlMs),
    taintOf: (keys, nowMs) => taint.taintOf(keys, nowMs),
    clearTaint: (key) => taint.clearTaint(key),
    listTaints: (limit, nowMs) => taint.listTaints(limit, nowMs),

    recordServerRequest: (session, id, method, ttlMs, nowMs) =>
      serverRequests.recordServerRequest(session, id, method, ttlMs, nowMs),
    takeServerRequest: (session, id, nowMs) => serverRequests.takeServerRequest(session, id, nowMs),
    recordRoots: (session, roots, ttlMs, nowMs) => serverRequests.recordRoots(session, roots, ttlMs, nowMs),
    rootsOf: (session, nowMs) => serverRequests.rootsOf(session, nowMs),

    close() {
      clearInterval(timer);
      taint.clear();
      serverRequests.clear();
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
