/** pii: personal identifiers with checksums, counted per leaf. */
import { describe, expect, it } from 'vitest';
import { piiInspector as insp } from '../../src/pipeline/inspect/inspectors/pii.js';
import { ids, runArgs } from './inspect-helpers.js';

describe('pii', () => {
  it('finds a Luhn-valid card number and an IBAN with a valid checksum', () => {
    const f = ids(
      runArgs(insp, 'crm.note', { text: 'card 4012 8888 8888 1881, iban GB82 WEST 1234 5698 7654 32' }),
    );
    expect(f).toContain('pii.credit-card');
    expect(f).toContain('pii.iban');
  });
  it('does not report a 16-digit number that fails Luhn as a card', () => {
    expect(ids(runArgs(insp, 'crm.note', { text: 'order 4012 8888 8888 1882' }))).not.toContain(
      'pii.credit-card',
    );
  });
  it('reports email addresses with a count and redacted evidence', () => {
    const f = runArgs(insp, 'crm.note', { text: 'cc jane.roe@corp.example and max@corp.example' });
    const email = f.find((x) => x.id === 'pii.email');
    expect(email?.count).toBe(2);
    expect(email?.evidence).not.toContain('jane.roe');
  });
});
