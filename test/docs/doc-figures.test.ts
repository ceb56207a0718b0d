/**
 * The counts and rates of the evidence docs are generated from data (scripts/doc-figures.ts): this fails when
 * one is stale, when a rate there is typed by hand, when eval/results.json is not the run that wrote
 * docs/eval-results.md, or when the default pack no longer decides what the generated text quotes from its
 * own test cases.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runPolicyCommand } from '../../src/cli/policy-command.js';
import { figureDocs, loadResults, renderFigures, ROOT, uncitedRates } from '../../scripts/doc-figures.js';

const results = loadResults();
const read = (doc: string) => readFileSync(join(ROOT, doc), 'utf8');

describe('generated figures in docs', () => {
  for (const doc of figureDocs())
    it(`${doc} is current (node --import tsx scripts/doc-figures.ts)`, () => {
      const text = read(doc);
      expect(renderFigures(text, results)).toBe(text);
    });

  it('quotes no rate by hand: every percentage is generated, cited from the eval, or a false-positive budget', () => {
    for (const doc of figureDocs()) expect(uncitedRates(read(doc)), doc).toEqual([]);
  });

  it('fills the owasp counts and the eval rates the docs cite (a stale number is rewritten)', () => {
    const owasp = read('docs/owasp-agentic.md');
    expect(owasp).toMatch(/<!-- generated:owasp-scenario-counts -->\n\d+ scenario files: /);
    const stale = '12.3% [eval: sql-injection recall at 5% FP]';
    const fresh = renderFigures(stale, results);
    expect(fresh).not.toBe(stale);
    expect(fresh).toBe(
      `${(results.inspectors['sql-injection']![2]! * 100).toFixed(1)}% [eval: sql-injection recall at 5% FP]`,
    );
    expect(() => renderFigures('1.0% [eval: no-such-inspector recall at 5% FP]', results)).toThrow(
      /no inspector "no-such-inspector"/,
    );
    expect(() => renderFigures('<!-- generated:nope -->\n<!-- /generated:nope -->', results)).toThrow(
      /unknown generated region/,
    );
    expect(uncitedRates('detected 85.1% on PATT')).toHaveLength(1);
  });

  it('takes its rates from the same eval run that wrote docs/eval-results.md', () => {
    const report = read('docs/eval-results.md');
    const section = report.slice(
      report.indexOf('## Per inspector (test)'),
      report.indexOf('## Per attack family (test)'),
    );
    const ids = Object.keys(results.inspectors);
    expect(ids.length).toBeGreaterThan(5);
    for (const id of ids) {
      const trio = results.inspectors[id]!.map((x) => `${(x * 100).toFixed(1)}%`).join(' / ');
      expect(section, `eval-results.md row of ${id} (rerun npm run eval)`).toContain(`| ${id} | `);
      expect(section.split('\n').find((l) => l.startsWith(`| ${id} | `))).toContain(trio);
    }
  });

  it("backs the default pack's quoted decisions: its own test cases pass (writ policy test policies)", async () => {
    const out = new PassThrough();
    const err = new PassThrough();
    let stdout = '';
    let stderr = '';
    out.on('data', (d) => (stdout += String(d)));
    err.on('data', (d) => (stderr += String(d)));
    const code = await runPolicyCommand(['test', join(ROOT, 'policies')], out, err);
    expect(stderr).toBe('');
    expect(code, stdout).toBe(0);
    expect(stdout).toContain('tools/list');
  });
});
