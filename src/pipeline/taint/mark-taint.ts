/**
 * Marks an agent's session tainted by a read that carried findings, and writes the mark to the audit
 * chain: the one call the response side makes when a response finding's outcome is `taint`.
 */
import type { SessionTaintStore } from '../../state/store.js';
import type { AuditLog } from '../audit-record/audit-log.js';
import { stateful } from '../enforce/quarantine.js';
import { markKeys, type TaintScope } from './taint-keys.js';

/** What marking needs from the outside world (ResponseRoleDeps and PipelineDeps both provide it). */
export interface MarkTaintDeps {
  readonly store: SessionTaintStore;
  readonly audit: AuditLog;
  readonly now: () => number;
  /** How long the taint lasts after this mark (`--taint-ttl`; default DEFAULT_TAINT_TTL_MS). */
  readonly taintTtlMs: number;
}

/** One read that carried findings: whose sessions, what was read, what was found. */
export interface TaintedRead {
  readonly scope: TaintScope;
  /** The MCP tool, resource URI or prompt name read, or `<METHOD> <host>` for plain HTTP. */
  readonly tool: string;
  /** `tools/call`, `resources/read`, `prompts/get`, ... or the HTTP method. */
  readonly method: string;
  /** Ids of the findings in the response (non-empty: a read without findings taints nothing). */
  readonly findings: readonly string[];
  /** The trace id of the decision on the response. */
  readonly traceId: string;
}

/**
 * Marks the read's sessions and audits it; returns the keys marked. Throws WritError
 * ERR_STATE_UNAVAILABLE when the store fails, and whatever the audit log throws when it cannot append:
 * either way the caller must withhold the response (a taint that was not kept, or not recorded, is not
 * a taint an approver can see).
 */
export async function markSessionTaint(deps: MarkTaintDeps, read: TaintedRead): Promise<readonly string[]> {
  if (read.findings.length === 0) throw new TypeError('a tainted read names at least one finding');
  const keys = markKeys(read.scope);
  const at = deps.now();
  await stateful(
    deps.store.markTaint(
      keys,
      {
        server: read.scope.server,
        tool: read.tool,
        method: read.method,
        findings: read.findings,
        at,
        traceId: read.traceId,
        subject: read.scope.principal ?? 'anonymous',
        agent: read.scope.agent,
      },
      deps.taintTtlMs,
    ),
  );
  deps.audit.append(
    {
      type: 'taint.marked',
      trace_id: read.traceId,
      subject: read.scope.principal ?? 'anonymous',
      agent: read.scope.agent,
      keys: [...keys],
      server: read.scope.server,
      tool: read.tool,
      method: read.method,
      findings: [...new Set(read.findings)],
      expires_at: new Date(at + deps.taintTtlMs).toISOString(),
    },
    at,
  );
  return keys;
}
