/** Memoized normalization: cached values are frozen, keyed on the exact input, and bounded. */
import { describe, expect, it } from 'vitest';
import { BoundedCache } from '../../src/pipeline/normalize/bounded-cache.js';
import { classifyToolName } from '../../src/pipeline/normalize/operation-class.js';
import { parseSpiffeId } from '../../src/pipeline/identity/spiffe-id.js';
import { classifySqlText } from '../../src/pipeline/sql/statement-class.js';

describe('BoundedCache', () => {
  it('computes once per exact key and drops everything when full', () => {
    const calls: string[] = [];
    const cache = new BoundedCache<string>(2, 8);
    const upper = (k: string) => {
      calls.push(k);
      return k.toUpperCase();
    };
    expect(cache.get('a', upper)).toBe('A');
    expect(cache.get('a', upper)).toBe('A');
    expect(cache.get('A', upper)).toBe('A');
    expect(calls).toEqual(['a', 'A']);
    cache.get('b', upper); // full: cleared, then stored
    cache.get('a', upper);
    expect(calls).toEqual(['a', 'A', 'b', 'a']);
  });
  it('never stores a key longer than the limit', () => {
    let n = 0;
    const cache = new BoundedCache<number>(4, 3);
    for (let i = 0; i < 3; i++) cache.get('long-key', () => ++n);
    expect(n).toBe(3);
  });
});

describe('parseSpiffeId memo', () => {
  it('returns frozen values no caller can poison', () => {
    const text = 'spiffe://cluster.local/ns/agents/sa/memo-test';
    const id = parseSpiffeId(text)!;
    expect(Object.isFrozen(id)).toBe(true);
    expect(Object.isFrozen(id.segments)).toBe(true);
    expect(() => {
      (id as { serviceAccount: string | null }).serviceAccount = 'admin';
    }).toThrow(TypeError);
    expect(() => (id.segments as string[]).push('x')).toThrow(TypeError);
    expect(parseSpiffeId(text)).toEqual({
      trustDomain: 'cluster.local',
      segments: ['ns', 'agents', 'sa', 'memo-test'],
      namespace: 'agents',
      serviceAccount: 'memo-test',
    });
  });
  it('still rejects what the spec does not allow, on every call', () => {
    for (let i = 0; i < 3; i++) {
      expect(parseSpiffeId('spiffe://Cluster.local/x')).toBeNull();
      expect(parseSpiffeId('spiffe://cluster.local/a/../b')).toBeNull();
      expect(parseSpiffeId(`spiffe://cluster.local/${'a'.repeat(2048)}`)).toBeNull();
    }
  });
});

describe('operation classes', () => {
  it('classifies a tool name the same from the memo as the first time', () => {
    for (let i = 0; i < 3; i++) {
      expect(classifyToolName('deleteUser')).toBe('delete');
      expect(classifyToolName('query_db')).toBe('read');
      expect(classifyToolName('x'.repeat(300) + '_send')).toBe('send');
    }
  });
  it('classifies SQL after leading comments; text no dialect can read to its end is not a read', () => {
    expect(classifySqlText('SELECT 1')).toBe('read');
    expect(classifySqlText('  -- note\n /* x */ (DELETE FROM t')).toBe('delete');
    expect(classifySqlText('/* unterminated DROP')).toBe('unknown');
    expect(classifySqlText('constructor')).toBeNull();
    expect(classifySqlText('toString()')).toBeNull();
  });
});
