/** Every reason code is documented in docs/errors.md, and nothing stale is documented. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REASON_CODES } from '../../src/pipeline/errors.js';
import { httpStatusFor } from '../../src/extauthz/status.js';

const doc = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'errors.md'), 'utf8');
const documented = [...doc.matchAll(/^\| `([A-Z0-9_]+)` \| (\w+) \| ([^|]+) \|/gm)].map((m) => ({
  code: m[1]!,
  decision: m[2]!,
  http: m[3]!.trim(),
}));

describe('reason code catalogue', () => {
  it('documents every code exactly once and no stale one', () => {
    expect(documented.map((d) => d.code).sort()).toEqual(Object.keys(REASON_CODES).sort());
  });
  it('documents the HTTP status each deny code really gets', () => {
    for (const d of documented.filter((x) => x.decision === 'DENY' || x.decision === 'REQUIRE_APPROVAL')) {
      expect(d.http, d.code).toBe(
        String(httpStatusFor(d.decision as 'DENY', d.code as keyof typeof REASON_CODES)),
      );
    }
  });
  it('marks every ERR_ code as a deny', () => {
    for (const d of documented.filter((x) => x.code.startsWith('ERR_')))
      expect(d.decision, d.code).toBe('DENY');
  });
});
