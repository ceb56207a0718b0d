/** cross-trust-boundary: privileged sinks reached from untrusted origins, without auth, or via many hops. */
import { describe, expect, it } from 'vitest';
import { crossTrustBoundaryInspector as insp } from '../../src/pipeline/inspect/inspectors/cross-trust-boundary.js';
import { ids, runOn } from './inspect-helpers.js';

describe('cross-trust-boundary', () => {
  it('flags mail-originated content driving a shell', () => {
    const f = runOn(insp, {
      action: { tool: 'shell.exec', arguments: { command: 'ls' } },
      context: { origin: 'email' },
    });
    expect(ids(f)).toEqual(['cross-trust-boundary.untrusted-origin-to-privileged-sink']);
  });
  it('flags an unauthenticated caller reaching a production write', () => {
    const f = runOn(insp, {
      subject: { authMethod: 'none', spiffeId: null },
      action: { tool: 'db.query', operation: 'write', arguments: { sql: 'UPDATE t SET a = 1 WHERE id = 2' } },
      resource: { database: 'prod' },
    });
    expect(ids(f)).toContain('cross-trust-boundary.unauthenticated-privileged-call');
  });
  it('passes an authenticated agent reading a non-production resource', () => {
    expect(
      runOn(insp, { action: { tool: 'docs.search', operation: 'read', arguments: { q: 'x' } } }),
    ).toEqual([]);
  });
});
