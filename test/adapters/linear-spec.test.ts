/**
 * The Linear family against its specification's own words (the schema's Query and Mutation root fields and
 * their descriptions, generated from @linear/sdk): every mutation the description says deletes is a delete,
 * every one it says creates or updates is a write (or administration), and the unclassified are listed.
 */
import { describe, expect, it } from 'vitest';
import {
  LINEAR_ROOT_FIELDS,
  LINEAR_SOURCE,
} from '../../src/pipeline/normalize/adapters/generated/linear-fields.js';
import { linearMutationClass } from '../../src/pipeline/normalize/adapters/linear.js';

describe(`linear table (${LINEAR_SOURCE})`, () => {
  const mutations = LINEAR_ROOT_FIELDS.filter(([t]) => t === 'mutation');

  it('classifies the mutations and lists the ones whose name holds no verb', () => {
    const unclassified = mutations.filter(([, f]) => linearMutationClass(f) === null).map(([, f]) => f);
    console.log(
      `${LINEAR_SOURCE}: ${mutations.length} mutations, ${mutations.length - unclassified.length} classified, ${unclassified.length} unclassified (read as deletes):`,
      unclassified.join(' '),
    );
    expect(mutations.length).toBeGreaterThan(300);
    expect(unclassified.every((f) => f.startsWith('integration'))).toBe(true);
  });

  it('agrees with the descriptions: "Deletes" is a delete; "Creates" and "Updates" are never reads nor deletes', () => {
    for (const [, field, said] of mutations) {
      const cls = linearMutationClass(field);
      if (said === 'deletes') expect(cls, field).toBe('delete');
      if (said === 'creates' || said === 'updates')
        expect(['write', 'admin', 'send', 'exec'].includes(String(cls)), `${field} ${cls}`).toBe(true);
    }
  });
});
