/** Every ATLAS id in the tag table exists in ATLAS.yaml, and every inspector has tags. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEFAULT_INSPECTORS } from '../../src/pipeline/inspect/registry.js';
import { TAGS } from '../../src/pipeline/inspect/tags.js';

const ATLAS = fileURLToPath(new URL('../../test-data/mitre-atlas/ATLAS.yaml', import.meta.url));

describe('tags', () => {
  it('uses only technique ids that exist in ATLAS.yaml', () => {
    const doc = parse(readFileSync(ATLAS, 'utf8')) as {
      matrices: Array<{ techniques: Array<{ id: string }> }>;
    };
    const known = new Set(doc.matrices.flatMap((m) => m.techniques.map((t) => t.id)));
    for (const [id, tags] of Object.entries(TAGS))
      for (const t of tags.atlas) expect(known.has(t), `${id}: ${t}`).toBe(true);
  });
  it('tags every registered inspector with OWASP Agentic ids', () => {
    for (const inspector of DEFAULT_INSPECTORS) {
      const tags = (TAGS as Record<string, { owasp: readonly string[] }>)[inspector.id];
      expect(tags?.owasp.every((o) => /^ASI(?:0[1-9]|10)$/.test(o))).toBe(true);
    }
  });
});
