/**
 * docs/test-suite.md is generated (scripts/suite-report.ts) and checked here without running the suite: its
 * file rows are the test files on disk, its corpus rows and facts are what the sample and baseline
 * enumerate, each row's kinds fit its path, and its totals are what its rows add up to.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CORPUS_FILE,
  DOC_FILE,
  kindOf,
  parseCorpusFacts,
  parseRows,
  render,
  testFilesOnDisk,
} from '../../scripts/suite-report.js';
import { corpusFacts } from './corpus-facts.js';

const doc = readFileSync(DOC_FILE, 'utf8');
const rows = parseRows(doc);
const REGENERATE = 'regenerate with `npm run suite:report -- <files>` (or `npm run suite:report` for all)';

describe('docs/test-suite.md', () => {
  it('has one row per test file on disk, no more', () => {
    const onDisk = testFilesOnDisk();
    expect(onDisk.length).toBeGreaterThan(100);
    const listed = rows.map((r) => r.file);
    expect(
      onDisk.filter((f) => !listed.includes(f)),
      `test files with no row: ${REGENERATE}`,
    ).toEqual([]);
    expect(
      listed.filter((f) => !onDisk.includes(f)),
      `rows of files no longer on disk: ${REGENERATE}`,
    ).toEqual([]);
  });

  it('states the corpus rows the sample and the baseline enumerate', { timeout: 60_000 }, () => {
    const facts = corpusFacts();
    expect(facts.attackAsserted).toBeGreaterThan(1000);
    expect(
      parseCorpusFacts(doc),
      `corpus facts: regenerate with \`npm run suite:report -- ${CORPUS_FILE}\``,
    ).toEqual(facts);
    const corpus = rows.find((r) => r.file === CORPUS_FILE);
    expect(corpus?.executed['corpus attack rows']).toBe(facts.attackAsserted);
    expect(corpus?.executed['corpus benign rows']).toBe(facts.benignAsserted);
  });

  it('gives each file only the kinds its path can hold', () => {
    for (const r of rows) {
      if (r.file !== CORPUS_FILE) {
        expect(r.executed['corpus attack rows'], r.file).toBe(0);
        expect(r.executed['corpus benign rows'], r.file).toBe(0);
      }
      // A test that is not a corpus row takes its kind from its path alone.
      const pathKind = kindOf(r.file, '');
      for (const k of ['scenario', 'property', 'hand-written'] as const)
        if (k !== pathKind) expect(r.executed[k], `${r.file}: ${k}`).toBe(0);
    }
  });

  it('is exactly what its rows and facts render (totals, shares and the plain statement)', () => {
    const facts = parseCorpusFacts(doc);
    expect(facts).not.toBeNull();
    expect(doc).toBe(render(rows, facts!));
    expect(doc).toMatch(/% of the executed tests \(\d+ of \d+\) are one generated test/);
    expect(doc).toContain(
      'An attack row is asserted only if the inspectors detected it when the baseline was frozen',
    );
  });
});
