/**
 * Parsed input without prototypes on either side of the thread boundary. Strict JSON builds objects without
 * one (normalize/strict-json.ts), and so do the query and form readers; a structured clone gives every object
 * Object.prototype back. Left so, a lookup of `constructor` or `toString` in an argument would find a function
 * on one thread and nothing on the other, and the two threads would not read one action alike.
 */
import type { Action } from '../pipeline/model/action.js';
import type { JsonValue } from '../pipeline/model/json.js';

function withoutPrototypes(value: unknown, seen: Set<object>): void {
  if (value === null || typeof value !== 'object' || seen.has(value)) return;
  seen.add(value);
  if (Array.isArray(value)) {
    for (const item of value) withoutPrototypes(item, seen);
    return;
  }
  if (ArrayBuffer.isView(value)) return;
  Object.setPrototypeOf(value, null);
  for (const key of Object.keys(value)) withoutPrototypes((value as Record<string, unknown>)[key], seen);
}

/**
 * The action as the thread that built it held it: its arguments, payload and query (and each batch element's)
 * without prototypes again. Mutates and returns the freshly cloned `action`; call it only on a clone.
 */
export function asBuilt(action: Action): Action {
  const seen = new Set<object>();
  const visit = (a: Action): void => {
    withoutPrototypes(a.action.arguments satisfies JsonValue, seen);
    withoutPrototypes(a.payload satisfies JsonValue, seen);
    withoutPrototypes(a.resource.query, seen);
    for (const e of a.elements ?? []) visit(e);
  };
  visit(action);
  return action;
}
