/**
 * Whose endpoint an exchange's request went to: an MCP server's, an A2A agent's JSON-RPC binding, an agent
 * card's well-known place, or none. The content readers claim an answer by this, never by the methods the
 * request names: `tasks/get` is both an MCP and an A2A method, and a body cannot say where it was sent.
 */
import type { A2aEndpoint } from '../normalize/a2a/endpoints.js';
import { atA2aEndpoint } from '../normalize/a2a/endpoints.js';
import { parseAuthority } from '../normalize/index.js';
import { matchMcpEndpoint, type McpEndpoint } from '../normalize/mcp-endpoint.js';

/** Where a request went, as the response role reads its answer. */
export type ExchangeEndpoint = 'mcp' | 'a2a' | 'agent-card' | 'other';

/** The configured endpoints (the policy set's lists, or the command line's). */
export interface KnownEndpoints {
  readonly mcp: readonly McpEndpoint[];
  readonly a2a: readonly A2aEndpoint[];
}

/**
 * Where an A2A agent publishes its card (A2A 0.3 and 1.0; `agent.json` before 0.3). Any host: an agent's
 * card is fetched from its base URL, which need not be its JSON-RPC endpoint.
 */
export const AGENT_CARD_PATHS: readonly string[] = Object.freeze([
  '/.well-known/agent-card.json',
  '/.well-known/agent.json',
]);

/** Which endpoint a request (its method, authority, scheme and path without query) went to. */
export function exchangeEndpoint(
  endpoints: KnownEndpoints,
  httpMethod: string,
  authority: string,
  scheme: string,
  pathname: string,
): ExchangeEndpoint {
  if (httpMethod === 'GET' && AGENT_CARD_PATHS.includes(pathname)) return 'agent-card';
  let host: string;
  let port: number | null;
  try {
    ({ host, port } = parseAuthority(authority));
  } catch {
    // The check role refused this authority; an answer still read is read the widest way (as MCP).
    return 'other';
  }
  const mcp = matchMcpEndpoint(endpoints.mcp, host, port, scheme, pathname).kind !== 'none';
  // SECURITY: a place that is both (the check role refuses it as two readings) is read as MCP, whose
  // reader reads every result and error whole: the wider of the two readings.
  if (mcp) return 'mcp';
  return atA2aEndpoint(endpoints.a2a, host, port, scheme, pathname) ? 'a2a' : 'other';
}
