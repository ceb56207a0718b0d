/** The README's configuration table lists every setting writ reads, with its real environment variable. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SETTINGS } from '../../src/config.js';

const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
const rows = [...readme.matchAll(/^\| `--([a-z0-9-]+)` \| `([A-Z0-9_]+)` \|/gm)].map((m) => ({
  flag: m[1]!,
  env: m[2]!,
}));

describe('README configuration table', () => {
  it('documents every setting exactly once, with its environment variable', () => {
    expect(rows.map((r) => r.flag).sort()).toEqual(SETTINGS.map((s) => s.flag).sort());
    for (const s of SETTINGS) expect(rows.find((r) => r.flag === s.flag)?.env, s.flag).toBe(s.env);
  });
});
