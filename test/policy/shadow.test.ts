/** Shadow mode: differences between the live and the candidate decision are classified and counted. */
import { describe, expect, it } from 'vitest';
import { compilePolicySources } from '../../src/pipeline/policy/load.js';
import { compareDecisions, createShadowCounter, shadowEvaluate } from '../../src/pipeline/policy/shadow.js';
import { evaluatePolicy } from '../../src/pipeline/policy/evaluate.js';
import { makeAction } from '../support/make-action.js';

const set = (rules: string) =>
  compilePolicySources([{ name: 'p.yaml', text: `apiVersion: writ.dev/v1\nrules:\n${rules}` }]);

describe('shadow mode', () => {
  const live = set('  - {id: reads, effect: allow, when: {action.operation: read}}\n');
  const candidate = set(
    '  - {id: reads, effect: allow, when: {action.operation: read, resource.database: analytics}}\n' +
      '  - {id: sends, effect: allow, when: {action.operation: send}}\n',
  );

  it('classifies a tightening, a loosening and agreement, and counts them', () => {
    const counter = createShadowCounter();
    const cases = [
      makeAction({ action: { operation: 'read' }, resource: { database: 'billing' } }),
      makeAction({ action: { operation: 'send' } }),
      makeAction({ action: { operation: 'read' }, resource: { database: 'analytics' } }),
    ];
    const diffs = cases.map((a, i) => shadowEvaluate(candidate, a, [], evaluatePolicy(live, a, []), `t${i}`));
    for (const d of diffs) counter.record(d);
    expect(diffs[0]).toMatchObject({
      traceId: 't0',
      kind: 'tightened',
      live: { decision: 'ALLOW', rules: ['reads'] },
      candidate: { decision: 'DENY', rules: [] },
    });
    expect(diffs[1]).toMatchObject({
      kind: 'loosened',
      candidate: { decision: 'ALLOW', rules: ['sends'], version: candidate.version },
    });
    expect(diffs[2]).toBeNull();
    expect(counter.counts()).toEqual({
      evaluated: 3,
      differed: 2,
      byKind: { loosened: 1, tightened: 1, 'rules-changed': 0, 'obligations-changed': 0 },
    });
  });

  it('reports the same decision reached by other rules', () => {
    const a = { decision: 'ALLOW', code: 'POLICY_ALLOW', rules: ['x'], policyVersion: 'v1' } as const;
    expect(compareDecisions(a, { ...a, rules: ['y'], policyVersion: 'v2' }, 't')?.kind).toBe('rules-changed');
    expect(compareDecisions(a, { ...a, policyVersion: 'v2' }, 't')).toBeNull();
  });
});
