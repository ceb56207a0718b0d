/**
 * Dimension values recovered from an audit record, for `writ policy explain --trace-id`. The audit log
 * keeps digests and redacted evidence only, so only what it records is recovered; every other dimension
 * stays unknown and its conditions are shown as such instead of being guessed.
 */
import type { OperationClass } from '../pipeline/model/action.js';
import type { Finding, Severity } from '../pipeline/model/finding.js';
import { parseSpiffeId } from '../pipeline/identity/spiffe-id.js';
import type { DecisionEvent } from '../pipeline/audit-record/audit-event.js';
import { actionFrom } from './action-template.js';
import type { DimensionValue } from '../pipeline/policy/dimensions.js';
import { dimensionEnv, findDimension } from '../pipeline/policy/dimensions.js';
import { policyInput } from '../pipeline/policy/policy-input.js';
import type { PolicySet } from '../pipeline/policy/types.js';

/** Dimensions an audit decision event records (directly or through its findings and record time). */
export const AUDITED_DIMENSIONS: readonly string[] = [
  'subject.spiffe_id',
  'subject.trust_domain',
  'subject.namespace',
  'subject.service_account',
  'subject.principal',
  'subject.authenticated',
  'action.adapter',
  'action.tool',
  'action.operation',
  'action.http_method',
  'resource.host',
  'resource.path',
  'context.body_size',
  'context.time.hour',
  'context.time.weekday',
  'findings',
  'risk.score',
];

/** The dimension values a decision event (and its record time) pins down, for every dimension the set reads. */
export function auditedValues(
  set: PolicySet,
  event: DecisionEvent,
  recordTime: string,
): Map<string, DimensionValue> {
  const spiffe = event.subject === null ? null : parseSpiffeId(event.subject);
  const action = actionFrom({
    subject: {
      spiffeId: spiffe === null ? null : event.subject,
      trustDomain: spiffe?.trustDomain ?? null,
      namespace: spiffe?.namespace ?? null,
      serviceAccount: spiffe?.serviceAccount ?? null,
      // The event's subject is the decision's principal (src/pipeline/outcome.ts).
      principal: event.subject,
    },
    action: {
      adapter: event.adapter ?? '',
      tool: event.tool ?? '',
      operation: (event.operation ?? 'unknown') as OperationClass,
      httpMethod: event.method,
    },
    resource: { host: event.host, path: event.path },
    context: { timeMs: Date.parse(recordTime), bodySize: event.body_bytes },
  });
  const findings: Finding[] = event.findings.map((f) => ({
    id: f.id,
    inspector: f.id.split('.', 1)[0] ?? f.id,
    severity: f.severity as Severity,
    path: f.path,
    evidence: f.evidence,
    owasp: [],
    atlas: [],
  }));
  const input = policyInput(action, findings);
  const env = dimensionEnv(set.timezone);
  const out = new Map<string, DimensionValue>();
  const wanted = new Set(set.rules.flatMap((r) => r.anyOf.flatMap((g) => g.map((c) => c.dimension))));
  for (const name of wanted) {
    if (!AUDITED_DIMENSIONS.includes(name) && !name.startsWith('signals.')) continue;
    const dim = findDimension(name);
    if ('error' in dim) continue;
    out.set(name, dim.read(input, env));
  }
  return out;
}
