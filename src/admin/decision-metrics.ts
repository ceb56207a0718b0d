/**
 * The decision path's metrics: decisions by role, decision and reason code, the rules that decided, the
 * findings by inspector and severity, and the decision duration by role. Registered once at start; per
 * decision only counter increments and one histogram observation (measured in docs/performance.md).
 */
import type { Pipeline } from '../pipeline/index.js';
import type { PolicySet } from '../pipeline/policy/types.js';
import type { Verdict } from '../pipeline/verdict.js';
import type { MetricsRegistry } from './metrics.js';
import type { RecentDecisions } from './recent-decisions.js';

/** Buckets in seconds: writ decides in about a millisecond; Envoy's ext_authz timeout is 0.5 s. */
const DURATION_BUCKETS = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

/** Registers the families; returns the function that records one verdict and its duration in seconds. */
export function decisionMetrics(metrics: MetricsRegistry): (verdict: Verdict, seconds: number) => void {
  const decisions = metrics.counter('writ_decisions_total', 'decisions by role, decision and reason code', [
    'role',
    'decision',
    'code',
  ]);
  const rules = metrics.counter('writ_rule_matches_total', 'rules that made a decision, by rule id', [
    'rule',
  ]);
  const findings = metrics.counter(
    'writ_findings_total',
    'inspector findings in decided requests, by inspector and severity',
    ['inspector', 'severity'],
  );
  const duration = metrics.histogram(
    'writ_decision_duration_seconds',
    'time from the request reaching the pipeline to its verdict, by role',
    ['role'],
    DURATION_BUCKETS,
  );
  return (v, seconds) => {
    decisions.inc({ role: v.role, decision: v.decision, code: v.code });
    for (const rule of v.rules) rules.inc({ rule });
    for (const f of v.findings) findings.inc({ inspector: f.inspector, severity: f.severity });
    duration.observe(seconds, { role: v.role });
  };
}

/** The live policy set's version and size, and reloads that went live or failed. */
export function policyMetricsOf(metrics: MetricsRegistry): {
  live(set: PolicySet): void;
  reloadFailed(): void;
} {
  const info = metrics.gauge('writ_policy_info', 'the live policy set (value 1), by version', ['version']);
  const rules = metrics.gauge('writ_policy_rules', 'rules in the live policy set');
  const reloads = metrics.counter(
    'writ_policy_loads_total',
    'policy sets that went live (the first at start)',
  );
  const failures = metrics.counter(
    'writ_policy_reload_errors_total',
    'changed policy folders that failed to load (the last good set stays); alert on any increase',
  );
  return {
    live(set) {
      info.reset();
      info.set(1, { version: set.version });
      rules.set(set.rules.length);
      reloads.inc();
    },
    reloadFailed: () => failures.inc(),
  };
}

/**
 * The pipeline the transport calls: the core's, with every verdict counted and kept for the console's
 * recent-decisions view, so both see exactly what the transport answered.
 */
export function meteredPipeline(core: Pipeline, metrics: MetricsRegistry, recent: RecentDecisions): Pipeline {
  const recordDecision = decisionMetrics(metrics);
  return {
    run: async (raw) => {
      const started = performance.now();
      const v = await core.run(raw);
      recordDecision(v, (performance.now() - started) / 1000);
      recent.push(v);
      return v;
    },
    reject: (role, code, message, raw) => {
      const v = core.reject(role, code, message, raw);
      recordDecision(v, 0);
      recent.push(v);
      return v;
    },
  };
}
