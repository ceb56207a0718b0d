/**
 * Server requests in this process's memory: the single-replica half of the memory store. Each method runs
 * to completion synchronously, so each one is atomic within the process. Not persisted: a request's answer
 * comes within minutes, and a restart forgets the session, which then reads as unknown (as before writ
 * matched answers).
 */
import {
  MAX_SERVER_REQUEST_FIELD,
  MAX_ROOTS,
  MAX_SERVER_REQUESTS,
  type ServerRequestMatch,
  type ServerRequestStore,
} from './server-requests.js';

/** The memory half plus what the memory store needs to sweep it. */
export interface MemoryServerRequests extends ServerRequestStore {
  sweep(nowMs: number): void;
  clear(): void;
}

interface SessionRequests {
  /** When the session stops being known: the expiry of its newest record. */
  expiresAt: number;
  /** Request id key → its method and expiry. */
  readonly requests: Map<string, { readonly method: string; readonly expiresAt: number }>;
}

const UNKNOWN: ServerRequestMatch = Object.freeze({ session: 'unknown' });

export function createMemoryServerRequests(): MemoryServerRequests {
  const sessions = new Map<string, SessionRequests>();
  const roots = new Map<string, { readonly roots: readonly string[]; readonly expiresAt: number }>();
  const live = (session: string, nowMs: number): SessionRequests | undefined => {
    const s = sessions.get(session);
    if (s === undefined || s.expiresAt > nowMs) return s;
    sessions.delete(session);
    return undefined;
  };
  return {
    recordServerRequest(session, id, method, ttlMs, nowMs) {
      if (id.length > MAX_SERVER_REQUEST_FIELD || method.length > MAX_SERVER_REQUEST_FIELD)
        return Promise.reject(new RangeError('server request id or method too long to record'));
      const expiresAt = nowMs + Math.max(1, Math.ceil(ttlMs));
      let s = live(session, nowMs);
      if (s === undefined) sessions.set(session, (s = { expiresAt, requests: new Map() }));
      for (const [k, r] of s.requests) if (r.expiresAt <= nowMs) s.requests.delete(k);
      if (!s.requests.has(id) && s.requests.size >= MAX_SERVER_REQUESTS)
        return Promise.reject(
          new RangeError(`session holds ${MAX_SERVER_REQUESTS} unanswered server requests`),
        );
      s.requests.set(id, Object.freeze({ method, expiresAt }));
      s.expiresAt = Math.max(s.expiresAt, expiresAt);
      return Promise.resolve();
    },

    takeServerRequest(session, id, nowMs) {
      const s = live(session, nowMs);
      if (s === undefined) return Promise.resolve(UNKNOWN);
      const r = s.requests.get(id);
      s.requests.delete(id);
      const method = r !== undefined && r.expiresAt > nowMs ? r.method : null;
      return Promise.resolve(Object.freeze({ session: 'known', method }));
    },

    recordRoots(session, declared, ttlMs, nowMs) {
      const kept = Object.freeze(declared.slice(0, MAX_ROOTS));
      roots.set(session, { roots: kept, expiresAt: nowMs + Math.max(1, Math.ceil(ttlMs)) });
      return Promise.resolve();
    },

    rootsOf(session, nowMs) {
      const r = roots.get(session);
      return Promise.resolve(r !== undefined && r.expiresAt > nowMs ? r.roots : null);
    },

    sweep(nowMs) {
      for (const [k, s] of sessions) if (s.expiresAt <= nowMs) sessions.delete(k);
      for (const [k, r] of roots) if (r.expiresAt <= nowMs) roots.delete(k);
    },

    clear: () => {
      sessions.clear();
      roots.clear();
    },
  };
}
