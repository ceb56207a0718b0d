/**
 * The compiled, indexed evaluator agrees with the naive reference evaluator on generated policies and
 * actions; and a rule reported unreachable never changes a decision when it is removed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/pipeline/model/finding.js';
import { evaluatePolicy, ruleMatches } from '../../src/pipeline/policy/evaluate.js';
import { compilePolicySources } from '../../src/pipeline/policy/load.js';
import { policyInput } from '../../src/pipeline/policy/policy-input.js';
import { findUnreachableRules } from '../../src/pipeline/policy/unreachable.js';
import { makeAction } from '../support/make-action.js';
import { referenceDecide, type RefPolicy, type RefRule } from './reference-evaluator.js';

const TOOLS = ['t0', 't1', 't2', 't3'];
const HOSTS = ['h0', 'h1', 'h2'];
/** Host rules may name a port; the inputs below carry ports and schemes for them to meet. */
const HOST_RULES = [...HOSTS, 'h0:22', 'h1:80', 'h2:443'];
const OPS = ['read', 'write', 'send'] as const;
const DBS = ['d0', 'd1'];
const ROLES = ['r0', 'r1', 'r2'];
const SEVS = ['low', 'medium', 'high', 'critical'] as const;
const LISTS = { tools: ['t0', 't2'], hosts: ['h1', 'h0:22'], roles: ['r1', 'r2'] };

const scalarSpec = (domain: readonly string[], list: string) =>
  fc.oneof(
    fc.constantFrom(...domain),
    fc.subarray([...domain], { minLength: 1 }),
    fc.constant(`$${list}`),
    fc.record({ equals: fc.constantFrom(...domain) }),
    fc.record({ in: fc.oneof(fc.subarray([...domain], { minLength: 1 }), fc.constant(`$${list}`)) }),
    fc.record({ not_in: fc.subarray([...domain], { minLength: 1 }) }),
    fc.record({ glob: fc.constantFrom(`${domain[0]!.slice(0, 1)}*`, domain[1]!) }),
    fc.record({ regex: fc.constantFrom(`^${domain[0]!.slice(0, 1)}[01]$`, domain[2]!) }),
    fc.record({ exists: fc.boolean() }),
    fc.record({ not: fc.record({ in: fc.subarray([...domain], { minLength: 1 }) }) }),
  );

const CONDITIONS: Record<string, fc.Arbitrary<unknown>> = {
  'action.tool': scalarSpec(TOOLS, 'tools'),
  'resource.host': scalarSpec(HOST_RULES, 'hosts'),
  'action.operation': fc.oneof(
    fc.constantFrom(...OPS),
    fc.record({ in: fc.subarray([...OPS], { minLength: 1 }) }),
  ),
  'resource.database': fc.oneof(
    fc.constantFrom(...DBS),
    fc.record({ exists: fc.boolean() }),
    fc.record({ not_in: fc.constant(DBS.slice(0, 1)) }),
  ),
  'context.hops': fc.oneof(
    fc.integer({ min: 0, max: 4 }),
    fc.record({ gt: fc.integer({ min: 0, max: 4 }) }),
    fc.record({ lt: fc.integer({ min: 0, max: 4 }) }),
    fc.record({ between: fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 2, max: 4 })) }),
  ),
  'resource.external': fc.boolean(),
  'subject.roles': fc.oneof(
    fc.constantFrom(...ROLES),
    fc.record({ contains: fc.subarray(ROLES, { minLength: 1 }) }),
    fc.record({ any: fc.record({ in: fc.constant('$roles') }) }),
    fc.record({ all: fc.record({ in: fc.subarray(ROLES, { minLength: 1 }) }) }),
  ),
  'signals.pii': fc.oneof(
    fc.record({ severity_at_least: fc.constantFrom(...SEVS) }),
    fc.record({ exists: fc.boolean() }),
  ),
};
const DIMS = Object.keys(CONDITIONS);

const group = fc
  .subarray(DIMS, { maxLength: 3 })
  .chain((dims) =>
    fc
      .tuple(...dims.map((d) => CONDITIONS[d]!))
      .map((specs) => Object.fromEntries(dims.map((d, i) => [d, specs[i]]))),
  );

const rule = (i: number): fc.Arbitrary<RefRule> =>
  fc
    .record({
      effect: fc.constantFrom('allow', 'deny', 'require_approval', 'allow_with_obligations'),
      priority: fc.integer({ min: 0, max: 3 }),
      groups: fc.array(group, { minLength: 1, maxLength: 3 }),
      mask: fc.subarray(['email', 'phone', 'ssn'], { minLength: 1 }),
      approvers: fc.subarray(['a', 'b']),
      any: fc.boolean(),
    })
    .map((r) => ({
      id: `r${i}`,
      priority: r.priority,
      effect: r.effect,
      ...(r.any ? { when_any: r.groups } : { when: r.groups[0]! }),
      ...(r.effect === 'allow_with_obligations' ? { obligations: { mask: r.mask } } : {}),
      ...(r.effect === 'require_approval' ? { approval: { approvers: r.approvers } } : {}),
    }));

const policy: fc.Arbitrary<RefPolicy> = fc
  .integer({ min: 1, max: 12 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => rule(i))))
  .map((rules) => ({ lists: LISTS, rules }));

const input = fc.record({
  tool: fc.constantFrom(...TOOLS),
  host: fc.constantFrom(...HOSTS),
  port: fc.constantFrom(null, 22, 80, 443, 8443),
  scheme: fc.constantFrom('https', 'http'),
  operation: fc.constantFrom(...OPS),
  database: fc.constantFrom(null, ...DBS),
  hops: fc.integer({ min: 0, max: 5 }),
  external: fc.boolean(),
  roles: fc.subarray(ROLES),
  pii: fc.constantFrom(null, ...SEVS),
});

function build(i: typeof input extends fc.Arbitrary<infer T> ? T : never) {
  const action = makeAction({
    action: { tool: i.tool, operation: i.operation },
    resource: { host: i.host, port: i.port, scheme: i.scheme, database: i.database, external: i.external },
    context: { hops: i.hops },
    subject: { roles: i.roles },
  });
  const findings: Finding[] =
    i.pii === null
      ? []
      : [
          {
            id: 'pii.email',
            inspector: 'pii',
            severity: i.pii,
            path: '$',
            evidence: '',
            owasp: [],
            atlas: [],
          },
        ];
  return { action, findings };
}

const compile = (p: RefPolicy) =>
  compilePolicySources([{ name: 'gen.yaml', text: JSON.stringify({ apiVersion: 'writ.dev/v1', ...p }) }], {
    checkUnreachable: false,
  });

describe('compiled evaluator against the reference evaluator', () => {
  it('decides the same, with the same rules, masks and approvers', () => {
    fc.assert(
      fc.property(policy, fc.array(input, { minLength: 1, maxLength: 8 }), (p, inputs) => {
        const set = compile(p);
        for (const i of inputs) {
          const { action, findings } = build(i);
          const got = evaluatePolicy(set, action, findings);
          const want = referenceDecide(p, action, findings);
          expect({ decision: got.decision, rules: got.rules }).toEqual({
            decision: want.decision,
            rules: want.rules,
          });
          if (want.mask !== undefined) expect(got.obligations?.mask).toEqual(want.mask);
          if (want.approvers !== undefined) expect(got.approval?.approvers).toEqual(want.approvers);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('uses the index: rules pinned to a tool sit in buckets, not in the unindexed list', () => {
    const set = compile({
      lists: LISTS,
      rules: [{ id: 'a', priority: 0, effect: 'allow', when: { 'action.tool': 't1', 'context.hops': 0 } }],
    });
    const allow = set.index.find((e) => e.effect === 'allow')!.index;
    expect(allow.unindexed).toHaveLength(0);
    expect(allow.keyed[0]!.dimension).toBe('action.tool');
  });
});

describe('unreachable rules', () => {
  it('a reported rule is always covered, and removing it never changes a decision', () => {
    let reported = 0;
    fc.assert(
      fc.property(policy, fc.array(input, { minLength: 1, maxLength: 8 }), (p, inputs) => {
        const set = compile(p);
        for (const { rule: dead, coveredBy } of findUnreachableRules(set.rules)) {
          reported++;
          const without = compile({ ...p, rules: p.rules.filter((r) => r.id !== dead.id) });
          for (const i of inputs) {
            const { action, findings } = build(i);
            const pi = policyInput(action, findings);
            if (ruleMatches(dead, pi)) expect(ruleMatches(coveredBy, pi)).toBe(true);
            const a = evaluatePolicy(set, action, findings);
            const b = evaluatePolicy(without, action, findings);
            expect({ d: b.decision, c: b.code, o: b.obligations, ap: b.approval }).toEqual({
              d: a.decision,
              c: a.code,
              o: a.obligations,
              ap: a.approval,
            });
          }
        }
      }),
      { numRuns: 400 },
    );
    // The generators must actually produce unreachable rules, or this property proves nothing.
    expect(reported).toBeGreaterThan(20);
  });
});
