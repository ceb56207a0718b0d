import { describe, expect, it } from 'vitest';
import type { OperationClass } from '../../src/pipeline/model/action.js';
import {
  DANGER_ORDER,
  moreDangerous,
  riskierKnown,
  riskierReading,
} from '../../src/pipeline/model/operation-danger.js';

const CLASSES: readonly OperationClass[] = [
  'read',
  'write',
  'delete',
  'send',
  'pay',
  'exec',
  'admin',
  'unknown',
];

describe('operation danger order (one home for every reader that combines classes)', () => {
  it('orders every class once', () => {
    expect([...DANGER_ORDER].sort()).toEqual([...CLASSES].sort());
  });

  it('never lowers what writ could not read to a read: unknown outranks every known class but delete', () => {
    for (const c of CLASSES) {
      if (c === 'unknown') continue;
      expect(riskierReading('unknown', c)).toBe(c === 'delete' ? 'delete' : 'unknown');
      expect(riskierReading(c, 'unknown')).toBe(c === 'delete' ? 'delete' : 'unknown');
    }
  });

  it('is symmetric and picks one of its arguments', () => {
    for (const a of CLASSES)
      for (const b of CLASSES) {
        expect(riskierReading(a, b)).toBe(riskierReading(b, a));
        expect([a, b]).toContain(riskierReading(a, b));
        expect([a, b]).toContain(riskierKnown(a, b));
      }
  });

  it('riskierKnown: unknown says nothing, so it never raises a known class and a known class replaces it', () => {
    for (const c of CLASSES) {
      expect(riskierKnown(c, 'unknown')).toBe(c);
      expect(riskierKnown('unknown', c)).toBe(c);
      expect(riskierKnown(c, null)).toBe(c);
    }
    expect(riskierKnown('read', 'delete')).toBe('delete');
    expect(riskierKnown('admin', 'exec')).toBe('admin');
  });

  it('ranks the known classes read < write < send < pay < exec < admin < delete', () => {
    const known: OperationClass[] = ['read', 'write', 'send', 'pay', 'exec', 'admin', 'delete'];
    for (let i = 1; i < known.length; i++) expect(moreDangerous(known[i]!, known[i - 1]!)).toBe(true);
  });
});
