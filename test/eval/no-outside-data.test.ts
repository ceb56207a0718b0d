/**
 * A fresh clone is self-contained: no source, test, script, benchmark or CI file reads the corpora from a
 * folder beside the repository; they read test-data/ through eval/data-dir.ts.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATA } from '../../eval/data-dir.js';

const ROOT = join(import.meta.dirname, '..', '..');
// Built from parts so this file does not match itself.
const OUTSIDE = new RegExp(['shared', 'data'].join('/') + '|\\.\\./' + 'shared');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

describe('corpus location', () => {
  it('reads the corpora from test-data/ inside the repository', () => {
    expect(DATA.startsWith(join(ROOT, 'test-data'))).toBe(true);
    expect(statSync(join(DATA, 'bipia', 'LICENSE')).isFile()).toBe(true);
  });

  it('has no reader of a corpus folder outside the repository', () => {
    const scanned = ['src', 'eval', 'test', 'scripts', 'bench', '.ci', 'docs']
      .flatMap((d) => files(join(ROOT, d)))
      .concat(['package.json', 'README.md', 'Dockerfile'].map((f) => join(ROOT, f)));
    const offenders = scanned.filter((f) => OUTSIDE.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('ships every vendored corpus with its licence and SOURCE.md', () => {
    for (const corpus of readdirSync(DATA).filter((d) => statSync(join(DATA, d)).isDirectory())) {
      const names = readdirSync(join(DATA, corpus));
      expect(names, corpus).toContain('SOURCE.md');
      expect(
        names.some((n) => /^(?:LICENSE|COPYING)/.test(n)),
        `${corpus} licence`,
      ).toBe(true);
    }
  });
});
