/**
 * A2A endpoints: where an agent's A2A JSON-RPC binding is reached (the URL its agent card names). A
 * JSON-RPC body is read as A2A only when POSTed to one of them; an A2A method anywhere else, or a place
 * that is both an A2A and an MCP endpoint, is two readings of one body and refused.
 */
import { matchMcpEndpoint, parseMcpEndpoint, type McpEndpoint } from '../mcp-endpoint.js';

/** One configured endpoint: the syntax of MCP endpoints (`<host>[:<port>|:*]/<path>`), one grammar for both. */
export type A2aEndpoint = McpEndpoint;

/**
 * The endpoints used when neither the policy set (`lists.a2a_endpoints`) nor `--a2a-endpoints` names any:
 * the paths the A2A SDKs' samples mount the JSON-RPC binding at. Never `/`: a plain JSON-RPC API there
 * would be read as A2A.
 */
export const DEFAULT_A2A_ENDPOINTS: readonly string[] = Object.freeze(['*/a2a', '*/a2a/jsonrpc']);

/** Parses one endpoint; throws TypeError with a message naming the text. */
export function parseA2aEndpoint(text: string): A2aEndpoint {
  try {
    return parseMcpEndpoint(text);
  } catch {
    throw new TypeError(
      `invalid A2A endpoint "${text.slice(0, 80)}" (expected host[:port]/path in lower case, host exact, *.suffix or *)`,
    );
  }
}

/** Parses a list of endpoints, so a bad one stops startup or a policy load. */
export function parseA2aEndpoints(list: readonly string[]): readonly A2aEndpoint[] {
  return Object.freeze(list.map(parseA2aEndpoint));
}

/** Whether a request's host, port, scheme and raw path (without query) is exactly one of the endpoints. */
export function atA2aEndpoint(
  endpoints: readonly A2aEndpoint[],
  host: string,
  port: number | null,
  scheme: string,
  pathname: string,
): boolean {
  // The one matcher of endpoint lists; only an exact path counts (A2A has no REST tool form).
  return matchMcpEndpoint(endpoints, host, port, scheme, pathname).kind === 'rpc';
}
