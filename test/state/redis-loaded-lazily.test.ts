/**
 * ioredis is loaded only when Redis is configured: loading it defines `class VerbatimString extends String`,
 * after which every `charCodeAt` loop in the process (inspectors, the strict JSON parser) runs several times
 * slower in V8 (docs/performance-budget.md, issue 19). A writ without Redis must not pay that.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

/** Whether ioredis is in the CommonJS module cache after `script` ran, in a fresh process. */
function ioredisLoadedAfter(script: string): boolean {
  const out = execFileSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      `${script}
       const { createRequire } = await import('node:module');
       const cache = createRequire(import.meta.url).cache;
       console.log(JSON.stringify(Object.keys(cache).some((f) => f.includes('/node_modules/ioredis/'))));`,
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  return JSON.parse(out.trim().split('\n').at(-1)!) as boolean;
}

describe('ioredis is loaded only for a Redis store', () => {
  it('is not loaded by the composition root, nor by a store in memory', () => {
    expect(
      ioredisLoadedAfter(`
        await import('./src/app.ts');
        const { storeFromConfig } = await import('./src/state/from-config.ts');
        const { mkdtempSync } = await import('node:fs');
        const { tmpdir } = await import('node:os');
        const dir = mkdtempSync(tmpdir() + '/writ-lazy-redis-');
        const opened = await storeFromConfig(
          { redisUrl: null, redisPrefix: 'writ:', allowVolatileState: false, stateFile: dir + '/state.json' },
          { now: Date.now, log: { info() {}, warn() {}, error() {} }, up: { set() {} }, audit() {} },
        );
        await opened.store.close();`),
    ).toBe(false);
  });
  it('is loaded once a Redis store is asked for (the check above can see it)', () => {
    expect(ioredisLoadedAfter(`await import('./src/state/redis-store.ts');`)).toBe(true);
  });
});
