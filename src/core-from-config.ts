/**
 * The pure core's (src/pipeline/) part of configuration: its settings, and the shadow policy hook that counts and
 * logs where a candidate set would decide differently. The running parts it needs come from app.ts.
 */
import type { Logger } from 'pino';
import type { MetricsRegistry } from './admin/metrics.js';
import type { ServerConfig } from './config.js';
import type { PipelineDeps, PipelineSettings } from './pipeline/deps.js';
import { quarantineSignals } from './pipeline/enforce/quarantine.js';
import type { ShadowDiff } from './pipeline/policy/shadow.js';
import type { PolicySet } from './pipeline/policy/types.js';

/** The pipeline settings the configuration sets; an unset list is left out, so the policy set's applies. */
export function pipelineSettingsFromConfig(config: ServerConfig): PipelineSettings {
  return {
    maxBodyBytes: config.maxBodyBytes,
    tokenTtlSeconds: config.tokenTtlSeconds,
    taintTtlMs: config.taintTtlSeconds * 1000,
    clockSkewSeconds: config.clockSkewSeconds,
    trustAgentHeaders: config.trustAgentHeaders,
    deadlineMs: config.deadlineMs,
    quarantineOn: quarantineSignals(config.quarantineOn),
    ...(config.mcpEndpoints === null ? {} : { mcpEndpoints: config.mcpEndpoints }),
    ...(config.a2aEndpoints === null ? {} : { a2aEndpoints: config.a2aEndpoints }),
    ...(config.tokenForwarders.length === 0 ? {} : { tokenForwarders: config.tokenForwarders }),
    ...(config.originHops.length === 0 ? {} : { originHops: config.originHops }),
  };
}

/** The shadow hook of `deps` when a shadow folder is watched: differences are counted and logged, never enforced. */
export function shadowFromConfig(
  shadow: { current(): PolicySet } | undefined,
  metrics: MetricsRegistry,
  logger: Logger,
): Pick<PipelineDeps, 'shadow'> {
  if (shadow === undefined) return {};
  const differences = metrics.counter(
    'writ_shadow_differences_total',
    'decisions where the shadow policy differs, by kind',
    ['kind'],
  );
  return {
    shadow: {
      policy: () => shadow.current(),
      record: (diff: ShadowDiff | null) => {
        if (diff === null) return;
        differences.inc({ kind: diff.kind });
        logger.warn({ shadow: diff }, 'shadow policy differs');
      },
    },
  };
}
