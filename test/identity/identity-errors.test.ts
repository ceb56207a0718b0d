/** Every identity reason code is documented in docs/identity.md, and no documented code is stale. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { IDENTITY_ERRORS } from '../../src/pipeline/identity/identity-errors.js';

const doc = readFileSync(new URL('../../docs/identity.md', import.meta.url), 'utf8');
const table = doc.slice(doc.indexOf('## Reason codes'));
const listed = [...table.matchAll(/^\| `([A-Z_0-9]+)` +\|/gm)].map((m) => m[1]!);

describe('identity reason codes', () => {
  it('documents every code in the reason code table', () => {
    const missing = Object.keys(IDENTITY_ERRORS).filter((c) => !listed.includes(c));
    expect(missing).toEqual([]);
  });

  it('lists no code in the table that does not exist', () => {
    expect(listed.filter((c) => !(c in IDENTITY_ERRORS))).toEqual([]);
    expect(listed.length).toBe(Object.keys(IDENTITY_ERRORS).length);
  });
});
