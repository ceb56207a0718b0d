/** The adapter registry: asked in order, the first adapter that matches interprets the request. */
import type { Adapter } from '../adapter.js';
import { familyAdapter } from '../api/family-adapter.js';
import { API_FAMILIES } from './families.js';
import { httpAdapter } from './http.js';
import { mcpAdapter } from './mcp.js';

/**
 * MCP first (a JSON-RPC body anywhere is its to claim or refuse), then the typed API families by host, then
 * the generic HTTP adapter last, because it matches everything.
 */
export const ADAPTERS: readonly Adapter[] = [mcpAdapter, ...API_FAMILIES.map(familyAdapter), httpAdapter];
