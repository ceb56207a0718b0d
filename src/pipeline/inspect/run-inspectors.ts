/** Runs every inspector over one action; an inspector that throws yields a critical finding, not a pass. */
import { WritError } from '../errors.js';
import type { Finding } from '../model/finding.js';
import type { InspectionInput, Inspector } from './inspector.js';

/** Inspector failures are reported under this id so a rule (and the default deny) can act on them. */
export const INSPECTOR_FAILED = 'inspect.failed';

/** Runs one inspector, appending its findings (or `inspect.failed`) to `findings`. */
function runOne(inspector: Inspector, input: InspectionInput, findings: Finding[]): void {
  try {
    const found = inspector.inspect(input);
    for (let i = 0; i < found.length; i++) findings.push(found[i]!);
  } catch (err) {
    // A bound reached (INSPECTION_LIMITS) is the request's fault, not the inspector's: the deny names it.
    if (err instanceof WritError && err.code === 'ERR_INSPECTION_LIMIT') throw err;
    // SECURITY: fail closed. A crash on hostile input must not read as "nothing found".
    findings.push({
      id: INSPECTOR_FAILED,
      inspector: inspector.id,
      severity: 'critical',
      path: '$',
      evidence: err instanceof Error ? err.message.slice(0, 120) : 'non-error thrown',
      owasp: [],
      atlas: [],
    });
  }
}

/** The findings of all inspectors, in registry order. Throws only ERR_INSPECTION_LIMIT (a bound reached). */
export function runInspectors(inspectors: readonly Inspector[], input: InspectionInput): Finding[] {
  const findings: Finding[] = [];
  // PERF: indexed loops; `for...of` over a frozen array (the registry) allocates an iterator result per step.
  for (let k = 0; k < inspectors.length; k++) runOne(inspectors[k]!, input, findings);
  return findings;
}

/**
 * The same findings as runInspectors, with `between()` awaited before each inspector: a costly decision lets
 * other requests run (and stops at its deadline: `between` may throw ERR_TIMEOUT) between inspectors.
 */
export async function runInspectorsPaced(
  inspectors: readonly Inspector[],
  input: InspectionInput,
  between: () => Promise<void>,
): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (let k = 0; k < inspectors.length; k++) {
    await between();
    runOne(inspectors[k]!, input, findings);
  }
  return findings;
}
