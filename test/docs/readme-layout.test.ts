/**
 * Issue 14 item 10: the README's layout block names every top-level entry of `src/` and every folder of the
 * pure core, so a newcomer's map cannot fall behind a move (core-from-config.ts and inspect-worker/ once did).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
/** The fenced block after "How a request is governed". */
const layout = /## How a request is governed[\s\S]*?```\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';

const entries = (dir: string) =>
  readdirSync(join(ROOT, dir), { withFileTypes: true }).map((e) => (e.isDirectory() ? `${e.name}/` : e.name));

describe('README layout', () => {
  it('is found', () => {
    expect(layout).toContain('src/pipeline/');
  });

  it('names every top-level entry of src/', () => {
    const missing = entries('src').filter((e) => !layout.includes(`src/${e}`));
    expect(missing).toEqual([]);
  });

  it('names every folder of the pure core', () => {
    const missing = entries('src/pipeline')
      .filter((e) => e.endsWith('/'))
      .filter((e) => !new RegExp(`^\\s+${e.replace('/', '\\/')}\\s`, 'm').test(layout));
    expect(missing).toEqual([]);
  });
});
