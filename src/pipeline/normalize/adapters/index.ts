/** The adapter registry: asked in order, the first adapter that matches interprets the request. */
import type { Adapter } from '../adapter.js';
import { familyAdapter } from '../api/family-adapter.js';
import { API_FAMILIES } from './families.js';
import { a2aAdapter } from './a2a.js';
import { httpAdapter } from './http.js';
import { mcpAdapter } from './mcp.js';

/**
 * A2A first (at a place that is both an A2A and an MCP endpoint it refuses the double reading; an MCP
 * method at an MCP endpoint stays MCP's), then MCP (a JSON-RPC body anywhere is its to claim or refuse),
 * then the typed API families by host, then the generic HTTP adapter last, because it matches everything.
 */
export const ADAPTERS: readonly Adapter[] = [
  a2aAdapter,
  mcpAdapter,
  // A family without hosts (mail tools) reads MCP tool calls only.
  ...API_FAMILIES.filter((f) => f.hosts.length > 0).map(familyAdapter),
  httpAdapter,
];
