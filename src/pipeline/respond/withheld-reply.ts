/**
 * What the agent receives in place of a withheld answer: for a JSON-RPC call, a JSON-RPC error with the
 * call's id, which an MCP or A2A client reads as that call failing; the error's data carries writ's
 * decision, reason code and trace id, as every deny body does.
 */
import type { ReasonCode } from '../errors.js';
import type { JsonObject } from '../model/json.js';

/**
 * The JSON-RPC error code of a withheld answer: in the range JSON-RPC 2.0 reserves for implementation
 * defined server errors (-32000 to -32099), and used by no MCP SDK error (they use -32000 and -32001).
 */
export const RESPONSE_WITHHELD_RPC_CODE = -32050;

/** The JSON-RPC error answering call `id` whose answer writ withheld. */
export function withheldRpcError(
  id: string | number | null,
  code: ReasonCode,
  message: string,
  traceId: string,
  extra: Readonly<Record<string, unknown>> = {},
): JsonObject {
  return {
    jsonrpc: '2.0',
    id,
    error: {
      code: RESPONSE_WITHHELD_RPC_CODE,
      message: `writ withheld this answer: ${message}`,
      data: JSON.parse(
        JSON.stringify({ decision: 'DENY', reason: code, trace_id: traceId, ...extra }),
      ) as JsonObject,
    },
  };
}
