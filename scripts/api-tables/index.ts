/** Every generated API table, one per description. */
import { githubRestTable } from './github-rest-table.js';
import type { ApiTable } from './table.js';

export const API_TABLES: readonly ApiTable[] = [githubRestTable];
