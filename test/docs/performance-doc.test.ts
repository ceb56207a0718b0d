/**
 * docs/performance.md is written whole by `npm run bench` from the report the same run writes beside it
 * (docs/performance.json). This fails when the page is not what that report renders (a figure edited by
 * hand, or the page's template changed without `npm run bench -- --render-only`), when the report's medians
 * are not those of its own rounds, when the commit it names is not in this history, or when the calls the
 * bench sends today are not the ones the report was measured on (then `npm run bench` has to run again).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ALLOWED } from '../../bench/lib/check-request.js';
import {
  exchangesSha256,
  JSON_SIZES_KIB,
  OPEN_LOOP_KIB,
  resultShapes,
  SSE_CHUNK_BYTES,
  SSE_KIB,
  VARIANTS,
} from '../../bench/lib/ext-proc-exchanges.js';
import { summarizeExtProc } from '../../bench/lib/ext-proc-report.js';
import {
  PERFORMANCE_JSON,
  PERFORMANCE_MD,
  renderPerformanceDoc,
  type PerformanceReport,
} from '../../bench/lib/performance-doc.js';
import { buildRows } from '../../bench/lib/report.js';
import { ROOT } from '../../scripts/doc-figures.js';

const report = JSON.parse(readFileSync(PERFORMANCE_JSON, 'utf8')) as PerformanceReport;
const page = readFileSync(PERFORMANCE_MD, 'utf8');
/** As the report file holds it: NaN (a figure a phase could not give) is written as null. */
const asWritten = (x: unknown): unknown => JSON.parse(JSON.stringify(x));
const git = (args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: 'pipe' });

describe('docs/performance.md and the report it is rendered from', () => {
  it('is exactly what docs/performance.json renders', async () => {
    expect(await renderPerformanceDoc(report, PERFORMANCE_MD)).toBe(page);
  });

  it('would fail on a figure of the report or the page changed by hand', async () => {
    const x = report.extProc;
    const edited: PerformanceReport = {
      ...report,
      extProc: { ...x, marginal: { ...x.marginal, usPerKiB: x.marginal.usPerKiB + 10 } },
    };
    expect(await renderPerformanceDoc(edited, PERFORMANCE_MD)).not.toBe(page);
    const added = report.extProc.openLoop.addedP99Ms.toFixed(2);
    expect(page).toContain(`${added} ms`);
    expect(page.replace(`${added} ms`, '0.01 ms')).not.toBe(
      await renderPerformanceDoc(report, PERFORMANCE_MD),
    );
  });

  it("holds the medians of its own rounds: check role's table and ext_proc's figures", () => {
    expect(report.results.writ.capacity.length).toBe(report.inputs.rounds);
    expect(asWritten(buildRows(report.results))).toEqual(asWritten(report.rows));
    const x = report.extProc;
    expect(x.openLoop.rounds.length).toBe(x.inputs.plan.rounds);
    for (const c of x.cpu)
      expect([c.writUs.length, c.passUs.length]).toEqual([x.inputs.plan.rounds, x.inputs.plan.rounds]);
    const again = summarizeExtProc(
      x.inputs,
      {
        cpu: x.cpu.map((c) => ({ shape: c.shape, kib: c.kib, writUs: c.writUs, passUs: c.passUs })),
        openShape: x.openLoop.shape,
        open: x.openLoop.rounds,
      },
      x.audit,
    );
    expect(asWritten(again)).toEqual(asWritten(x));
  });

  it('names the commit it was measured at, and that commit is in this history', () => {
    const commit = report.facts['commit'] ?? '';
    expect(commit).toMatch(/^[0-9a-f]{7,40}$/);
    expect(page).toContain(`(commit ${commit})`);
    // A shallow clone (CI's fresh checkout) lacks older commits: only the form is checked there.
    if (git(['rev-parse', '--is-shallow-repository']).trim() === 'true') return;
    expect(() => git(['cat-file', '-e', `${commit}^{commit}`]), `commit ${commit}`).not.toThrow();
    expect(
      () => git(['merge-base', '--is-ancestor', commit, 'HEAD']),
      `${commit} is an ancestor of HEAD`,
    ).not.toThrow();
  });

  it('was measured on the calls the bench sends today (else re-run npm run bench)', () => {
    expect(report.inputs.checkScenario).toEqual(ALLOWED);
    const i = report.extProc.inputs;
    expect({ sizes: i.jsonSizesKiB, sse: i.sse, open: i.openLoopKiB, variants: i.variants }).toEqual({
      sizes: JSON_SIZES_KIB,
      sse: { kib: SSE_KIB, chunkBytes: SSE_CHUNK_BYTES },
      open: OPEN_LOOP_KIB,
      variants: VARIANTS,
    });
    expect(i.exchangesSha256).toBe(exchangesSha256(resultShapes()));
  });

  it('reports ext_proc against the run without response inspection, at every size the bench sends', () => {
    const x = report.extProc;
    expect(x.cpu.map((c) => c.shape)).toEqual(resultShapes().map((s) => s.name));
    for (const c of x.cpu) expect(c.passMedianUs, c.shape).toBeGreaterThan(0);
    expect(x.openLoop.shape).toBe(`JSON ${OPEN_LOOP_KIB} KiB`);
    expect(x.audit.records).toBe(0);
    expect(page).toContain('## The response path (ext_proc)');
  });
});
