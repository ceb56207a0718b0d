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

describe('named resources below the top level', () => {
  const resource = (args: Record<string, unknown>) =>
    lineToAction({ tool: 'get_data', arguments: args }, 1, CONFIG).action;
  it('are found in nested objects and as the name of a database object', () => {
    expect(
      resource({ connection: { database: 'Production' }, query: 'DELETE FROM users' }).resource.database,
    ).toBe('production');
    expect(resource({ db: { name: 'production' } }).resource.environment).toBe('production');
    expect(resource({ targets: [{ table: 'Users' }] }).resource.table).toBe('users');
  });
  it('prefer the top level, and classify the operation by nested SQL too', () => {
    expect(resource({ database: 'a', inner: { database: 'b' } }).resource.database).toBe('a');
    expect(resource({ request: { sql: 'DROP TABLE users' } }).action.operation).toBe('delete');
    expect(resource({ query: 'SELECT 1', sql: 'DELETE FROM users' }).action.operation).toBe('delete');
  });
});
