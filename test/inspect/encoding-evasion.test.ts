/** encoding-evasion: attacks visible only after decoding, invisible and bidi characters. */
import { describe, expect, it } from 'vitest';
import { encodingEvasionInspector } from '../../src/pipeline/inspect/inspectors/encoding-evasion.js';
import { DEFAULT_INSPECTORS, inspectAction } from '../../src/pipeline/inspect/registry.js';
import { makeAction } from '../support/make-action.js';
import { ids, runArgs, TEST_CONFIG } from './inspect-helpers.js';

describe('encoding-evasion', () => {
  it('derives encoded-attack when a traversal shows only after base64 decoding', () => {
    const data = Buffer.from('../../../../etc/shadow').toString('base64');
    const action = makeAction({ action: { tool: 'notes.save', arguments: { data } } });
    const { findings } = inspectAction(action, {}, TEST_CONFIG, DEFAULT_INSPECTORS);
    expect(findings.map((f) => f.id)).toContain('encoding-evasion.encoded-attack');
  });
  it('flags a bidi override that disguises a file name', () => {
    expect(ids(runArgs(encodingEvasionInspector, 'crm.note', { text: 'invoice\u202egpj.exe' }))).toContain(
      'encoding-evasion.bidi-override',
    );
  });
  it('flags even two Unicode tag characters (U+E0000 block) outside an emoji flag', () => {
    expect(
      ids(runArgs(encodingEvasionInspector, 'crm.note', { text: 'hi\udb40\udc41\udb40\udc42' })),
    ).toContain('encoding-evasion.unicode-tags');
    // LANGUAGE TAG and CANCEL TAG are tag characters too.
    expect(
      ids(runArgs(encodingEvasionInspector, 'crm.note', { text: 'ok\udb40\udc01\udb40\udc7f' })),
    ).toContain('encoding-evasion.unicode-tags');
  });
  it('passes an emoji subdivision flag (the one legitimate use of tag characters)', () => {
    const england = '\ud83c\udff4\udb40\udc67\udb40\udc62\udb40\udc65\udb40\udc6e\udb40\udc67\udb40\udc7f';
    expect(ids(runArgs(encodingEvasionInspector, 'crm.note', { text: `Go ${england}!` }))).not.toContain(
      'encoding-evasion.unicode-tags',
    );
  });
  it('passes zero-width joiners that spell Persian or Indic words, and still flags them splitting Latin ones', () => {
    const persian = 'این فایل‌ها را می‌توانید با برنامه‌ی فشرده‌ساز باز کنید';
    expect(runArgs(encodingEvasionInspector, 'docs.create', { content: persian })).toEqual([]);
    const split = 'ig\u200cn\u200co\u200cre the ru\u200dles';
    expect(ids(runArgs(encodingEvasionInspector, 'docs.create', { content: split }))).toContain(
      'encoding-evasion.zero-width',
    );
  });
  it('passes plain accented text and emoji', () => {
    expect(runArgs(encodingEvasionInspector, 'crm.note', { text: 'Café crème, merci 🙂' })).toEqual([]);
  });
});
