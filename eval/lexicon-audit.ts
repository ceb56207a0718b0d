/**
 * `node --import tsx eval/lexicon-audit.ts`: the words of the text inspectors' lexicons (injection-phrases.ts,
 * prompt-injection.ts, tool-poisoning.ts, exfiltration.ts) that occur in test-split text but nowhere in dev
 * text. Such a word may have been learned from test material; each one must be justified from general
 * knowledge or removed. Prints lexicon words and counts only, never test text.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { allSets } from './sets.js';
import { splitOf } from './split.js';

/** The lexicon sources audited. */
export const LEXICON_FILES = [
  'src/pipeline/inspect/lib/injection-phrases.ts',
  'src/pipeline/inspect/lib/injection-structure.ts',
  'src/pipeline/inspect/lib/injection-languages.ts',
  'src/pipeline/inspect/inspectors/prompt-injection.ts',
  'src/pipeline/inspect/inspectors/tool-poisoning.ts',
  'src/pipeline/inspect/inspectors/exfiltration.ts',
];

const WORD = /[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)*/g;

function strings(v: unknown, out: string[]): void {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) v.forEach((x) => strings(x, out));
  else if (v !== null && typeof v === 'object') Object.values(v).forEach((x) => strings(x, out));
}

/** Words of the lexicons found in test text and never in dev text, with their test counts. */
export function testOnlyWords(root = fileURLToPath(new URL('..', import.meta.url))): Map<string, number> {
  const lexicon = new Set<string>();
  for (const f of LEXICON_FILES)
    // Regex escapes (`\b`, `\s`) are dropped first so `\bgetpass` yields `getpass`.
    for (const m of readFileSync(`${root}/${f}`, 'utf8')
      .replace(/\\[a-zA-Z]/g, ' ')
      .toLowerCase()
      .matchAll(WORD))
      if (m[0].length >= 3) lexicon.add(m[0]);
  const counts = { dev: new Map<string, number>(), test: new Map<string, number>() };
  const seen = new Set<string>();
  for (const s of allSets())
    for (const c of s.cases) {
      const texts: string[] = [];
      strings(c.line, texts);
      const key = `${splitOf(c)}\0${texts.join('\0')}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const m = counts[splitOf(c)];
      for (const t of texts)
        for (const w of t.toLowerCase().matchAll(WORD))
          if (lexicon.has(w[0])) m.set(w[0], (m.get(w[0]) ?? 0) + 1);
    }
  const out = new Map<string, number>();
  for (const [w, n] of counts.test) if (!counts.dev.has(w)) out.set(w, n);
  return out;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1])
  for (const [w, n] of [...testOnlyWords().entries()].sort()) process.stdout.write(`${w}\t${n}\n`);
