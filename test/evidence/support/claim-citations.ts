/**
 * A compliance claim cites the test that proves it by id: a test file and the exact title of one `it(...)`
 * in it, plus the control the claim names (`test/x.test.ts` › "title" asserts `control`), or a scenario
 * file and the control its expected decision names (`scenarios/owasp/X.yaml` asserts `control`). This
 * module reads those citations out of a markdown table row and checks each against the source: the test
 * exists, and inside its body the control appears in an `expect(...)` chain, as a literal or as the exact
 * name of the field asserted on, so a test that merely mentions the control, or asserts something else,
 * does not count.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { loadScenarios, type Scenario } from '../../../src/cli/scenario.js';
import { ROOT } from '../../../scripts/atlas-coverage.js';

/** One citation read from a claim. */
export type ClaimCitation =
  | { readonly kind: 'test'; readonly file: string; readonly title: string; readonly control: string }
  | { readonly kind: 'scenario'; readonly file: string; readonly control: string };

// A title may itself hold double quotes: it runs to the `" asserts` that closes the citation.
const TEST_CITATION = /`(test\/[\w./-]+\.test\.ts)` › "(.+?)" asserts `([^`]+)`/g;
const SCENARIO_CITATION = /`(scenarios\/[\w./-]+\.yaml)` asserts `([^`]+)`/g;

/** The test and scenario citations of one claim (a table row); a malformed test citation is an error. */
export function citationsOf(row: string): ClaimCitation[] {
  const tests = [...row.matchAll(TEST_CITATION)].length;
  const marks = row.split(' › ').length - 1;
  if (marks !== tests) throw new Error(`${marks - tests} malformed test citations in: ${row.slice(0, 80)}`);
  return [
    ...[...row.matchAll(TEST_CITATION)].map((m) => ({
      kind: 'test' as const,
      file: m[1]!,
      title: m[2]!,
      control: m[3]!,
    })),
    ...[...row.matchAll(SCENARIO_CITATION)].map((m) => ({
      kind: 'scenario' as const,
      file: m[1]!,
      control: m[2]!,
    })),
  ];
}

/** The identifier a call chain starts from: `expect` for `expect(x).not.toContain(y)`. */
function rootCallee(node: ts.Expression): string | undefined {
  let e: ts.Expression = node;
  for (;;) {
    if (ts.isCallExpression(e)) e = e.expression;
    else if (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) e = e.expression;
    else if (ts.isNonNullExpression(e) || ts.isParenthesizedExpression(e) || ts.isAwaitExpression(e))
      e = e.expression;
    else break;
  }
  return ts.isIdentifier(e) ? e.text : undefined;
}

/** The text of a string literal, a template without substitutions, or a regular expression literal. */
const literalText = (n: ts.Node): string | undefined =>
  ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n) || ts.isRegularExpressionLiteral(n)
    ? n.text
    : undefined;

/** Whether the node sits inside a call chain rooted at `expect` (or `assert`), within its test body. */
function insideAssertion(n: ts.Node, body: ts.Node): boolean {
  for (let p: ts.Node | undefined = n.parent; p !== undefined && p !== body; p = p.parent)
    if (ts.isCallExpression(p)) {
      const root = rootCallee(p);
      if (root === 'expect' || root === 'assert') return true;
    }
  return false;
}

const parsed = new Map<string, ts.SourceFile>();
function sourceOf(file: string): ts.SourceFile {
  let sf = parsed.get(file);
  if (sf === undefined) {
    sf = ts.createSourceFile(file, readFileSync(join(ROOT, file), 'utf8'), ts.ScriptTarget.Latest, true);
    parsed.set(file, sf);
  }
  return sf;
}

/** The callbacks of every `it(title, fn)` / `test(title, fn)` (and `.only`/`.concurrent`) with that title. */
function testBodies(sf: ts.SourceFile, title: string): ts.Node[] {
  const out: ts.Node[] = [];
  const visit = (n: ts.Node) => {
    if (ts.isCallExpression(n) && n.arguments.length >= 2) {
      const root = rootCallee(n.expression);
      if ((root === 'it' || root === 'test') && literalText(n.arguments[0]!) === title) {
        const fn = n.arguments[1]!;
        if (ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) out.push(fn.body);
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

/** Why a test citation does not hold, or undefined when the test exists and asserts on the control. */
export function testCitationProblem(file: string, title: string, control: string): string | undefined {
  if (!existsSync(join(ROOT, file))) return `${file} does not exist`;
  const bodies = testBodies(sourceOf(file), title);
  if (bodies.length === 0) return `${file} has no it("${title}")`;
  if (bodies.length > 1) return `${file} has ${bodies.length} tests titled "${title}"`;
  const body = bodies[0]!;
  let asserted = false;
  const visit = (n: ts.Node) => {
    if (asserted) return;
    // A literal holding the control, or a field named exactly by it (`expect(v.firstBad!.line)`).
    const text = literalText(n);
    const named =
      (text !== undefined && text.includes(control)) || (ts.isIdentifier(n) && n.text === control);
    if (named && insideAssertion(n, body)) asserted = true;
    ts.forEachChild(n, visit);
  };
  visit(body);
  return asserted ? undefined : `${file} › "${title}" has no expect(...) naming "${control}"`;
}

let scenarios: Map<string, Scenario> | undefined;

/** Why a scenario citation does not hold: the scenario must run and an expected decision must name it. */
export function scenarioCitationProblem(file: string, control: string): string | undefined {
  scenarios ??= new Map(
    ['owasp', 'identity', 'seed']
      .filter((d) => existsSync(join(ROOT, 'scenarios', d)))
      .flatMap((d) => loadScenarios(join(ROOT, 'scenarios', d)))
      .map((s) => [s.file.slice(ROOT.length + 1), s]),
  );
  const s = scenarios.get(file);
  if (s === undefined) return `${file} is not a scenario`;
  if (s.status === 'pending') return `${file} is pending`;
  const names = [s.expect, ...(s.steps ?? []).map((x) => x.expect)].some(
    (e) =>
      e.code === control ||
      e.audit?.code === control ||
      e.audit?.event === control ||
      [...(e.rules ?? []), ...(e.rules_include ?? [])].includes(control) ||
      [...(e.findings ?? []), ...(e.audit?.findings ?? [])].some(
        (f) => f === control || f.startsWith(`${control}.`),
      ),
  );
  return names ? undefined : `${file}: no expected decision names "${control}"`;
}

/** Why a citation does not hold, or undefined. */
export function citationProblem(c: ClaimCitation): string | undefined {
  return c.kind === 'test'
    ? testCitationProblem(c.file, c.title, c.control)
    : scenarioCitationProblem(c.file, c.control);
}
