/**
 * src/app.ts reads as the list of writ's parts (issue 14 item 6): the wiring of each part lives in that
 * part's own `from-config` module, so the composition root stays short enough to read in one sitting.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const APP = readFileSync(join(import.meta.dirname, '..', '..', 'src', 'app.ts'), 'utf8');

describe('the composition root', () => {
  it('is at most 300 lines', () => {
    expect(APP.split('\n').length).toBeLessThanOrEqual(300);
  });

  it('builds each configured part through its own from-config module', () => {
    const fromConfig = [...APP.matchAll(/from '(\.\/[^']*from-config\.js)'/g)].map((m) => m[1]);
    expect(fromConfig.sort()).toEqual([
      './admin/from-config.js',
      './audit/from-config.js',
      './core-from-config.js',
      './extauthz/from-config.js',
      './extproc/from-config.js',
      './identity/from-config.js',
      './keys/from-config.js',
      './state/from-config.js',
    ]);
  });
});
