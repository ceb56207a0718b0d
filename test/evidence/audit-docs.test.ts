/** docs/audit.md documents every audit event type the schema declares (src/pipeline/audit-record/audit-event.ts). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support/evidence-writ.js';

const schema = readFileSync(join(ROOT, 'src', 'pipeline', 'audit-record', 'audit-event.ts'), 'utf8');
const doc = readFileSync(join(ROOT, 'docs', 'audit.md'), 'utf8');

describe('docs/audit.md', () => {
  it('names every event type of the schema', () => {
    // Every string literal a `type` member may take: `readonly type: 'x'` and the `| 'y'` lines of a union.
    const types = new Set<string>();
    for (const m of schema.matchAll(/readonly type:\s*((?:\|?\s*'[^']+'\s*)+);/g))
      for (const t of m[1]!.matchAll(/'([^']+)'/g)) types.add(t[1]!);
    expect([...types]).toEqual(
      expect.arrayContaining([
        'decision',
        'audit.checkpoint',
        'approval.decided',
        'ext_proc.tool_list_blocked',
        'ext_proc.response_masked',
        'tools.pinned',
      ]),
    );
    for (const t of types) expect(doc, `docs/audit.md documents ${t}`).toContain(`\`${t}\``);
  });
});
