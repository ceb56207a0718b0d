/**
 * MCP endpoints: the host and path an MCP server is reached at. A JSON-RPC body is an MCP message only as a
 * POST to one of them (`<endpoint>` for JSON-RPC, `<endpoint>/tools/<tool>` for the REST form); anywhere
 * else the request is read by its method, host and path, and an MCP message there is two readings at once.
 */
import { isDefaultPort } from './default-port.js';
import { hostMatches } from './host-pattern.js';

/** One configured endpoint: `<host>[:<port>|:*]/<path>`, host exact, `*.suffix` or `*`. */
export interface McpEndpoint {
  /** `*` for any host, else an exact name or `*.suffix` (host-pattern.ts), lower-case. */
  readonly host: string;
  /** The port named, `*` for any, or null for the scheme's default port. */
  readonly port: number | '*' | null;
  /** The exact path, without query. */
  readonly path: string;
}

/** The endpoints used when neither the policy set (`lists.mcp_endpoints`) nor `--mcp-endpoints` names any. */
export const DEFAULT_MCP_ENDPOINTS: readonly string[] = Object.freeze(['*/mcp']);

const ENDPOINT =
  /^(\*|\*\.[a-z0-9.-]+|[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::(\*|\d{1,5}))?(\/[A-Za-z0-9._~!$&'()+,;=:@/%-]*)$/;

/** Parses one endpoint; throws TypeError with a message naming the text. */
export function parseMcpEndpoint(text: string): McpEndpoint {
  const m = ENDPOINT.exec(text.trim());
  const port = m?.[2] === undefined ? null : m[2] === '*' ? '*' : Number(m[2]);
  if (m === null || (typeof port === 'number' && (port < 1 || port > 65535)))
    throw new TypeError(
      `invalid MCP endpoint "${text.slice(0, 80)}" (expected host[:port]/path in lower case, host exact, *.suffix or *)`,
    );
  return Object.freeze({ host: m[1]!, port, path: m[3]! });
}

/** Parses a list of endpoints, so a bad one stops startup or a policy load. */
export function parseMcpEndpoints(list: readonly string[]): readonly McpEndpoint[] {
  return Object.freeze(list.map(parseMcpEndpoint));
}

const DEFAULT_ENDPOINTS = parseMcpEndpoints(DEFAULT_MCP_ENDPOINTS);

/** Where a request stands against the endpoints: at one, at one's REST tool path (with the tool), or neither. */
export type EndpointMatch =
  { readonly kind: 'rpc' } | { readonly kind: 'rest'; readonly tool: string } | { readonly kind: 'none' };

const NONE: EndpointMatch = Object.freeze({ kind: 'none' });
const RPC: EndpointMatch = Object.freeze({ kind: 'rpc' });
const TOOL_SEGMENT = /^\/tools\/([^/]+)$/;

function hostAndPortMatch(ep: McpEndpoint, host: string, port: number | null, scheme: string): boolean {
  if (ep.port === null ? !isDefaultPort(port, scheme) : ep.port !== '*' && ep.port !== port) return false;
  return ep.host === '*' || hostMatches(host, [ep.host]);
}

/** Matches a request's host, port, scheme and raw path (without query) against the endpoints. */
export function matchMcpEndpoint(
  endpoints: readonly McpEndpoint[] | undefined,
  host: string,
  port: number | null,
  scheme: string,
  pathname: string,
): EndpointMatch {
  for (const ep of endpoints ?? DEFAULT_ENDPOINTS) {
    if (!hostAndPortMatch(ep, host, port, scheme)) continue;
    if (pathname === ep.path) return RPC;
    const base = ep.path.endsWith('/') ? ep.path.slice(0, -1) : ep.path;
    if (pathname.startsWith(base)) {
      const rest = TOOL_SEGMENT.exec(pathname.slice(base.length));
      if (rest !== null) return { kind: 'rest', tool: rest[1]! };
    }
  }
  return NONE;
}
