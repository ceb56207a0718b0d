/** Deep freeze: the action is frozen before inspection so the hash that is signed is of what was inspected. */

import { isKeptStandIn } from './kept-arguments.js';

/**
 * Freezes an object graph in place and returns it. The stand-in of arguments kept on the inspection thread
 * (kept-arguments.ts) is frozen already and refuses to list its keys, so it is left as it is.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !isKeptStandIn(value) && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}
