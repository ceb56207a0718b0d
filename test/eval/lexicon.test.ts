/**
 * No lexicon entry of the text inspectors may come from test material: every word of their sources that
 * occurs in test-split text and nowhere in dev text is either not a lexicon entry (comments, identifiers) or
 * has a stated reason below. A new test-only word fails this test: take it out, or justify it here.
 */
import { describe, expect, it } from 'vitest';
import { testOnlyWords } from '../../eval/lexicon-audit.js';

/** Test-only words of the audited files that are not lexicon entries, or are, for a stated reason. */
const JUSTIFIED: Readonly<Record<string, string>> = {
  affairs: 'a comment word',
  ant: 'from "antérieures", the French override phrase (general language knowledge, issue 17 item 4)',
  anweisungen: 'the German word for instructions in the German override phrase (general language knowledge)',
  ignoriere: 'the German imperative "ignore" in the German override phrase (general language knowledge)',
  documented: 'a comment word',
  glued: 'a comment word',
  id_rsa: 'the default OpenSSH private key file name (general knowledge of what exfiltration targets)',
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
};

describe('lexicon audit against the split', () => {
  it('has no unjustified word that occurs only in test-split text', { timeout: 60_000 }, () => {
    const found = [...testOnlyWords().keys()].filter((w) => JUSTIFIED[w] === undefined);
    expect(found).toEqual([]);
  });
});
