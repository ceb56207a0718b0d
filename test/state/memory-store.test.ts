/** The memory store passes the shared state store conformance suite. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../src/state/memory-store.js';
import { taintSource } from './session-taint.case.js';
import { storeConformance } from './store.case.js';

storeConformance('memory', () => Promise.resolve(createMemoryStore()));

describe('memory store state file: session taint', () => {
  it('keeps a taint across a restart (only an approver or the TTL clears it), and the clear too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'writ-mem-taint-'));
    try {
      const persistFile = join(dir, 'state.json');
      const t0 = Date.UTC(2026, 0, 5, 10, 0, 0);
      const first = createMemoryStore(() => t0, { persistFile });
      await first.markTaint(['session:s-1', 'session:s-2'], taintSource(t0), 3_600_000);
      await first.close();
      const second = createMemoryStore(() => t0, { persistFile });
      expect((await second.taintOf(['session:s-1'], t0 + 1))[0]?.sources).toEqual([taintSource(t0)]);
      expect(await second.clearTaint('session:s-1')).not.toBeNull();
      await second.close();
      const third = createMemoryStore(() => t0, { persistFile });
      expect(await third.taintOf(['session:s-1'], t0 + 1)).toEqual([]);
      expect(await third.taintOf(['session:s-2'], t0 + 1)).toHaveLength(1);
      await third.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads a state file written before taints existed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'writ-mem-taint-'));
    try {
      const persistFile = join(dir, 'state.json');
      writeFileSync(persistFile, JSON.stringify({ approvals: [], bound: [], quarantines: [] }));
      const s = createMemoryStore(Date.now, { persistFile });
      expect(await s.listTaints(10, Date.now())).toEqual([]);
      await s.close();
      writeFileSync(persistFile, JSON.stringify({ approvals: [], bound: [], quarantines: [], taints: {} }));
      expect(() => createMemoryStore(Date.now, { persistFile })).toThrow(TypeError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
