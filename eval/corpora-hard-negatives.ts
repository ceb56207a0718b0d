/**
 * The hand-written hard negatives (test-data/writ-hard-negatives): benign text that reads like instructions,
 * in English and 31 other languages, as an e-mail body and as a direct question; unit: the row id. They count
 * against every inspector and every voice, the learned model's included: they are the false-positive class
 * prompt injection must beat (issue 17 item 2), so no scored row is exempt from them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EvalCase, EvalSet } from './corpora.js';
import { ask, mail } from './corpora-text.js';
import { DATA } from './data-dir.js';

interface Row {
  readonly id: string;
  readonly lang: string;
  readonly text: string;
}

function rows(): Row[] {
  return readFileSync(join(DATA, 'writ-hard-negatives', 'hard-negatives.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Row);
}

/** The two benign sets: the rows mailed on, and the rows asked directly (category: the language). */
export function hardNegativeSets(): EvalSet[] {
  const r = rows();
  const render = (call: (t: string) => unknown): EvalCase[] =>
    r.map((x) => ({
      line: call(x.text),
      attack: false,
      category: x.lang,
      corpus: 'writ-hard-negatives',
      unit: x.id,
    }));
  return [
    {
      inspector: '*',
      name: 'writ hard negatives (in email body)',
      side: 'benign',
      cases: render(mail),
    },
    {
      inspector: '*',
      name: 'writ hard negatives (as question)',
      side: 'benign',
      cases: render(ask),
    },
  ];
}
