/** Unreachable rules are load errors naming both rules' positions; rules that can still decide are not reported. */
import { describe, expect, it } from 'vitest';
import { compilePolicySources, PolicyLoadError } from '../../src/pipeline/policy/load.js';

function problems(rules: string): string[] {
  try {
    compilePolicySources([
      { name: 'p.yaml', text: `apiVersion: writ.dev/v1\nlists:\n  tools: [a, b, c]\nrules:\n${rules}` },
    ]);
  } catch (err) {
    if (err instanceof PolicyLoadError)
      return err.problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.message}`);
    throw err;
  }
  return [];
}

describe('unreachable rules', () => {
  it('reports an allow covered by a broader deny, with both locations', () => {
    const p = problems(
      '  - {id: deny-tool-a, priority: 50, effect: deny, when: {action.tool: a}}\n' +
        '  - {id: allow-a-read, priority: 10, effect: allow, when: {action.tool: a, action.operation: read}}\n',
    );
    expect(p).toEqual([
      expect.stringMatching(
        /^p\.yaml:6:5: rule "allow-a-read" is unreachable: rule "deny-tool-a" at p\.yaml:5:5 \(priority 50\) matches every request it matches and its effect deny wins over allow/,
      ),
    ]);
  });
  it('reports a rule covered by an equality set that contains its own', () => {
    const p = problems(
      '  - {id: approve-tools, priority: 10, effect: require_approval, when: {action.tool: {in: $tools}}}\n' +
        '  - {id: allow-b, priority: 90, effect: allow, when_any: [{action.tool: b}, {action.tool: [a, c], context.hops: 0}]}\n',
    );
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(/rule "allow-b" is unreachable: rule "approve-tools"/);
  });
  it('reports a same-effect deny only when the covering rule comes first, and a catch-all covers everything weaker', () => {
    expect(
      problems(
        '  - {id: a, priority: 5, effect: deny, when: {action.tool: a}}\n  - {id: b, priority: 9, effect: deny, when: {action.tool: a, context.hops: 1}}\n',
      ),
    ).toEqual([]);
    expect(
      problems(
        '  - {id: a, priority: 9, effect: deny, when: {action.tool: a}}\n  - {id: b, priority: 5, effect: deny, when: {action.tool: a, context.hops: 1}}\n',
      ),
    ).toHaveLength(1);
    expect(
      problems(
        '  - {id: all, effect: require_approval, when: {}}\n  - {id: x, effect: allow, when: {action.tool: c}}\n',
      )[0],
    ).toMatch(/rule "x" is unreachable: rule "all"/);
  });
  it('does not report rules that can still change a decision', () => {
    // A narrower deny, a broader weaker rule, merged obligations, disjoint values, a different operator.
    expect(
      problems(
        '  - {id: d, priority: 9, effect: deny, when: {action.tool: a, context.hops: {gt: 2}}}\n' +
          '  - {id: allow-a, effect: allow, when: {action.tool: a}}\n' +
          '  - {id: mask-a, effect: allow_with_obligations, when: {action.tool: a, context.hops: 0}, obligations: {mask: [email]}}\n' +
          '  - {id: mask-a2, effect: allow_with_obligations, when: {action.tool: a, context.hops: 0, resource.external: true}, obligations: {mask: [ssn]}}\n' +
          '  - {id: approve-b, effect: require_approval, when: {action.tool: b}}\n' +
          '  - {id: allow-c, effect: allow, when: {action.tool: {glob: "c*"}}}\n',
      ),
    ).toEqual([]);
  });
});
