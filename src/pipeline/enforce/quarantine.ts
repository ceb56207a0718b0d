/**
 * Quarantine as both decision roles apply it: refuse a held caller before any inspection work, hold a
 * caller when a configured signal or a `quarantine` obligation says so. Keys are the caller's principal
 * (`subject:<principal>`) or its session (`session:<id>`), see src/pipeline/enforce/obligations.ts.
 */
import type { PipelineDeps } from '../deps.js';
import { WritError } from '../errors.js';
import type { QuarantineRecord } from '../../state/store.js';
import { quarantineKey } from './obligations.js';

/** Awaits a state store call; a store that fails makes the decision ERR_STATE_UNAVAILABLE (a deny). */
export async function stateful<T>(op: Promise<T>): Promise<T> {
  try {
    return await op;
  } catch (err) {
    throw new WritError('ERR_STATE_UNAVAILABLE', err instanceof Error ? err.message : 'state store failed');
  }
}

/** The caller's quarantine, if its principal or session is held. */
export function heldQuarantine(
  deps: PipelineDeps,
  principal: string,
  sessionId: string | null,
): Promise<QuarantineRecord | null> {
  return stateful(deps.store.quarantineOf(principal, sessionId));
}

/** Holds the caller's session (or, without one, its principal) from now on, and reports it. */
export async function quarantineCaller(
  deps: PipelineDeps,
  principal: string,
  sessionId: string | null,
  reason: string,
  traceId: string,
): Promise<QuarantineRecord> {
  const record = { key: quarantineKey(principal, sessionId), reason, traceId, at: deps.now() };
  await stateful(deps.store.quarantine(record));
  deps.hooks?.quarantined?.(record);
  return record;
}

/** The deny an ERR_QUARANTINED outcome carries: the message and details naming the key and when. */
export function quarantineDenial(record: QuarantineRecord): {
  readonly message: string;
  readonly details: { readonly quarantine: string; readonly quarantined_at: string };
} {
  return {
    message: `quarantined (${record.key}): ${record.reason}`,
    details: { quarantine: record.key, quarantined_at: new Date(record.at).toISOString() },
  };
}
