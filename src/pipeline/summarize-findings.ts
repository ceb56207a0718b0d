/** Groups findings by id so 200 e-mail addresses are one entry with a count, not 200 lines in every record. */
import { severityRank, type Finding } from './model/finding.js';

/** One finding id as recorded and reported: its worst severity, first location and evidence, and how often it occurred. */
export interface FindingSummary {
  readonly id: string;
  readonly severity: Finding['severity'];
  readonly path: string;
  readonly evidence: string;
  readonly occurrences: number;
}

/** Summaries in first-seen order, one per finding id. */
export function summarizeFindings(findings: readonly Finding[]): FindingSummary[] {
  const byId = new Map<string, { first: Finding; worst: Finding; n: number }>();
  for (const f of findings) {
    const entry = byId.get(f.id);
    if (entry === undefined) byId.set(f.id, { first: f, worst: f, n: 1 });
    else {
      entry.n++;
      if (severityRank(f.severity) > severityRank(entry.worst.severity)) entry.worst = f;
    }
  }
  // Members in RFC 8785 key order: summaries go into every audit event (see canonical-json.ts).
  return [...byId.values()].map(({ worst, n }) => ({
    evidence: worst.evidence,
    id: worst.id,
    occurrences: n,
    path: worst.path,
    severity: worst.severity,
  }));
}
