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
  it('passes plain accented text and emoji', () => {
    expect(runArgs(encodingEvasionInspector, 'crm.note', { text: 'Café crème, merci 🙂' })).toEqual([]);
  });
});
