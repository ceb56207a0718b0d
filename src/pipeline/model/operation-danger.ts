/**
 * The one order of operation classes by danger, and "the more dangerous of two" built on it. Every reader
 * that combines classes (SQL statements, a method and its override, a typed API's reading and a tool name's,
 * operation verbs and their nouns, a batch's messages) takes its order from here, so the order cannot drift
 * between them.
 */
import type { OperationClass } from './action.js';

/**
 * Every class, least dangerous first. INVARIANT: `unknown` (a reader could not tell what the call does)
 * outranks every known class but `delete`, so nothing writ cannot read is ever lowered to a read.
 */
export const DANGER_ORDER: readonly OperationClass[] = [
  'read',
  'write',
  'send',
  'pay',
  'exec',
  'admin',
  'unknown',
  'delete',
];

const RANK = Object.fromEntries(DANGER_ORDER.map((c, i) => [c, i] as const)) as Readonly<
  Record<OperationClass, number>
>;

/** True when `a` is more dangerous than `b` in DANGER_ORDER. */
export function moreDangerous(a: OperationClass, b: OperationClass): boolean {
  return RANK[a] > RANK[b];
}

/** The more dangerous of two readings of one call (SQL under two dialects, a method and its override). */
export function riskierReading(a: OperationClass, b: OperationClass): OperationClass {
  return moreDangerous(b, a) ? b : a;
}

/**
 * The more dangerous of two classes where `unknown` means "says nothing" (a tool name without a verb, a
 * batch element not yet read): it never raises a known class, and a known class always replaces it.
 */
export function riskierKnown(a: OperationClass, b: OperationClass | null): OperationClass {
  if (b === null || b === 'unknown') return a;
  if (a === 'unknown') return b;
  return riskierReading(a, b);
}
