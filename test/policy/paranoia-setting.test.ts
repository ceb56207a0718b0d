/** settings.paranoia: 1-4 validated at load with file:line, carried to the inspectors' config, absent = 1. */
import { describe, expect, it } from 'vitest';
import { loadWithSettings, settingsProblems } from './settings-section.js';
import { inspectorConfigFrom } from '../../src/pipeline/deps.js';
import { commandInjectionInspector } from '../../src/pipeline/inspect/inspectors/command-injection.js';
import { runArgs } from '../inspect/inspect-helpers.js';

const load = loadWithSettings;
const problems = settingsProblems;

describe('settings.paranoia', () => {
  it('reaches the inspectors: prose with a code span is judged from level 2, not at the default', () => {
    const prose = { note: 'Run it with `sudo` when the file belongs to root.' };
    const severities = (settings: string) =>
      runArgs(commandInjectionInspector, 'docs.create', prose, inspectorConfigFrom(load(settings))).map(
        (f) => f.severity,
      );
    expect(load('  timezone: UTC').paranoia).toBeUndefined();
    expect(inspectorConfigFrom(load('  paranoia: 3')).paranoia).toBe(3);
    expect(severities('  timezone: UTC')).toEqual([]);
    expect(severities('  paranoia: 1')).toEqual([]);
    expect(severities('  paranoia: 2')).toEqual(['medium']);
    expect(severities('  paranoia: 4')).toEqual(['high']);
  });

  it('refuses anything but the integers 1 to 4', () => {
    for (const bad of ['0', '5', 'high', '"2"', '2.5', '[1]'])
      expect(problems(`  paranoia: ${bad}`), bad).toEqual([
        '4: paranoia must be 1, 2, 3 or 4 (docs/inspectors.md)',
      ]);
  });
});
