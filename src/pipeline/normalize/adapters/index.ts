/** The adapter registry: asked in order, the first adapter that matches interprets the request. */
import type { Adapter } from '../adapter.js';
import { httpAdapter } from './http.js';
import { mcpAdapter } from './mcp.js';

/** Specific adapters first; the generic HTTP adapter last, because it matches everything. */
export const ADAPTERS: readonly Adapter[] = [mcpAdapter, httpAdapter];
