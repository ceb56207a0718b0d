/** Starts the ext_proc listener (the response role) with its metrics, from configuration. */
import type { MetricsRegistry } from '../admin/metrics.js';
import type { ResponseRoleDeps } from '../pipeline/roles/response.js';
import { DEFAULT_TAINT_TTL_MS } from '../state/store.js';
import { startExtProc, type RunningExtProc } from './ext-proc-server.js';
import { storeTaintSink } from './taint-sink.js';

/** Starts ext_proc at `at`; blocks, masked bodies and first-time pins go into the decisions' chain. */
export function startExtProcFromConfig(
  at: { readonly host: string; readonly port: number },
  deps: Omit<ResponseRoleDeps, 'onMasked' | 'onToolList' | 'onResponse'>,
  metrics: MetricsRegistry,
  taint: { readonly ttlMs: number; readonly trustSessionHeader: boolean } = {
    ttlMs: DEFAULT_TAINT_TTL_MS,
    trustSessionHeader: false,
  },
): Promise<RunningExtProc> {
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
