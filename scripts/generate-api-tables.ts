/**
 * Generates the typed adapters' method-and-path tables from the APIs' own machine-readable descriptions in
 * the npm registry, and commits them with their source version (docs/adapters.md). `--check` regenerates in
 * memory and fails when a committed table differs (a stale table, or a hand edit).
 *
 *   npm run api-tables           # write src/pipeline/normalize/adapters/generated/*.ts
 *   npm run api-tables:check     # what CI runs, through test/adapters/api-tables.test.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as prettier from 'prettier';
import { API_TABLES } from './api-tables/index.js';

const OUT_DIR = join(import.meta.dirname, '..', 'src', 'pipeline', 'normalize', 'adapters', 'generated');

/** Every generated file's path and text, formatted as the repository formats TypeScript. */
export async function generatedFiles(): Promise<Array<{ path: string; text: string }>> {
  const out: Array<{ path: string; text: string }> = [];
  for (const table of API_TABLES) {
    if (table.sourceAvailable?.() === false) {
      process.stderr.write(`${table.file}: source not installed, committed table left as it is\n`);
      continue;
    }
    const path = join(OUT_DIR, table.file);
    const options = (await prettier.resolveConfig(path)) ?? {};
    out.push({ path, text: await prettier.format(table.render(), { ...options, filepath: path }) });
  }
  return out;
}

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  const stale: string[] = [];
  for (const { path, text } of await generatedFiles()) {
    if (!check) {
      writeFileSync(path, text);
      continue;
    }
    let committed = '';
    try {
      committed = readFileSync(path, 'utf8');
    } catch {
      committed = '';
    }
    if (committed !== text) stale.push(path);
  }
  if (stale.length > 0) {
    process.stderr.write(`stale generated tables (run npm run api-tables):\n${stale.join('\n')}\n`);
    process.exit(1);
  }
}

if (process.argv[1] !== undefined && import.meta.filename === process.argv[1]) await main();
