/** The session-taint store behind the response role's taint port: each mark stored and audited (`taint.marked`). */
import type { AuditLog } from '../pipeline/audit-record/audit-log.js';
import type { TaintSink } from '../pipeline/respond/taint-port.js';
import { markSessionTaint } from '../pipeline/taint/mark-taint.js';
import type { SessionTaintStore } from '../state/store.js';

/** A TaintSink over the shared taint store; rejects (and the answer is withheld) when the mark is not kept. */
export function storeTaintSink(deps: {
  readonly store: SessionTaintStore;
  readonly audit: AuditLog;
  readonly now: () => number;
  readonly taintTtlMs: number;
  /**
   * Whether `x-writ-session` comes from a trusted hop (`--trust-agent-headers`). The check role reads the
   * header only then; a mark keyed on a session id the check role will never read would be a lost taint,
   * so an untrusted header is ignored and the read marks the caller's principal instead.
   */
  readonly trustSessionHeader: boolean;
}): TaintSink {
  return {
    async mark(m) {
      // A rule may taint on something other than findings (a host, a kind): its ids say why.
      const findings =
        m.findings.length > 0 ? m.findings.map((f) => f.id) : m.rules.map((r) => `response-rule.${r}`);
      await markSessionTaint(deps, {
        scope: {
          principal: m.principal,
          // The response role knows no agent name (no identity stage on ext_proc).
          agent: null,
          sessionId: deps.trustSessionHeader ? m.agentSessionId : null,
          server: m.server,
          mcpSessionId: m.mcpSessionId,
        },
        tool: m.tool ?? m.kind,
        method: m.kind,
        findings,
        traceId: m.traceId,
      });
    },
  };
}
