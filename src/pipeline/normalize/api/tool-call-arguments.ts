/**
 * How a typed family reads an MCP tool call's name and arguments: the tool's name without the vendor's
 * prefix is the key of the family's tool table, and an argument names a path segment when it is a non-empty
 * string or a finite number (GitLab's numeric project ids, a numeric GitHub login).
 */
import { toolWords } from '../operation-class.js';
import type { ToolCall } from './api-family.js';

/**
 * The tool's words joined by `_`, without a leading vendor prefix: `github_delete_repo`, `gh-delete-repo` and
 * `GitHub.deleteRepo` all key `delete_repo`. A prefix may span the words camel case splits it into (`GitHub`
 * reads as `git`, `hub`); at least one word is always left.
 */
export function toolKey(tool: string, vendorPrefixes: ReadonlySet<string>): string {
  const words = toolWords(tool);
  let joined = '';
  for (let k = 1; k < words.length; k++) {
    joined += words[k - 1]!;
    if (vendorPrefixes.has(joined)) return words.slice(k).join('_');
  }
  return words.join('_');
}

/** The first of `names` the call carries as a non-empty string or a finite number, as text; null if none. */
export function argumentText(call: ToolCall, names: readonly string[]): string | null {
  for (const n of names) {
    const v = call.arguments[n];
    if (typeof v === 'string' && v.length > 0) return v;
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  }
  return null;
}
