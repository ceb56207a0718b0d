/** A bounded ring of this replica's latest decisions, for the console's "recent decisions" view. */
import type { Verdict } from '../pipeline/verdict.js';

/** What the console shows of one decision (no arguments, no evidence: those stay in the audit log). */
export interface DecisionSummary {
  readonly traceId: string;
  readonly role: string;
  readonly decision: string;
  readonly code: string;
  readonly rules: readonly string[];
  readonly subject: string | null;
  readonly tool: string | null;
  readonly operation: string | null;
  readonly host: string;
  readonly findings: readonly string[];
  readonly auditSeq: number | null;
}

/** A fixed-size ring buffer; `push` is O(1) and allocates one summary. */
export class RecentDecisions {
  private readonly ring: (DecisionSummary | undefined)[];
  private next = 0;

  constructor(readonly capacity = 200) {
    this.ring = new Array<DecisionSummary | undefined>(capacity);
  }

  /** Records a verdict. */
  push(v: Verdict): void {
    this.ring[this.next] = {
      traceId: v.traceId,
      role: v.role,
      decision: v.decision,
      code: v.code,
      rules: v.rules,
      subject: v.trace.normalized?.subject ?? null,
      tool: v.trace.normalized?.tool ?? null,
      operation: v.trace.normalized?.operation ?? null,
      host: v.trace.normalized?.host ?? v.trace.requested.authority,
      findings: v.trace.inspectors.map((f) => `${f.id}:${f.severity}`),
      auditSeq: v.trace.audit?.seq ?? null,
    };
    this.next = (this.next + 1) % this.capacity;
  }

  /** The latest decisions, newest first. */
  list(limit = this.capacity): DecisionSummary[] {
    const out: DecisionSummary[] = [];
    for (let i = 1; i <= this.capacity && out.length < limit; i++) {
      const d = this.ring[(this.next - i + this.capacity) % this.capacity];
      if (d === undefined) break;
      out.push(d);
    }
    return out;
  }
}
