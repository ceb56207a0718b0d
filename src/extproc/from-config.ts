/** Starts the ext_proc listener (the response role) with its metrics, from configuration. */
import type { MetricsRegistry } from '../admin/metrics.js';
import type { ServerConfig } from '../config.js';
import type { ResponseRoleDeps } from '../pipeline/roles/response.js';
import { startExtProc, type RunningExtProc } from './ext-proc-server.js';
import { storeTaintSink } from './taint-sink.js';

/**
 * Where ext_proc listens: `override` when given; else the configured port, unless the role listeners were
 * overridden (tests bind only what they ask for) or the port is 0 (off). Undefined: not started.
 */
export function extProcAddress(
  config: ServerConfig,
  override: { readonly host: string; readonly port: number } | undefined,
  listenersOverridden: boolean,
): { readonly host: string; readonly port: number } | undefined {
  if (override !== undefined) return override;
  return !listenersOverridden && config.extprocPort !== 0
    ? { host: config.listenHost, port: config.extprocPort }
    : undefined;
}

/**
 * Starts ext_proc at `at`; blocks, masked bodies and first-time pins go into the decisions' chain. The
 * clock skew, endpoint lists and taint settings come from `config`, the running parts from `deps`.
 */
export function startExtProcFromConfig(
  config: ServerConfig,
  at: { readonly host: string; readonly port: number },
  deps: Omit<
    ResponseRoleDeps,
    'onMasked' | 'onToolList' | 'onResponse' | 'clockSkewSeconds' | 'mcpEndpoints' | 'a2aEndpoints'
  >,
  metrics: MetricsRegistry,
): Promise<RunningExtProc> {
  const taint = { ttlMs: config.taintTtlSeconds * 1000, trustSessionHeader: config.trustAgentHeaders };
  const masked = metrics.counter('writ_extproc_masked_total', 'values masked in responses, by kind', [
    'kind',
  ]);
  const toolLists = metrics.counter(
    'writ_mcp_tool_lists_total',
    'MCP tools/list responses checked, by outcome (changed: a rug pull; alert on any but passed)',
    ['outcome'],
  );
  const responses = metrics.counter(
    'writ_extproc_responses_total',
    'upstream answer messages decided by response rules, by reason code (RESPONSE_* or the ERR_* that withheld one)',
    ['code'],
  );
  return startExtProc({
    ...at,
    ...deps,
    clockSkewSeconds: config.clockSkewSeconds,
    // The same endpoint lists the check role reads a request by choose the reader of its answer.
    ...(config.mcpEndpoints === null ? {} : { mcpEndpoints: config.mcpEndpoints }),
    ...(config.a2aEndpoints === null ? {} : { a2aEndpoints: config.a2aEndpoints }),
    // Tainted reads mark the shared session-taint store (the check role reads it before policy).
    ...(deps.taint === undefined && deps.store !== undefined
      ? {
          taint: storeTaintSink({
            store: deps.store,
            audit: deps.audit,
            now: deps.now,
            taintTtlMs: taint.ttlMs,
            trustSessionHeader: taint.trustSessionHeader,
          }),
        }
      : {}),
    onMasked: (fields, pii) => {
      masked.inc({ kind: 'field' }, fields);
      masked.inc({ kind: 'pii' }, pii);
    },
    // By outcome only: the server is the agent's chosen authority, an unbounded label.
    onToolList: (_server, outcome) => toolLists.inc({ outcome }),
    onResponse: (code) => responses.inc({ code }),
  });
}
