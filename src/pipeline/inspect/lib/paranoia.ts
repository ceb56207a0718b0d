/**
 * The paranoia level (`settings.paranoia` in the policy, 1-4, default 1), after the paranoia levels of the
 * OWASP Core Rule Set: level 1 judges the contexts where an interpreter is plain (command lines, SQL, paths,
 * hosts, parameters that are not prose) and keeps false positives low; each level above also judges a wider
 * context, at a higher severity, for deployments that accept more false positives.
 */
import type { Severity } from '../../model/finding.js';

/** 1 (default): low false positives; 2 and 3: prose is judged at medium, then high; 4: strictest. */
export type ParanoiaLevel = 1 | 2 | 3 | 4;

/** The level a deployment runs at when its policy sets none. */
export const DEFAULT_PARANOIA: ParanoiaLevel = 1;

/** True for the four levels. */
export function isParanoiaLevel(n: unknown): n is ParanoiaLevel {
  return n === 1 || n === 2 || n === 3 || n === 4;
}

/**
 * The severity of shell syntax found in a value that reads as prose (a Markdown code span, a sentence that
 * happens to continue with a command word): null at level 1, where prose is quotation, not a command line;
 * medium at 2; high at 3 and 4.
 */
export function proseSeverity(level: ParanoiaLevel | undefined): Severity | null {
  const l = level ?? DEFAULT_PARANOIA;
  return l === 1 ? null : l === 2 ? 'medium' : 'high';
}

/**
 * True when a control operator followed by a word that is not a known command is still judged in a value
 * that is not prose (level 4 only): `x;frobnicate` is a command to a shell whatever the program is.
 */
export function judgesUnknownCommands(level: ParanoiaLevel | undefined): boolean {
  return (level ?? DEFAULT_PARANOIA) === 4;
}
