/**
 * Property tests: once records are covered by a signed checkpoint, any mutation, insertion, deletion or
 * reordering is caught even when the attacker re-chains every hash (and fixes up the checkpoint's size
 * and head without the key), and a truncation is caught against a checkpoint held outside the log.
 */
import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { verifyAuditText, type AuditVerdict } from '../../src/audit/verify-file.js';
import { signerFromPrivateKey } from '../../src/keys/local-key.js';
import type { AuditEvent } from '../../src/pipeline/audit-record/audit-event.js';
import {
  checkpointNote,
  makeCheckpoint,
  parseCheckpointNote,
  type CheckpointEvent,
} from '../../src/pipeline/audit-record/checkpoint.js';
import { chainRecord, GENESIS_HASH } from '../../src/pipeline/audit-record/hash-chain.js';

const signer = signerFromPrivateKey(generateKeyPairSync('ed25519').privateKey);
const keys = new Map([[signer.kid, signer.publicKey]]);
const ORIGIN = 'writ-audit/prop';
const T0 = 1_767_000_000_000;

type Item = { kind: 'event'; event: AuditEvent } | { kind: 'checkpoint' };

/** Chains items; a checkpoint item is signed over the head by `sign` (the attacker cannot, so re-uses sig). */
function chain(
  items: readonly Item[],
  oldSigs?: ReadonlyMap<number, CheckpointEvent>,
): {
  lines: string[];
  checkpoints: Map<number, CheckpointEvent>;
} {
  let prev = GENESIS_HASH;
  const lines: string[] = [];
  const checkpoints = new Map<number, CheckpointEvent>();
  items.forEach((item, i) => {
    const seq = i + 1;
    let event: AuditEvent;
    if (item.kind === 'event') event = item.event;
    else {
      const genuine = makeCheckpoint(signer, ORIGIN, seq - 1, prev);
      // The attacker (oldSigs given) writes the new size and head but has only the old signature.
      const old = oldSigs?.get(i);
      event = old === undefined ? genuine : { ...genuine, sig: old.sig };
      checkpoints.set(i, event as CheckpointEvent);
    }
    const { record, line } = chainRecord(prev, seq, T0 + i, event);
    prev = record.hash;
    lines.push(line.slice(0, -1));
  });
  return { lines, checkpoints };
}

const text = (lines: readonly string[]) => lines.map((l) => `${l}\n`).join('');
const verify = (
  lines: readonly string[],
  extra: Parameters<typeof verifyAuditText>[1] = {},
): Promise<AuditVerdict> => verifyAuditText([text(lines)], { keys, ...extra });

/** 3..24 events with a checkpoint after every `every` events, and at least one checkpoint. */
const logs = fc
  .record({ n: fc.integer({ min: 3, max: 24 }), every: fc.integer({ min: 1, max: 6 }) })
  .map(({ n, every }) => {
    const items: Item[] = [];
    for (let i = 0; i < n; i++) {
      items.push({ kind: 'event', event: { type: 'audit.started', i, note: `e${i}` } });
      if ((i + 1) % every === 0) items.push({ kind: 'checkpoint' });
    }
    if (items.at(-1)?.kind !== 'checkpoint') items.push({ kind: 'checkpoint' });
    return items;
  });

/** Indices (into items) of records covered by some checkpoint: strictly before the last checkpoint. */
const lastCheckpoint = (items: readonly Item[]) => items.map((x) => x.kind).lastIndexOf('checkpoint');
/** The line (1-based) of the first checkpoint at or after index i. */
const firstCheckpointFrom = (items: readonly Item[], i: number) =>
  items.findIndex((x, j) => j >= i && x.kind === 'checkpoint') + 1;

/** Re-chains attacked items and expects the failure at the first checkpoint covering the change. */
async function expectCaughtAfterRechain(
  original: readonly Item[],
  attacked: readonly Item[],
  changedAt: number,
): Promise<void> {
  const { checkpoints } = chain(original);
  // Map old signatures onto the attacked list's checkpoint positions, in order.
  const oldSigs = new Map<number, CheckpointEvent>();
  const oldList = [...checkpoints.values()];
  attacked.forEach((x, i) => {
    if (x.kind === 'checkpoint') oldSigs.set(i, oldList[oldSigs.size]!);
  });
  const v = await verify(chain(attacked, oldSigs).lines);
  expect(v.ok).toBe(false);
  expect(v.firstBad!.problem).toBe('bad-checkpoint');
  expect(v.firstBad!.line).toBe(firstCheckpointFrom(attacked, changedAt));
}

describe('audit checkpoints (properties)', () => {
  it('an intact checkpointed log verifies', async () => {
    await fc.assert(
      fc.asyncProperty(logs, async (items) => {
        const v = await verify(chain(items).lines);
        expect(v.ok).toBe(true);
        expect(v.uncovered).toBe(0);
      }),
      { numRuns: 60 },
    );
  });

  it('a re-chained mutation of a covered record is caught at the covering checkpoint', async () => {
    await fc.assert(
      fc.asyncProperty(logs, fc.nat(), async (items, a) => {
        const covered = items.flatMap((x, i) => (x.kind === 'event' && i < lastCheckpoint(items) ? [i] : []));
        const i = covered[a % covered.length]!;
        const attacked = items.map((x, j) =>
          j === i && x.kind === 'event'
            ? { kind: 'event' as const, event: { ...x.event, note: 'forged' } }
            : x,
        );
        await expectCaughtAfterRechain(items, attacked, i);
      }),
      { numRuns: 60 },
    );
  });

  it('a re-chained insertion, deletion or reordering before a checkpoint is caught there', async () => {
    await fc.assert(
      fc.asyncProperty(
        logs,
        fc.nat(),
        fc.nat(),
        fc.constantFrom('insert', 'delete', 'swap'),
        async (items, a, b, op) => {
          const last = lastCheckpoint(items);
          const evIdx = items.flatMap((x, i) => (x.kind === 'event' && i < last ? [i] : []));
          const i = evIdx[a % evIdx.length]!;
          const attacked = [...items];
          let changedAt = i;
          if (op === 'insert')
            attacked.splice(i, 0, { kind: 'event', event: { type: 'audit.started', note: 'x' } });
          else if (op === 'delete') attacked.splice(i, 1);
          else {
            const j = evIdx[b % evIdx.length]!;
            const x = attacked[i]!;
            const y = attacked[j]!;
            fc.pre(i !== j && JSON.stringify(x) !== JSON.stringify(y));
            attacked[i] = y;
            attacked[j] = x;
            changedAt = Math.min(i, j);
          }
          await expectCaughtAfterRechain(items, attacked, changedAt);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('a one-character edit anywhere, without re-chaining, is caught at its line', async () => {
    await fc.assert(
      fc.asyncProperty(logs, fc.nat(), fc.nat(), async (items, a, b) => {
        const lines = chain(items).lines;
        const idx = a % lines.length;
        const line = lines[idx]!;
        const pos = b % line.length;
        lines[idx] = line.slice(0, pos) + (line[pos] === 'x' ? 'y' : 'x') + line.slice(pos + 1);
        const v = await verify(lines);
        expect(v.ok).toBe(false);
        expect(v.firstBad!.line).toBe(idx + 1);
      }),
      { numRuns: 60 },
    );
  });

  it('truncation after a checkpoint is caught against that checkpoint held outside the log', async () => {
    await fc.assert(
      fc.asyncProperty(logs, fc.nat(), async (items, a) => {
        const { lines, checkpoints } = chain(items);
        const ckIdx = [...checkpoints.keys()];
        const at = ckIdx[a % ckIdx.length]!;
        const note = parseCheckpointNote(checkpointNote(checkpoints.get(at)!, signer.publicKey), (k) =>
          keys.get(k),
        );
        expect(note.size).toBe(at); // the checkpoint at line at+1 covers records 1..at
        const keep = a % at; // cut off at least one record the checkpoint covers
        const v = await verify(lines.slice(0, keep), { checkpoints: [note] });
        expect(v.ok).toBe(false);
        expect(v.firstBad!.problem).toBe('missing-checkpoint');
        // The untruncated log contains the checkpoint's head.
        expect((await verify(lines, { checkpoints: [note] })).ok).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('a checkpoint signed by an unknown key is refused', async () => {
    const items: Item[] = [{ kind: 'event', event: { type: 'audit.started' } }, { kind: 'checkpoint' }];
    const other = signerFromPrivateKey(generateKeyPairSync('ed25519').privateKey);
    const v = await verifyAuditText([text(chain(items).lines)], {
      keys: new Map([[other.kid, other.publicKey]]),
    });
    expect(v.firstBad).toMatchObject({ line: 2, problem: 'unknown-key' });
  });
});
