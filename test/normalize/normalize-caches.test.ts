/** Memoized normalization: cached values are frozen, keyed on the exact input, and bounded. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BoundedCache } from '../../src/pipeline/normalize/bounded-cache.js';
import {
  classifyToolName,
  toolWords,
  unicodeToolWords,
} from '../../src/pipeline/normalize/operation-class.js';
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
  it('classifies a tool name the same on every call', () => {
    for (let i = 0; i < 3; i++) {
      expect(classifyToolName('deleteUser')).toBe('delete');
      expect(classifyToolName('query_db')).toBe('read');
      expect(classifyToolName('x'.repeat(300) + '_send')).toBe('send');
    }
  });
  it('splits a name in one pass into exactly the words of the regex split, ASCII or not', () => {
    const nameChars = fc.constantFrom(...'aZz09_-./ Aq\u0130\u212a\u00df\u00c9'.split(''), 'x', 'Y', '7');
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.stringMatching(/^[ -~]{0,24}$/),
          fc.array(nameChars).map((a) => a.join('')),
        ),
        (name) => {
          expect(toolWords(name)).toEqual(unicodeToolWords(name));
        },
      ),
      { numRuns: 2000 },
    );
    expect(toolWords('getOrderItem2FA')).toEqual(['get', 'order', 'item2', 'fa']);
    // Lower-casing the dotted capital I makes `i` and a combining dot: the non-ASCII path keeps that reading.
    expect(toolWords('\u0130delete')).toEqual(['i', 'delete']);
  });
  it('the riskiest verb of a name decides its class, whatever the order of its words', () => {
    const verbs = [
      'get',
      'list',
      'write',
      'update',
      'send',
      'mail',
      'grant',
      'exec',
      'run',
      'delete',
      'rm',
      'order',
    ];
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...verbs), { maxLength: 4 }),
        fc.constantFrom('_', '-', '.', '/'),
        (words, sep) => {
          const byRisk = ['delete', 'exec', 'send', 'admin', 'write', 'read'] as const;
          const classOf = (w: string) => classifyToolName(w);
          const expected = byRisk.find((c) => words.some((w) => classOf(w) === c)) ?? 'unknown';
          expect(classifyToolName(words.join(sep))).toBe(expected);
        },
      ),
    );
    expect(classifyToolName('get_then_delete_then_send')).toBe('delete');
    expect(classifyToolName('listAndRun')).toBe('exec');
    expect(classifyToolName('order_item')).toBe('unknown');
  });
  it('classifies SQL after leading comments; text no dialect can read to its end is not a read', () => {
    expect(classifySqlText('SELECT 1')).toBe('read');
    expect(classifySqlText('  -- note\n /* x */ (DELETE FROM t')).toBe('delete');
    expect(classifySqlText('/* unterminated DROP')).toBe('unknown');
    expect(classifySqlText('constructor')).toBeNull();
    expect(classifySqlText('toString()')).toBeNull();
  });
});
