/**
 * The hand-written hard negatives (test-data/writ-hard-negatives) are a benign set for every scored row, the
 * learned model's included (issue 17 item 2), cover the most spoken languages, and keep their row ids unique
 * and well formed (the id is the split unit: a duplicate would put two rows under one hash).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hardNegativeSets } from '../../eval/corpora-hard-negatives.js';
import { DATA } from '../../eval/data-dir.js';
import { benignFor, SCORED_IDS } from '../../eval/score.js';

interface Row {
  readonly id: string;
  readonly lang: string;
  readonly kind: string;
  readonly text: string;
}

const ROWS = readFileSync(join(DATA, 'writ-hard-negatives', 'hard-negatives.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as Row);

/** The kinds SOURCE.md documents. */
const KINDS = new Set(['runbook', 'email', 'howto', 'recipe', 'support', 'onboarding', 'readme', 'meeting']);

/** The ~20 most spoken languages (first and second language speakers), Nigerian Pidgin and Cantonese included. */
const MOST_SPOKEN = [
  'en',
  'zh',
  'hi',
  'es',
  'fr',
  'ar',
  'bn',
  'pt',
  'ru',
  'ur',
  'id',
  'de',
  'ja',
  'pcm',
  'mr',
  'te',
  'tr',
  'ta',
  'yue',
  'vi',
  'ko',
];

describe('writ hard negatives', () => {
  it('count against every scored row, the learned model alone included', () => {
    const sets = hardNegativeSets();
    expect(sets.length).toBe(2);
    for (const set of sets) {
      expect(set.side).toBe('benign');
      expect(set.cases.length).toBe(ROWS.length);
      for (const id of SCORED_IDS) expect(benignFor(set, id), `${set.name} for ${id}`).toBe(true);
    }
  });

  it('have unique ids of the form <lang>-<row number> and a documented kind', () => {
    expect(new Set(ROWS.map((r) => r.id)).size).toBe(ROWS.length);
    ROWS.forEach((r, i) => {
      expect(r.id).toBe(`${r.lang}-${String(i).padStart(3, '0')}`);
      expect(KINDS.has(r.kind), r.id).toBe(true);
      expect(r.text.trim().length, r.id).toBeGreaterThanOrEqual(12);
    });
  });

  it('have no text twice', () => {
    expect(new Set(ROWS.map((r) => r.text)).size).toBe(ROWS.length);
  });

  it('cover each of the most spoken languages with three or more rows', () => {
    const per = new Map<string, number>();
    for (const r of ROWS) per.set(r.lang, (per.get(r.lang) ?? 0) + 1);
    for (const lang of MOST_SPOKEN) expect(per.get(lang) ?? 0, lang).toBeGreaterThanOrEqual(3);
  });
});
