/** MCP resource URIs judged against the client's declared roots, as URIs (issue 16 item 1). */
import { describe, expect, it } from 'vitest';
import { withinRoots } from '../../../src/pipeline/normalize/mcp/resource-roots.js';

const ROOTS = ['file:///home/alex/project', 'file:///srv/shared/'];

describe('withinRoots', () => {
  it('is null when no roots are known', () => {
    expect(withinRoots('file:///etc/passwd', null)).toBeNull();
    expect(withinRoots('file:///etc/passwd', [])).toBeNull();
  });

  it('holds a URI under a root by whole segments, the root itself included', () => {
    expect(withinRoots('file:///home/alex/project/src/main.rs', ROOTS)).toBe(true);
    expect(withinRoots('file:///home/alex/project', ROOTS)).toBe(true);
    expect(withinRoots('file:///srv/shared/notes.md', ROOTS)).toBe(true);
    expect(withinRoots('file:///home/alex/project/a%20b.txt', ROOTS)).toBe(true);
    // A sibling whose name only starts like the root is outside.
    expect(withinRoots('file:///home/alex/project-secrets/key.pem', ROOTS)).toBe(false);
  });

  it('resolves dot segments, encoded or not, before judging', () => {
    expect(withinRoots('file:///home/alex/project/../../../etc/passwd', ROOTS)).toBe(false);
    expect(withinRoots('file:///home/alex/project/%2e%2e/%2E%2E/bob/.ssh/id_rsa', ROOTS)).toBe(false);
    expect(withinRoots('file:///a/b/../../etc/passwd', ['file:///a'])).toBe(false);
    expect(withinRoots('file:///home/alex/project/docs/./../src/lib.rs', ROOTS)).toBe(true);
  });

  it('decodes once: an encoded separator or a doubly encoded dot segment is not within', () => {
    expect(withinRoots('file:///home/alex/project/..%2f..%2fetc/passwd', ROOTS)).toBe(false);
    expect(withinRoots('file:///home/alex/project/%252e%252e/x', ROOTS)).toBe(true);
    expect(withinRoots('file:///home/alex/project/%2e%2e%5c..%5cetc', ROOTS)).toBe(false);
    expect(withinRoots('file:///home/alex/project/%E0%A4%A', ROOTS)).toBe(false);
  });

  it('requires the root scheme and authority', () => {
    expect(withinRoots('https://home/alex/project/x', ROOTS)).toBe(false);
    expect(withinRoots('file://fileserver/home/alex/project/x', ROOTS)).toBe(false);
    expect(withinRoots('notes://home/alex/project/x', ['notes://home/alex'])).toBe(true);
    expect(withinRoots('not a uri', ROOTS)).toBe(false);
  });
});
