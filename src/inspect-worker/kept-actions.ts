/**
 * The actions whose arguments the inspection thread keeps (src/pipeline/kept-arguments.ts), by the id of the
 * job that normalized them, until the main thread has them inspected. A decision that ends before inspection
 * (denied by identity, quarantine, its deadline) never asks again: the oldest are dropped past a few, which
 * bounds the memory they hold. Costly decisions take turns (src/pipeline/pace.ts), so one is live at a time; a
 * dropped one asked for later is ERR_INSPECTION_THREAD, a deny.
 */
import type { Action } from '../pipeline/model/action.js';

/** Actions kept at most (each up to a 1 MiB body parsed). */
export const MAX_KEPT_ACTIONS = 4;

export class KeptActions {
  private readonly byHandle = new Map<number, Action>();

  keep(handle: number, action: Action): void {
    this.byHandle.set(handle, action);
    // A Map iterates in insertion order: the first key is the oldest.
    while (this.byHandle.size > MAX_KEPT_ACTIONS) {
      const oldest = this.byHandle.keys().next();
      if (oldest.done === true) break;
      this.byHandle.delete(oldest.value);
    }
  }

  /** The kept action, given up: each is inspected once. Undefined when it was never kept or was dropped. */
  take(handle: number): Action | undefined {
    const action = this.byHandle.get(handle);
    this.byHandle.delete(handle);
    return action;
  }

  get size(): number {
    return this.byHandle.size;
  }
}
