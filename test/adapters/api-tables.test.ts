/**
 * The generated API tables: fresh (regenerating from the installed descriptions gives the committed files),
 * complete (every operation of each description is classified or listed as unclassified), and classified by
 * the description's own words (method, operationId verb, x-github metadata). Prints each description's counts.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generatedFiles } from '../../scripts/generate-api-tables.js';
import { actionWords, specOperations } from '../../scripts/api-tables/github-rest.js';
import { gmailMethods } from '../../scripts/api-tables/gmail.js';
import {
  GMAIL_ROUTES,
  GMAIL_SOURCE,
  GMAIL_UNCLASSIFIED,
} from '../../src/pipeline/normalize/adapters/generated/gmail-routes.js';
import {
  githubRestFamily,
  GITHUB_TOOL_OPERATIONS,
} from '../../src/pipeline/normalize/adapters/github-rest.js';
import {
  GITHUB_REST_ROUTES,
  GITHUB_REST_SOURCE,
  GITHUB_REST_UNCLASSIFIED,
} from '../../src/pipeline/normalize/adapters/generated/github-rest-routes.js';

describe('generated API tables', () => {
  it('are fresh: regenerated from the installed descriptions, they equal the committed files', async () => {
    for (const { path, text } of await generatedFiles()) expect(readFileSync(path, 'utf8'), path).toBe(text);
  });
});

describe('GitHub REST table (@octokit/openapi)', () => {
  const spec = specOperations();
  const key = (method: string, path: string) => `${method} ${path}`;

  it('classifies or lists every operation of the description, and prints the counts', () => {
    expect(GITHUB_REST_SOURCE.operations).toBe(spec.length);
    expect(GITHUB_REST_ROUTES.length + GITHUB_REST_UNCLASSIFIED.length).toBe(spec.length);
    const listed = new Set([...GITHUB_REST_ROUTES, ...GITHUB_REST_UNCLASSIFIED].map(([m, p]) => key(m, p)));
    for (const op of spec) expect(listed.has(key(op.method, op.path)), op.operationId).toBe(true);
    console.log(
      `GitHub REST ${GITHUB_REST_SOURCE.version}: ${spec.length} operations, ${GITHUB_REST_ROUTES.length} classified, ` +
        `${GITHUB_REST_UNCLASSIFIED.length} unclassified:\n` +
        GITHUB_REST_UNCLASSIFIED.map(([m, p, id, why]) => `  ${m} ${p} (${id}): ${why}`).join('\n'),
    );
    // The generator's own judgement is bounded: most of the description is classified.
    expect(GITHUB_REST_UNCLASSIFIED.length).toBeLessThan(spec.length / 50);
  });

  it('agrees with the description words: GET reads, DELETE deletes, a delete or remove verb is never a read or write', () => {
    const byId = new Map(spec.map((op) => [op.operationId, op]));
    for (const [method, , id, operation] of GITHUB_REST_ROUTES) {
      const op = byId.get(id);
      expect(op?.method, id).toBe(method);
      if (method === 'GET' || method === 'HEAD') expect(operation, id).toBe('read');
      if (method === 'DELETE') expect(operation, id).toBe('delete');
      const verb = actionWords(id)[0] ?? '';
      if (verb === 'delete' || verb === 'remove') expect(operation, id).toBe('delete');
      if (operation === 'read') expect(['GET', 'HEAD'], id).toContain(method);
    }
    const find = (id: string) => GITHUB_REST_ROUTES.find((r) => r[2] === id);
    expect(find('repos/delete')).toEqual([
      'DELETE',
      '/repos/{owner}/{repo}',
      'repos/delete',
      'delete',
      'repos',
    ]);
    expect(find('repos/update-branch-protection')?.[3]).toBe('admin');
    expect(find('repos/update-branch-protection')?.[4]).toBe('branch-protection');
  });

  it('reads every classified operation back from a path built from its own template', () => {
    const mismatched: string[] = [];
    for (const [method, path, id] of GITHUB_REST_ROUTES) {
      const concrete = path.replace(/\{[^}]+\}/g, (_, i: number) => `v${i}q`);
      const r = githubRestFamily.readRequest({
        method,
        host: 'api.github.com',
        pathname: concrete,
        query: {},
        contentType: '',
        body: null,
        bodyIsJson: false,
      });
      if (r.apiOperation !== id) mismatched.push(`${method} ${path}: ${id} read as ${r.apiOperation}`);
    }
    expect(mismatched).toEqual([]);
  });

  it('names only operations of the table for MCP tools', () => {
    const ids = new Set(GITHUB_REST_ROUTES.map((r) => r[2]));
    for (const [tool, id] of GITHUB_TOOL_OPERATIONS) expect(ids.has(id), `${tool} -> ${id}`).toBe(true);
  });
});

describe('Gmail table (@googleapis/gmail)', () => {
  const methods = gmailMethods();

  it('classifies or lists every method of the discovery document, and prints the counts', () => {
    expect(GMAIL_SOURCE.operations).toBe(methods.length);
    const ids = new Set([...GMAIL_ROUTES.map((r) => r[2]), ...GMAIL_UNCLASSIFIED.map((r) => r[2])]);
    for (const m of methods) expect(ids.has(m.id), m.id).toBe(true);
    const classified = new Set(GMAIL_ROUTES.map((r) => r[2])).size;
    console.log(
      `Gmail ${GMAIL_SOURCE.version}: ${methods.length} methods, ${classified} classified, ${GMAIL_UNCLASSIFIED.length} unclassified` +
        GMAIL_UNCLASSIFIED.map(([m, p, id, why]) => `\n  ${m} ${p} (${id}): ${why}`).join(''),
    );
    expect(classified + GMAIL_UNCLASSIFIED.length).toBe(methods.length);
  });

  it("agrees with Google's words: GET reads, DELETE deletes, send sends, settings changes are admin", () => {
    for (const [method, , id, operation] of GMAIL_ROUTES) {
      const verb = id.split('.').pop() ?? '';
      if (method === 'GET') expect(operation, id).toBe('read');
      if (method === 'DELETE' || verb === 'delete' || verb === 'trash') expect(operation, id).toBe('delete');
      if (verb === 'send') expect(operation, id).toBe('send');
      if (id.startsWith('users.settings.') && method !== 'GET' && method !== 'DELETE')
        expect(['admin', 'delete'], id).toContain(operation);
      if (operation === 'read') expect(method, id).toBe('GET');
    }
  });
});
