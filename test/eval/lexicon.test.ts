/**
 * No lexicon entry of the text inspectors may come from test material: every word of their sources that
 * occurs in test-split text and nowhere in dev text is either not a lexicon entry (comments, identifiers) or
 * has a stated reason below. A new test-only word fails this test: take it out, or justify it here.
 */
import { describe, expect, it } from 'vitest';
import { testOnlyWords } from '../../eval/lexicon-audit.js';
import { INJECTION_LANGUAGES, MOVES } from '../../src/pipeline/inspect/lib/injection-languages.js';

/**
 * The words of the non-English lexicons (issue 17 item 4): written from knowledge of each language, the same
 * reason the German and French override words above carry; listed by their lexicon, not one by one.
 */
const LANGUAGE_WORDS = new Set(
  Object.entries(INJECTION_LANGUAGES)
    .filter(([lang]) => lang !== 'en')
    .flatMap(([, moves]) => MOVES.flatMap((m) => moves[m] ?? []))
    .flatMap(
      (src: string): string[] =>
        src
          .replace(/\\[a-zA-Z]/g, ' ')
          .toLowerCase()
          .match(/[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)*/g) ?? [],
    ),
);

/** Test-only words of the audited files that are not lexicon entries, or are, for a stated reason. */
const JUSTIFIED: Readonly<Record<string, string>> = {
  affairs: 'a comment word',
  ant: 'from "antérieures", the French override phrase (general language knowledge, issue 17 item 4)',
  anweisungen: 'the German word for instructions in the German override phrase (general language knowledge)',
  ignoriere: 'the German imperative "ignore" in the German override phrase (general language knowledge)',
  documented: 'a comment word',
  glued: 'a comment word',
  id_rsa: 'the default OpenSSH private key file name (general knowledge of what exfiltration targets)',
  id_ed25519: 'the default OpenSSH Ed25519 private key file name (general knowledge, like id_rsa)',
  netrc:
    'the `.netrc` credentials file of curl, ftp and git (general knowledge of what exfiltration targets)',
  imperatives: 'a comment word',
  'input.config': 'an identifier',
  inspector: 'an identifier',
  markers: 'a comment word',
  overrides: 'a comment word',
  params: 'a JSON-RPC field name the tool-list walker follows',
  parenthesis: 'a comment word',
  precedes: 'a comment word',
  readily: 'a comment word',
  scans: 'a comment word',
  scorer: 'a comment word',
  secrecy: 'a comment word',
  sorted: 'a comment word',
  spoofing: 'a comment word',
  wherever: 'a comment word',
  abandon: 'an English override verb (general language knowledge, issue 17 item 2)',
  bff: 'a fragment of a Unicode escape (\\u0bff, the end of the Tamil block)',
  compiled: 'a comment word',
  heading: 'a comment word',
  hints: 'a comment word',
  latin: 'a comment word',
  llms: 'the plural of LLM in the addressee check (general knowledge)',
  mentioning: 'secrecy: "without mentioning it to the user" (general language knowledge)',
  oken: 'a fragment of `jailbr(?:oken|eak)`',
  passage: 'a comment word',
  revised: 'a task switch: "revised instructions:" (general language knowledge)',
  somewhere: 'a comment word',
  visibility: 'the CSS property that hides text (`visibility: hidden`)',
  gated: 'a comment word (the PERF notes on word gates)',
  skips: 'a comment word (the PERF notes on word gates)',
};

describe('lexicon audit against the split', () => {
  it('has no unjustified word that occurs only in test-split text', { timeout: 60_000 }, () => {
    const found = [...testOnlyWords().keys()].filter(
      (w) => JUSTIFIED[w] === undefined && !LANGUAGE_WORDS.has(w),
    );
    expect(found).toEqual([]);
  });
});
