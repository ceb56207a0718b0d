/**
 * The requests of the stall benchmarks (issue 15 F7): the seed call every normal caller sends, and the worst
 * cases within the body limit. bench/stall.bench.ts sends them over gRPC beside normal calls;
 * bench/stall-slices.ts measures the longest main-thread slice each one costs.
 */
import type { ScenarioRequest } from '../../src/cli/scenario.js';

/** The seed call that is allowed: what every normal call sends. */
export const NORMAL: ScenarioRequest = {
  mcp: {
    tool: 'query_db',
    arguments: { database: 'analytics-replica', query: 'SELECT id, status FROM orders WHERE id = 42' },
  },
};

/** A JSON-RPC body of about `bytes` bytes under the 1 MiB body limit, arguments from `fill`. */
function mcp(args: Record<string, unknown>): ScenarioRequest {
  return {
    mcp: { tool: 'query_db', arguments: { database: 'analytics-replica', query: 'SELECT 1', ...args } },
  };
}

/** Worst cases within the body limit: the most keys, the most strings, the longest text, the most decoding. */
export const WORST: Readonly<Record<string, () => ScenarioRequest>> = {
  // The body: 1 MiB, ~90,000 keys (now past the node bound: refused, after reading up to it).
  'keys-90k': () => mcp(Object.fromEntries(Array.from({ length: 88_000 }, (_, i) => [`k${i}`, 1]))),
  // As many keys as the node bound lets through: decided in full.
  'keys-at-bound': () =>
    mcp(Object.fromEntries(Array.from({ length: 24_990 }, (_, i) => [`key${i}`, `v${i}`]))),
  // One string as long as the body allows, of text that keeps the SQL and shell readers busy.
  'text-1mib': () => mcp({ note: "' or 1=1 -- ; ls | ".repeat(52_000) }),
  // Strings the decoder expands: percent-encoded text in every leaf.
  'decode-wide': () => mcp({ pad: Array.from({ length: 20_000 }, (_, i) => `a%20b%2${i % 10}c`) }),
};
