/**
 * The typed API families (docs/adapters.md), one file each. The registry (index.ts) claims HTTP requests by
 * their hosts; the MCP adapter asks them about tool calls (api/tool-call.ts). More specific families first.
 */
import type { ApiFamily } from '../api/api-family.js';
import { githubRestFamily } from './github-rest.js';

/** Every typed API family, in the order the registry asks them. */
export const API_FAMILIES: readonly ApiFamily[] = [githubRestFamily];
