/** Finding: what an inspector reports; each one becomes a policy signal and an audit entry. */

export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical';

/** Severities in ascending order, for comparisons (`severity >= high`). */
export const SEVERITY_ORDER: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];

/** The rank of a severity, 0 (info) to 4 (critical). */
export function severityRank(severity: Severity): number {
  return SEVERITY_ORDER.indexOf(severity);
}

/** The direction of the content a finding was made in. */
export type FindingDirection = 'request' | 'response';

export interface Finding {
  /** `<inspector id>.<kind>`, stable once shipped (`sql-injection.union`). */
  readonly id: string;
  /** The id of the inspector that produced it. */
  readonly inspector: string;
  readonly severity: Severity;
  /** Where it was found: a JSON path into the action (`$.action.arguments.query`), with `#decoder` steps. */
  readonly path: string;
  /** A redacted excerpt: never the raw secret or personal data. */
  readonly evidence: string;
  /** OWASP Agentic Top 10 items (`ASI02`) and MITRE ATLAS technique ids (`AML.T0051`) it addresses. */
  readonly owasp: readonly string[];
  readonly atlas: readonly string[];
  /**
   * Which way the inspected content travelled: `request` (the agent's call) or `response` (what an upstream
   * answered: a tool result, a resource, a server's request). Absent on request findings inside the check.
   */
  readonly direction?: FindingDirection;
  /** Optional numeric measure (record count, entropy...) a rule can compare. */
  readonly count?: number;
}
