import { describe, expect, it } from 'vitest';
import { githubRestFamily } from '../../src/pipeline/normalize/adapters/github-rest.js';
import { gitlabRestFamily } from '../../src/pipeline/normalize/adapters/gitlab-rest.js';
import { argumentText, toolKey } from '../../src/pipeline/normalize/api/tool-call-arguments.js';
import type { ToolCall } from '../../src/pipeline/normalize/api/api-family.js';

const call = (tool: string, args: Record<string, unknown>): ToolCall =>
  ({ tool, arguments: args }) as unknown as ToolCall;

describe('how a typed family reads a tool call', () => {
  it('drops only a leading vendor prefix from the tool name', () => {
    const prefixes = new Set(['github', 'gh']);
    expect(toolKey('github_delete_repository', prefixes)).toBe('delete_repository');
    expect(toolKey('gh-delete-repository', prefixes)).toBe('delete_repository');
    expect(toolKey('GitHub.deleteRepository', prefixes)).toBe('delete_repository');
    expect(toolKey('delete_repository', prefixes)).toBe('delete_repository');
    // A prefix later in the name is a word of the operation, not the vendor.
    expect(toolKey('delete_github_repository', prefixes)).toBe('delete_github_repository');
    expect(toolKey('', prefixes)).toBe('');
    expect(toolKey('github', prefixes)).toBe('github');
  });

  it('takes the first non-empty string or finite number among the names, in their order', () => {
    expect(argumentText(call('t', { project_id: 42 }), ['project_id'])).toBe('42');
    expect(argumentText(call('t', { a: '', b: 'x' }), ['a', 'b'])).toBe('x');
    expect(argumentText(call('t', { a: Number.NaN, b: 'y' }), ['a', 'b'])).toBe('y');
    expect(argumentText(call('t', { a: true, b: null, c: { x: 1 } }), ['a', 'b', 'c'])).toBeNull();
    expect(argumentText(call('t', { b: 'second', a: 'first' }), ['a', 'b'])).toBe('first');
  });

  it('gives GitHub and GitLab tools the same reading rules', () => {
    const gh = githubRestFamily.readToolCall?.(
      call('github_delete_repository', { owner: 'acme', repo: 'app' }),
    );
    const gl = gitlabRestFamily.readToolCall?.(call('gitlab_delete_project', { project_id: 7 }));
    expect(gh?.operation).toBe('delete');
    expect(gl?.operation).toBe('delete');
  });
});
