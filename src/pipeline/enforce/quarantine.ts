/**
 * Quarantine as both decision roles apply it: refuse a held caller before any inspection work, hold a
 * caller when a configured signal or a `quarantine` obligation says so. Keys are the caller's principal
 * (`subject:<principal>`) or its session (`session:<id>`), see src/pipeline/enforce/obligations.ts.
 */
import type { PipelineDeps, QuarantineSignals } from '../deps.js';
import { SEVERITY_ORDER, type Severity } from '../model/finding.js';
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

/**
 * The quarantine signals `--quarantine-on` lists: `severity:<level>` entries set the floor, every other
 * entry is a finding id or id prefix. Throws TypeError on an unknown severity (a configuration error).
 */
export function quarantineSignals(entries: readonly string[]): QuarantineSignals {
  let minSeverity: Severity | null = null;
  const findings: string[] = [];
  for (const e of entries) {
    if (!e.startsWith('severity:')) {
      findings.push(e);
      continue;
    }
    const level = e.slice('severity:'.length) as Severity;
    if (!SEVERITY_ORDER.includes(level)) throw new TypeError(`--quarantine-on: unknown severity "${level}"`);
    minSeverity = level;
  }
  return { findings, minSeverity };
}
