/**
 * Every file, command and test the compliance mappings (docs/compliance/*.md) and the OWASP page cite as
 * evidence exists: backticked repository paths, `npm run` scripts, `writ` subcommands, and the paths given
 * to `npx vitest run` and `node --import tsx`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { citationProblem, citationsOf, testCitationProblem } from './support/claim-citations.js';

const ROOT = join(import.meta.dirname, '..', '..');
const DIR = join(ROOT, 'docs', 'compliance');
const DOCS = [
  ...readdirSync(DIR)
    .filter((f) => f.endsWith('.md'))
    .map((f) => join('docs', 'compliance', f)),
  join('docs', 'owasp-agentic.md'),
];
const FRAMEWORKS = ['eu-ai-act', 'soc2', 'dora', 'hipaa', 'pci-dss', 'iso27001', 'nist-ai-rmf', 'iso42001'];

/** The claims of a framework: its table rows, header and separator left out. */
const claimRows = (f: string) =>
  readFileSync(join(DIR, `${f}.md`), 'utf8')
    .split('\n')
    .filter(
      (l) =>
        l.startsWith('| ') &&
        !l.startsWith('| ---') &&
        !/^\| (clause|criterion|article|standard|requirement|control|function) \|/.test(l),
    );
const scripts = Object.keys(
  (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> })
    .scripts,
);
/** The writ command tree (src/cli/main.ts). */
const WRIT: Readonly<Record<string, readonly string[] | null>> = {
  serve: null,
  demo: null,
  inspect: null,
  audit: ['verify'],
  policy: ['validate', 'test', 'explain'],
};
const PATH = /^(?:src|test|docs|scenarios|policies|scripts|eval|bench|charts|istio|examples)\/[\w./-]*$/;

/** The backticked spans of a markdown file. */
const spans = (text: string) => [...text.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!.trim());

/** What a span cites: repository paths, npm scripts, writ subcommands. */
function citations(span: string): { paths: string[]; npm: string[]; writ: string[][] } {
  const words = span.split(/\s+/);
  const out = { paths: [] as string[], npm: [] as string[], writ: [] as string[][] };
  for (const w of words) if (PATH.test(w)) out.paths.push(w.replace(/\/$/, ''));
  for (let i = 0; i < words.length; i++) {
    if (words[i] === 'npm' && words[i + 1] === 'run' && words[i + 2] !== undefined)
      out.npm.push(words[i + 2]!);
    if (words[i] === 'writ' && (i === 0 || words[i - 1] === ';' || words[i - 1] === '&&'))
      out.writ.push(words.slice(i + 1, i + 3));
  }
  return out;
}

describe('compliance mappings', () => {
  it('has one mapping per framework and a README on offline verification', () => {
    for (const f of [...FRAMEWORKS, 'README'])
      expect(existsSync(join(DIR, `${f}.md`)), `docs/compliance/${f}.md`).toBe(true);
    const readme = readFileSync(join(DIR, 'README.md'), 'utf8');
    for (const cmd of [
      'writ audit verify',
      'writ policy test',
      'npm run eval',
      'npx vitest run test/evidence',
    ])
      expect(readme).toContain(cmd);
  });

  for (const doc of DOCS) {
    it(`${doc} cites only files, scripts and commands that exist`, () => {
      const text = readFileSync(join(ROOT, doc), 'utf8');
      let cited = 0;
      for (const span of spans(text)) {
        const c = citations(span);
        for (const p of c.paths) {
          cited++;
          expect(existsSync(join(ROOT, p)), `${doc}: \`${span}\` names ${p}`).toBe(true);
        }
        for (const s of c.npm) {
          cited++;
          expect(scripts, `${doc}: npm run ${s}`).toContain(s);
        }
        for (const [cmd, sub] of c.writ) {
          cited++;
          expect(Object.keys(WRIT), `${doc}: writ ${cmd ?? ''}`).toContain(cmd);
          const subs = WRIT[cmd!];
          if (subs !== null && subs !== undefined)
            expect(subs, `${doc}: writ ${cmd} ${sub ?? ''}`).toContain(sub);
        }
      }
      // A mapping that cites nothing checkable is a claim without evidence.
      expect(cited).toBeGreaterThan(5);
    });
  }

  for (const f of FRAMEWORKS)
    it(`${f}: every claim cites a test by id that exists and asserts the control the claim names`, () => {
      const rows = claimRows(f);
      expect(rows.length, f).toBeGreaterThanOrEqual(8);
      const problems: string[] = [];
      for (const r of rows) {
        const cites = citationsOf(r);
        if (cites.length === 0) problems.push(`${f}: a claim cites no asserting test: ${r.slice(0, 80)}`);
        for (const c of cites) {
          const p = citationProblem(c);
          if (p !== undefined) problems.push(`${f}: ${p}`);
        }
      }
      expect(problems).toEqual([]);
    });

  it('a citation check cannot pass vacuously: a wrong control, title or file fails it', () => {
    const title = 'denies after an approver denies, with its own code';
    expect(testCitationProblem('test/enforce/approvals.test.ts', title, 'APPROVAL_DENIED')).toBeUndefined();
    // A code the test never asserts, a title that is not there, and a file that is not there.
    expect(testCitationProblem('test/enforce/approvals.test.ts', title, 'ERR_AUDIT_WRITE')).toMatch(
      /no expect/,
    );
    expect(testCitationProblem('test/enforce/approvals.test.ts', 'no such test', 'APPROVAL_DENIED')).toMatch(
      /has no it/,
    );
    expect(testCitationProblem('test/enforce/nope.test.ts', title, 'APPROVAL_DENIED')).toMatch(
      /does not exist/,
    );
    // The EU AI Act's Art. 12 claim cited checkpoint.test.ts, which never asserts ERR_AUDIT_WRITE.
    expect(
      testCitationProblem(
        'test/audit/checkpoint.test.ts',
        'checkpoints every N records off the append path, anchors each, and verifies offline',
        'ERR_AUDIT_WRITE',
      ),
    ).toMatch(/no expect/);
    // A citation that does not parse is an error, never silently skipped.
    expect(() =>
      citationsOf('`test/enforce/approvals.test.ts` › denies (no quotes) asserts `APPROVAL_DENIED`'),
    ).toThrow(/malformed/);
    expect(
      citationsOf('`scenarios/owasp/ASI10-01-off-allowlist-beacon.yaml` asserts `sql-injection-denied`').map(
        citationProblem,
      ),
    ).toEqual([expect.stringMatching(/no expected decision names/)]);
  });

  it('cites clause ids in every framework table, and every table row names evidence', () => {
    for (const f of FRAMEWORKS) {
      const rows = claimRows(f);
      expect(rows.length, f).toBeGreaterThanOrEqual(8);
      for (const r of rows) expect(r, `${f}: a row without a backticked citation`).toMatch(/`[^`]+`/);
    }
  });
});
