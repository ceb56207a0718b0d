/**
 * GitHub GraphQL (`@octokit/graphql-schema`, GitHub's published schema): the root fields of the Query and
 * Mutation types, each mutation classed from its own words (the verb of its name, GitHub's description of it)
 * and from the words the REST table's generator reads as administration (`protection`, `ruleset`,
 * `collaborators`...: github-rest.ts), so a GraphQL change of branch protection is `admin` like its REST twin.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kind, parse } from 'graphql';
import type { OperationClass } from '../../src/pipeline/model/action.js';
import { classifyOperationWords, operationWords } from '../../src/pipeline/normalize/api/operation-verbs.js';
import { riskierReading } from '../../src/pipeline/model/operation-danger.js';
import { GITHUB_ADMIN_WORDS, GITHUB_EXEC_VERBS } from './github-rest.js';
import { packageDir, packageVersion } from './package-source.js';
import { lit, type ApiTable } from './table.js';

export const GITHUB_GRAPHQL_PACKAGE = '@octokit/graphql-schema';
export const GITHUB_GRAPHQL_DOCUMENT = 'schema.graphql';

/** One root field: its root type, name and GitHub's description of it ('' when none). */
export interface GraphqlRootField {
  readonly type: 'query' | 'mutation';
  readonly name: string;
  readonly description: string;
}

/** Every root field of the schema's Query and Mutation types (extensions included). */
export function githubGraphqlRootFields(): GraphqlRootField[] {
  const file = join(packageDir(GITHUB_GRAPHQL_PACKAGE), GITHUB_GRAPHQL_DOCUMENT);
  const doc = parse(readFileSync(file, 'utf8'), { noLocation: true });
  const out: GraphqlRootField[] = [];
  for (const [typeName, type] of [
    ['Query', 'query'],
    ['Mutation', 'mutation'],
  ] as const) {
    for (const d of doc.definitions) {
      if (d.kind !== Kind.OBJECT_TYPE_DEFINITION && d.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
      if (d.name.value !== typeName) continue;
      for (const f of d.fields ?? [])
        out.push({
          type,
          name: f.name.value,
          description: (f.description?.value ?? '').replace(/\s+/g, ' ').trim(),
        });
    }
  }
  if (!out.some((f) => f.type === 'mutation'))
    throw new Error(`no Mutation type in ${GITHUB_GRAPHQL_PACKAGE}`);
  return out;
}

/** The class GitHub's description gives (`Deletes an Issue object.`, `Remove ...`), its verb unconjugated. */
function describedClass(description: string): OperationClass | null {
  const words = operationWords(description);
  const first = words[0];
  if (first === undefined) return null;
  for (const verb of [first, first.replace(/s$/, ''), first.replace(/es$/, '')]) {
    const cls = classifyOperationWords([verb, ...words.slice(1)]);
    if (cls !== null) return cls;
  }
  return null;
}

/** The REST table's resource kinds for the nouns policy rules name (docs/adapters.md); else the noun, kebab-case. */
const REST_KINDS: Readonly<Record<string, string>> = {
  'branch-protection-rule': 'branch-protection',
  'repository-ruleset': 'rules',
  repository: 'repos',
  ref: 'refs',
  refs: 'refs',
};

export type GraphqlClassified =
  | { readonly f: GraphqlRootField; readonly operation: OperationClass; readonly kind: string }
  | { readonly f: GraphqlRootField; readonly unclassified: string };

/**
 * A mutation's class: the riskier of what its name's verb (GitHub names mutations verb first: `deleteIssue`,
 * `updateBranchProtectionRule`) and its description say; `admin` when a word of its name is one the REST
 * generator reads as administration and it deletes nothing; `exec` for a run verb (`rerequestCheckSuite`).
 */
export function classifyGithubMutation(f: GraphqlRootField): GraphqlClassified {
  const words = operationWords(f.name);
  const noun = words.slice(1).join('-');
  const kind = REST_KINDS[noun] ?? noun;
  const byName = classifyOperationWords(words);
  const byDescription = describedClass(f.description);
  let cls =
    byName === null ? byDescription : byDescription === null ? byName : riskierReading(byName, byDescription);
  if (cls === 'read') cls = null; // a mutation that reads contradicts itself: listed, not guessed
  if (GITHUB_EXEC_VERBS.has(words[0] ?? '') && cls !== 'delete') cls = 'exec';
  if (cls !== 'delete' && words.some((w) => GITHUB_ADMIN_WORDS.has(w))) cls = 'admin';
  if (cls === null)
    return { f, unclassified: `no verb writ knows in the name or the description "${f.description}"` };
  return { f, operation: cls, kind };
}

const row = (r: readonly string[]): string => `  [${r.map(lit).join(', ')}],`;

function renderGithubGraphql(): string {
  const version = packageVersion(GITHUB_GRAPHQL_PACKAGE);
  const fields = githubGraphqlRootFields();
  const queries = fields.filter((f) => f.type === 'query').map((f) => f.name);
  const classified = fields.filter((f) => f.type === 'mutation').map(classifyGithubMutation);
  const mutations = classified.flatMap((c) => ('unclassified' in c ? [] : [[c.f.name, c.operation, c.kind]]));
  const unclassified = classified.flatMap((c) => ('unclassified' in c ? [[c.f.name, c.unclassified]] : []));
  return `/**
 * GENERATED by scripts/generate-api-tables.ts from ${GITHUB_GRAPHQL_PACKAGE} ${version} (${GITHUB_GRAPHQL_DOCUMENT}):
 * do not edit. The root fields of GitHub's GraphQL Query and Mutation types; each mutation's class is derived
 * from its name and GitHub's description of it (scripts/api-tables/github-graphql.ts, docs/adapters.md).
 */
import type { OperationClass } from '../../../model/action.js';

/** The schema the table was generated from. */
export const GITHUB_GRAPHQL_SOURCE = {
  package: ${lit(GITHUB_GRAPHQL_PACKAGE)},
  version: ${lit(version)},
  document: ${lit(GITHUB_GRAPHQL_DOCUMENT)},
  operations: ${classified.length},
} as const;

/** The Query type's root fields: reads. */
export const GITHUB_GRAPHQL_QUERY_FIELDS: readonly string[] = [
${queries.map((q) => `  ${lit(q)},`).join('\n')}
];

/** The classified mutations: field, class, kind (the REST table's kind where policy names one). */
export const GITHUB_GRAPHQL_MUTATIONS: ReadonlyArray<readonly [string, OperationClass, string]> = [
${mutations.map(row).join('\n')}
];

/** Mutations whose words say nothing writ knows: read as the most dangerous class. */
export const GITHUB_GRAPHQL_UNCLASSIFIED: ReadonlyArray<readonly [string, string]> = [
${unclassified.map(row).join('\n')}
];
`;
}

/** The GitHub GraphQL root-field table. */
export const githubGraphqlTable: ApiTable = { file: 'github-graphql-fields.ts', render: renderGithubGraphql };
