/** Obligations enforced at check time: rate caps per (subject, tool, rule), and quarantine signals. */
import type { QuarantineSignals } from '../deps.js';
import { severityRank, type Finding } from '../model/finding.js';
import type { PolicySet } from '../policy/types.js';
import { sessionKey, subjectKey, type StateStore } from '../../state/store.js';

/** A rate cap that the current call exceeded. */
export interface RateExceeded {
  readonly rule: string;
  readonly limit: number;
  readonly windowSeconds: number;
  readonly retryAfterSeconds: number;
}

/**
 * Counts this call against every deciding rule's rate cap and reports the first one exceeded. Each rule
 * counts separately, so two rules with caps never share (or dilute) one counter.
 */
export async function enforceRateCaps(
  store: StateStore,
  set: PolicySet,
  rules: readonly string[],
  subject: string,
  tool: string,
): Promise<RateExceeded | null> {
  let exceeded: RateExceeded | null = null;
  for (const id of rules) {
    const rate = set.ruleById.get(id)?.obligations?.rate;
    if (rate === undefined) continue;
    // '\n' cannot occur in a SPIFFE ID or a rule id, so the key is unambiguous.
    const hit = await store.hitRate(`${subject}\n${tool}\n${id}`, rate.windowSeconds * 1000);
    if (hit.count > rate.limit && exceeded === null) {
      exceeded = {
        rule: id,
        limit: rate.limit,
        windowSeconds: rate.windowSeconds,
        retryAfterSeconds: Math.max(1, Math.ceil(hit.resetInMs / 1000)),
      };
    }
  }
  return exceeded;
}

/** The deny of a call over a rate cap, the same on every role: its code, its message and its retry hints. */
export function rateLimitDenial(exceeded: RateExceeded): {
  readonly decision: 'DENY';
  readonly code: 'ERR_RATE_LIMITED';
  readonly message: string;
  readonly details: {
    readonly retry_after_s: number;
    readonly rate_limit: number;
    readonly rate_window_s: number;
  };
} {
  return {
    decision: 'DENY',
    code: 'ERR_RATE_LIMITED',
    message: `rate cap of rule "${exceeded.rule}" (${exceeded.limit} per ${exceeded.windowSeconds}s) is used up`,
    details: {
      retry_after_s: exceeded.retryAfterSeconds,
      rate_limit: exceeded.limit,
      rate_window_s: exceeded.windowSeconds,
    },
  };
}

/** The first finding that is a configured quarantine signal, if any. */
export function quarantineSignal(
  findings: readonly Finding[],
  signals: QuarantineSignals | undefined,
): Finding | null {
  if (signals === undefined || (signals.findings.length === 0 && signals.minSeverity === null)) return null;
  const floor = signals.minSeverity === null ? Infinity : severityRank(signals.minSeverity);
  for (const f of findings) {
    if (severityRank(f.severity) >= floor) return f;
    for (const s of signals.findings) if (f.id === s || f.id.startsWith(`${s}.`)) return f;
  }
  return null;
}

/** The quarantine key for an action: its session when it has one, else its subject. */
export function quarantineKey(subject: string, sessionId: string | null): string {
  return sessionId === null ? subjectKey(subject) : sessionKey(sessionId);
}
