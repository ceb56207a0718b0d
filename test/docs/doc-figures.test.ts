/**
 * The counts and rates of the evidence docs are generated from data (scripts/doc-figures.ts): this fails when
 * one is stale, when a rate there is typed by hand, when eval/results.json is not the run that wrote
 * docs/eval-results.md, or when the default pack no longer decides what the generated text quotes from its
 * own test cases.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runPolicyCommand } from '../../src/cli/policy-command.js';
import { execFileSync } from 'node:child_process';
import {
  figureDocs,
  handTypedFigures,
  loadResults,
  measuredProblems,
  renderFigures,
  ROOT,
  sweptDocs,
  uncitedRates,
  WHOLLY_GENERATED,
} from '../../scripts/doc-figures.js';

const results = loadResults();
const read = (doc: string) => readFileSync(join(ROOT, doc), 'utf8');

describe('generated figures in docs', () => {
  for (const doc of figureDocs())
    it(`${doc} is current (node --import tsx scripts/doc-figures.ts)`, () => {
      const text = read(doc);
      expect(renderFigures(text, results)).toBe(text);
    });

  it('quotes no rate by hand: every percentage is generated, cited from the eval, or a false-positive budget', () => {
    // The mapping files (YAML, no measured regions); the markdown docs are swept by the next test.
    for (const doc of figureDocs().filter((d) => d.endsWith('.yaml')))
      expect(uncitedRates(read(doc)), doc).toEqual([]);
  });

  it('states no count or rate by hand in docs/, docs/compliance/ and README.md', () => {
    const how =
      'regenerate with `node --import tsx scripts/doc-figures.ts`; a figure must sit in a <!-- generated:NAME --> region, ' +
      'cite the eval ("97.4% [eval: sql-injection recall at 5% FP]"), be a bound (target, budget, FP rate), ' +
      'or be a one-off measurement marked <!-- measured YYYY-MM-DD <commit or file> -->...<!-- /measured -->';
    const docs = sweptDocs();
    expect(docs).toContain('README.md');
    expect(docs.length).toBeGreaterThan(20);
    for (const doc of docs) expect(handTypedFigures(read(doc)), `${doc}: ${how}`).toEqual([]);
  });

  it('dates every quoted measurement and names a commit or file it came from', () => {
    const shallow = execFileSync('git', ['rev-parse', '--is-shallow-repository'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    // In a shallow clone an older commit is absent: only its form is checked there.
    const isCommit = (hash: string) => {
      if (shallow.trim() === 'true') return true;
      try {
        execFileSync('git', ['cat-file', '-e', `${hash}^{commit}`], { cwd: ROOT, stdio: 'ignore' });
        return true;
      } catch {
        return false;
      }
    };
    for (const doc of sweptDocs()) expect(measuredProblems(read(doc), isCommit), doc).toEqual([]);
    expect(
      measuredProblems('<!-- measured 2099-01-01 abcdef0 -->1%<!-- /measured -->', () => true),
    ).toHaveLength(1);
    expect(
      measuredProblems('<!-- measured 2026-12-06 no/such/log.txt -->1%<!-- /measured -->', () => true),
    ).toHaveLength(1);
    expect(
      measuredProblems('<!-- measured 2026-12-06 abcdef0 -->1%<!-- /measured -->', () => false),
    ).toHaveLength(1);
  });

  it('leaves only docs written whole by a generator with its own staleness check out of the sweep', () => {
    for (const doc of Object.keys(WHOLLY_GENERATED)) {
      expect(existsSync(join(ROOT, doc)), doc).toBe(true);
      expect(sweptDocs()).not.toContain(doc);
    }
  });

  it('fails on a planted hand-typed figure, and passes it generated, cited, bounded or dated', () => {
    const planted =
      read('README.md') + '\nThe default pack runs 51 scenarios and catches 85.1% of attacks in 132 µs.\n';
    expect(handTypedFigures(planted)).toHaveLength(3);
    expect(handTypedFigures('twelve inspectors; 905 of 924 detected')).toHaveLength(2);
    expect(
      handTypedFigures('<!-- generated:inspector-count -->12 inspectors<!-- /generated:inspector-count -->'),
    ).toEqual([]);
    expect(handTypedFigures('<!-- measured 2026-12-06 06885a9 -->96.97% → 97.94%<!-- /measured -->')).toEqual(
      [],
    );
    expect(handTypedFigures('90.4% [eval: sql-injection recall at 1% FP]')).toEqual([]);
    expect(
      handTypedFigures(
        'target at least 40% of the no-op, within a 150 µs budget, recall at 1%, 2% and 5% false\npositives',
      ),
    ).toEqual([]);
    expect(handTypedFigures('`%25` and SHA-256 of 256-bit keys')).toEqual([]);
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
