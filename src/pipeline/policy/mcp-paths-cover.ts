/**
 * The MCP rules of a pack match an endpoint's path through `lists.mcp_paths`, and normalize reads a body as
 * MCP only at `lists.mcp_endpoints`. Two lists can drift: an endpoint an operator adds whose path no
 * `mcp_paths` entry matches would be read as MCP and then denied by default by every MCP rule, silently.
 * This check names each such endpoint so the load stops instead.
 */
import { RE2JS } from 're2js';
import { parseMcpEndpoint } from '../normalize/mcp-endpoint.js';
import { globToRegex } from './operators.js';

/** The endpoints (as written) whose path no glob of `paths` matches; empty when every one is covered. */
export function mcpEndpointsNotCovered(
  endpoints: readonly string[],
  paths: readonly string[],
): readonly string[] {
  const globs = paths.map((p) => RE2JS.compile(globToRegex(p), RE2JS.DOTALL));
  const out: string[] = [];
  for (const text of endpoints) {
    let path: string;
    try {
      path = parseMcpEndpoint(text).path;
    } catch {
      // A malformed endpoint is reported by the list's own check.
      continue;
    }
    if (!globs.some((re) => re.matcher(path).find())) out.push(text);
  }
  return out;
}
