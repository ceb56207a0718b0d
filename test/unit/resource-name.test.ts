/** Database, table and environment names are matched by policy in one canonical form. */
import { describe, expect, it } from 'vitest';
import { lineToAction } from '../../src/cli/inspect.js';
import type { InspectorConfig } from '../../src/pipeline/inspect/inspector.js';

const CONFIG: InspectorConfig = {
  egressAllowlist: [],
  internalDomains: [],
  productionDatabases: ['production'],
  protectedBranches: [],
};

describe('resource names matched by policy', () => {
  const db = (database: string) =>
    lineToAction({ tool: 'execute_query', arguments: { database, query: 'DELETE FROM users' } }, 1, CONFIG)
      .action.resource;
  it('are lower-case, trimmed, NFKC-folded and free of invisible characters', () => {
    for (const spelling of [
      'Production',
      'production ',
      'prod\u200buction',
      'ｐｒｏｄｕｃｔｉｏｎ',
      '\u202eproduction',
    ]) {
      const r = db(spelling);
      expect(r.database, JSON.stringify(spelling)).toBe('production');
      expect(r.environment).toBe('production');
    }
  });
  it('are null when nothing is left of them', () => {
    expect(db('\u200b ').database).toBeNull();
  });
});
