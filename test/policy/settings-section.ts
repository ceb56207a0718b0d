/**
 * A policy set with one `settings:` section and a single deny rule, for the tests of each setting
 * (paranoia-setting.test.ts, unbound-headers-setting.test.ts): compiled, or the load problems it gets.
 */
import { compilePolicySources, PolicyLoadError } from '../../src/pipeline/policy/load.js';
import type { PolicySet } from '../../src/pipeline/policy/types.js';

/** Compiles a set whose `settings:` section is `settings` (indented lines, as in YAML). Line 4 is its first. */
export function loadWithSettings(settings: string): PolicySet {
  return compilePolicySources([
    {
      name: 'p.yaml',
      text: `apiVersion: writ.dev/v1\nkind: PolicySet\nsettings:\n${settings}\nrules:\n  - {id: r, effect: deny}\n`,
    },
  ]);
}

/** The load problems of such a set, as `line: message`; none when it compiles. */
export function settingsProblems(settings: string): string[] {
  try {
    loadWithSettings(settings);
  } catch (err) {
    if (err instanceof PolicyLoadError) return err.problems.map((p) => `${p.line}: ${p.message}`);
    throw err;
  }
  return [];
}
