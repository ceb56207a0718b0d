/**
 * The GitHub GraphQL family against GitHub's own schema (`@octokit/graphql-schema`): every mutation is
 * classified or listed, the classes agree with the schema's words (a "Delete..." is a delete, no mutation is a
 * read, a protection or ruleset change is administration with the REST table's kind), every root field is
 * read back from a document naming it, and the counts and the unclassified mutations are printed.
 */
import { describe, expect, it } from 'vitest';
import { classifyGithubMutation, githubGraphqlRootFields } from '../../scripts/api-tables/github-graphql.js';
import {
  GITHUB_GRAPHQL_MUTATIONS,
  GITHUB_GRAPHQL_QUERY_FIELDS,
  GITHUB_GRAPHQL_SOURCE,
  GITHUB_GRAPHQL_UNCLASSIFIED,
} from '../../src/pipeline/normalize/adapters/generated/github-graphql-fields.js';
import { githubGraphqlFamily } from '../../src/pipeline/normalize/adapters/github-graphql.js';
import { graphqlOperations } from '../../src/pipeline/normalize/api/graphql-operations.js';

const post = (query: string, extra: Record<string, string> = {}) =>
  githubGraphqlFamily.readRequest({
    method: 'POST',
    host: 'api.github.com',
    pathname: '/graphql',
    query: {},
    contentType: 'application/json',
    body: { query, ...extra },
    bodyIsJson: true,
  });

describe(`GitHub GraphQL table (${GITHUB_GRAPHQL_SOURCE.package} ${GITHUB_GRAPHQL_SOURCE.version})`, () => {
  const fields = githubGraphqlRootFields();
  const mutations = fields.filter((f) => f.type === 'mutation');

  it('classifies or lists every mutation of the schema, and prints the counts', () => {
    expect(GITHUB_GRAPHQL_SOURCE.operations).toBe(mutations.length);
    expect(GITHUB_GRAPHQL_MUTATIONS.length + GITHUB_GRAPHQL_UNCLASSIFIED.length).toBe(mutations.length);
    const listed = new Set([...GITHUB_GRAPHQL_MUTATIONS, ...GITHUB_GRAPHQL_UNCLASSIFIED].map((r) => r[0]));
    for (const m of mutations) expect(listed.has(m.name), m.name).toBe(true);
    expect(GITHUB_GRAPHQL_QUERY_FIELDS).toEqual(fields.filter((f) => f.type === 'query').map((f) => f.name));
    const counts = new Map<string, number>();
    for (const [, cls] of GITHUB_GRAPHQL_MUTATIONS) counts.set(cls, (counts.get(cls) ?? 0) + 1);
    console.log(
      `GitHub GraphQL ${GITHUB_GRAPHQL_SOURCE.version}: ${GITHUB_GRAPHQL_QUERY_FIELDS.length} query fields (reads), ` +
        `${mutations.length} mutations, ${GITHUB_GRAPHQL_MUTATIONS.length} classified ` +
        `(${[...counts].map(([c, n]) => `${c} ${n}`).join(', ')}), ${GITHUB_GRAPHQL_UNCLASSIFIED.length} unclassified ` +
        `(read as deletes):\n` +
        GITHUB_GRAPHQL_UNCLASSIFIED.map(([f, why]) => `  ${f}: ${why}`).join('\n'),
    );
    expect(mutations.length).toBeGreaterThan(200);
    expect(GITHUB_GRAPHQL_UNCLASSIFIED.length).toBeLessThan(mutations.length / 10);
  });

  it("agrees with the schema's words: deletes delete, no mutation reads, protection and rulesets are administered", () => {
    const said = new Map(mutations.map((m) => [m.name, m.description.toLowerCase()] as const));
    for (const [field, cls, kind] of GITHUB_GRAPHQL_MUTATIONS) {
      expect(cls, field).not.toBe('read');
      const d = said.get(field) ?? '';
      if (field.startsWith('delete') || /^deletes? /.test(d)) expect(cls, field).toBe('delete');
      if (/BranchProtectionRule$/.test(field)) expect(kind, field).toBe('branch-protection');
      if (/RepositoryRuleset$/.test(field)) expect(kind, field).toBe('rules');
      if (/(BranchProtectionRule|RepositoryRuleset)$/.test(field))
        expect(['admin', 'delete'], field).toContain(cls);
    }
    const cls = (f: string) => GITHUB_GRAPHQL_MUTATIONS.find((m) => m[0] === f)?.[1];
    expect(cls('createIssue')).toBe('write');
    expect(cls('updateBranchProtectionRule')).toBe('admin');
    expect(cls('deleteBranchProtectionRule')).toBe('delete');
    for (const m of mutations) {
      const c = classifyGithubMutation(m);
      if ('unclassified' in c)
        expect(
          GITHUB_GRAPHQL_UNCLASSIFIED.some(([f]) => f === m.name),
          m.name,
        ).toBe(true);
      else expect(cls(m.name), m.name).toBe(c.operation);
    }
  });

  it('reads every root field back from a document naming it', () => {
    for (const [field, cls, kind] of GITHUB_GRAPHQL_MUTATIONS) {
      const r = post(`mutation { ${field} }`);
      expect([r.apiOperation, r.operation, r.resource?.kind], field).toEqual([
        `mutation.${field}`,
        cls,
        kind,
      ]);
    }
    for (const [field] of GITHUB_GRAPHQL_UNCLASSIFIED)
      expect(post(`mutation { ${field} }`).operation, field).toBe('delete');
    for (const field of GITHUB_GRAPHQL_QUERY_FIELDS) {
      const r = post(`query { ${field} }`);
      expect([r.apiOperation, r.operation], field).toEqual([`query.${field}`, 'read']);
    }
  });

  it('is never a read for a document it cannot parse, an unknown field, or a smuggled mutation', () => {
    expect(post('mutation { deleteIssue(input: {}) ').operation).toBe('delete');
    expect(post('type Query { x: Int }').operation).toBe('delete');
    expect(post('query { notAField }').operation).toBe('unknown');
    expect(post('subscription { viewer }').operation).toBe('unknown');
    expect(post('{ viewer { login } } fragment F on Mutation { deleteIssue }').operation).toBe('read');
    expect(post('{ viewer { login } ...F } fragment F on Mutation { deleteIssue }').operation).toBe('delete');
    expect(post('{ ... on Mutation { deleteIssue } }').operation).toBe('delete');
    expect(post('{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }').operation).toBe(
      'delete',
    );
    expect(post(`{ ${'viewer '.repeat(60_000)}}`).operation).toBe('delete');
    expect(post('{ viewer }', { operationName: 'Missing' }).operation).toBe('read');
  });

  it('lists every operation of a document with its root fields, aliases resolved', () => {
    expect(
      graphqlOperations(
        'query A { me: viewer { login } } mutation B { x: addStar(input: {}) { clientMutationId } }',
      ),
    ).toEqual([
      { type: 'query', name: 'A', fields: ['viewer'] },
      { type: 'mutation', name: 'B', fields: ['addStar'] },
    ]);
    expect(
      graphqlOperations('query Q { viewer { login } ...F } fragment F on Mutation { deleteIssue }'),
    ).toEqual([
      { type: 'query', name: 'Q', fields: ['viewer'] },
      { type: 'mutation', name: 'Q', fields: ['deleteIssue'] },
    ]);
    expect(graphqlOperations('fragment F on User { login }')).toBeNull();
    expect(graphqlOperations('')).toBeNull();
  });
});
