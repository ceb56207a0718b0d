/** Policy validation: every problem names file:line:column and a reason; valid sets evaluate as documented. */
import { describe, expect, it } from 'vitest';
import { compilePolicySources, PolicyLoadError } from '../../src/pipeline/policy/load.js';
import { evaluatePolicy } from '../../src/pipeline/policy/evaluate.js';
import { makeAction } from '../support/make-action.js';
import type { Finding } from '../../src/pipeline/model/finding.js';

const head = 'apiVersion: writ.dev/v1\n';

function problems(text: string): string[] {
  try {
    compilePolicySources([{ name: 'p.yaml', text }]);
  } catch (err) {
    if (err instanceof PolicyLoadError)
      return err.problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.message}`);
    throw err;
  }
  return [];
}

describe('policy load errors', () => {
  it('reads settings.mcp_token_audience as enforce or off, and names any other value', () => {
    const set = (v: string) => `${head}settings:\n  mcp_token_audience: ${v}\n`;
    expect(compilePolicySources([{ name: 'p.yaml', text: set('off') }]).mcpTokenAudience).toBe('off');
    expect(compilePolicySources([{ name: 'p.yaml', text: set('enforce') }]).mcpTokenAudience).toBe('enforce');
    expect(problems(set('deny'))).toEqual([
      expect.stringContaining('p.yaml:3:23: mcp_token_audience must be enforce or off'),
    ]);
  });
  it('refuses an MCP endpoint whose path no mcp_paths entry matches, naming it; a covered one loads', () => {
    const lists = (endpoints: string, paths: string) =>
      `${head}lists:\n  mcp_endpoints: [${endpoints}]\n  mcp_paths: [${paths}]\n`;
    expect(
      problems(lists('"*.svc.cluster.local/mcp", "*.svc.cluster.local/rpc/v2"', '/mcp, "/mcp/tools/*"')),
    ).toEqual([
      expect.stringMatching(
        /^p\.yaml:3:18: MCP endpoint "\*\.svc\.cluster\.local\/rpc\/v2" has a path no mcp_paths entry matches/,
      ),
    ]);
    expect(
      problems(lists('"*.svc.cluster.local/mcp", "*.svc.cluster.local/rpc/v2"', '/mcp, "/rpc/*"')),
    ).toEqual([]);
    // Without an mcp_paths list a pack's rules name their paths themselves: nothing to compare.
    expect(problems(`${head}lists:\n  mcp_endpoints: ["*/anything"]\n`)).toEqual([]);
  });
  it('reports an unknown rule field with its position', () => {
    const text = `${head}rules:\n  - id: r1\n    efect: deny\n`;
    const p = problems(text);
    expect(p.some((m) => m.startsWith('p.yaml:4:5: unknown field "efect" in rule "r1"'))).toBe(true);
  });
  it('reports an unknown dimension, a bad regex, a wrong type and an unknown list', () => {
    const text = [
      head + 'rules:',
      '  - id: r1',
      '    effect: deny',
      '    when:',
      '      resource.hots: x',
      '      resource.host: { regex: "(" }',
      '      context.hops: { gt: "three" }',
      '      resource.database: { in: $nope }',
    ].join('\n');
    const p = problems(text);
    expect(p).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^p\.yaml:6:7: rule "r1": unknown dimension "resource.hots"/),
        expect.stringMatching(/^p\.yaml:7:22: rule "r1": condition on "resource.host": invalid regex/),
        expect.stringMatching(/^p\.yaml:8:21: rule "r1": condition on "context.hops": "gt" takes a number/),
        expect.stringMatching(
          /^p\.yaml:9:26: rule "r1": condition on "resource.database": unknown list "\$nope"/,
        ),
      ]),
    );
  });
  it('reports database, table and environment values that are not in the canonical form they match in', () => {
    const text = [
      head + 'lists:',
      '  prod: [production, Primary]',
      'rules:',
      '  - id: r1',
      '    effect: deny',
      '    when:',
      '      resource.database: { in: $prod }',
      '      resource.environment: "Staging "',
      '      resource.table: users',
    ].join('\n');
    const p = problems(text);
    expect(p).toEqual([
      expect.stringMatching(
        /^p\.yaml:8:26: rule "r1": condition on "resource.database": values are matched lower-case.*write "primary", not "Primary"/,
      ),
      expect.stringMatching(
        /^p\.yaml:9:29: rule "r1": condition on "resource.environment": values are matched lower-case.*write "staging", not "Staging "/,
      ),
    ]);
  });
  it('rejects YAML syntax errors, duplicate keys, duplicate ids and a wrong apiVersion', () => {
    expect(problems('apiVersion: writ.dev/v1\nrules: [\n')[0]).toMatch(/^p\.yaml:\d+:\d+: YAML syntax/);
    expect(problems(`${head}rules:\n  - id: a\n    id: b\n    effect: deny\n`)[0]).toMatch(/YAML syntax/);
    expect(problems(`${head}rules:\n  - {id: a, effect: deny}\n  - {id: a, effect: deny}\n`)[0]).toMatch(
      /^p\.yaml:4:5: rule id "a" is already used at p\.yaml:3/,
    );
    expect(problems('apiVersion: v0\nrules: []\n')[0]).toMatch(
      /^p\.yaml:1:13: apiVersion must be "writ\.dev\/v1"/,
    );
  });
  it('requires obligations for allow_with_obligations and checks their shape', () => {
    expect(problems(`${head}rules:\n  - {id: a, effect: allow_with_obligations}\n`)[0]).toMatch(
      /needs obligations/,
    );
    expect(
      problems(
        `${head}rules:\n  - {id: a, effect: allow_with_obligations, obligations: {rate: {limit: 0, window: 1m}}}\n`,
      )[0],
    ).toMatch(/obligations.rate/);
  });
});

const finding = (id: string, severity: Finding['severity']): Finding => ({
  id,
  inspector: id.split('.')[0]!,
  severity,
  path: '$',
  evidence: '',
  owasp: [],
  atlas: [],
});

describe('policy combining', () => {
  const set = compilePolicySources([
    {
      name: 'p.yaml',
      text:
        `${head}lists:\n  prod: [production]\nrules:\n` +
        '  - {id: allow-all, effect: allow}\n' +
        '  - {id: mask, effect: allow_with_obligations, when: {action.tool: get_user}, obligations: {mask: [email]}}\n' +
        '  - {id: rate, effect: allow_with_obligations, when: {action.tool: get_user}, obligations: {mask: [ssn], rate: {limit: 5, window: 1m}}}\n' +
        '  - {id: approve, effect: require_approval, when: {action.operation: send}}\n' +
        '  - {id: no-prod-delete, effect: deny, when: {resource.database: {in: $prod}, signals.destructive-op: {severity_at_least: high}}}\n',
    },
  ]);

  it('deny overrides everything', () => {
    const d = evaluatePolicy(
      set,
      makeAction({ resource: { database: 'production' }, action: { operation: 'send' } }),
      [finding('destructive-op.drop', 'critical')],
    );
    expect(d).toMatchObject({ decision: 'DENY', code: 'POLICY_DENY', rules: ['no-prod-delete'] });
  });
  it('a severity below the threshold does not deny', () => {
    expect(
      evaluatePolicy(set, makeAction({ resource: { database: 'production' } }), [
        finding('destructive-op.x', 'medium'),
      ]).decision,
    ).toBe('ALLOW');
  });
  it('require_approval beats allow', () => {
    expect(evaluatePolicy(set, makeAction({ action: { operation: 'send' } }), [])).toMatchObject({
      decision: 'REQUIRE_APPROVAL',
      rules: ['approve'],
    });
  });
  it('merges the obligations of every matching rule', () => {
    const d = evaluatePolicy(set, makeAction({ action: { tool: 'get_user' } }), []);
    expect(d.decision).toBe('ALLOW_WITH_OBLIGATIONS');
    expect(d.rules).toEqual(['mask', 'rate']);
    expect(d.obligations).toEqual({ mask: ['email', 'ssn'], rate: { limit: 5, windowSeconds: 60 } });
  });
  it('nothing matching is a default deny', () => {
    const empty = compilePolicySources([
      {
        name: 'e.yaml',
        text: `${head}rules:\n  - {id: only-github, effect: allow, when: {resource.host: api.github.com}}\n`,
      },
    ]);
    expect(evaluatePolicy(empty, makeAction(), [])).toMatchObject({
      decision: 'DENY',
      code: 'POLICY_DEFAULT_DENY',
      rules: [],
    });
  });
});
