/** Property tests: any mutation, insertion, deletion, reordering or truncation of the chain is caught at the right line. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DecisionEvent } from '../../src/pipeline/audit-record/audit-event.js';
import { chainRecord, GENESIS_HASH, verifyChainText } from '../../src/pipeline/audit-record/hash-chain.js';

function event(i: number, decision: string): DecisionEvent {
  return {
    type: 'decision',
    trace_id: `t${i}`,
    role: 'check',
    decision,
    code: 'POLICY_ALLOW',
    rules: ['r'],
    policy_version: 'v',
    subject: null,
    adapter: 'mcp',
    tool: `tool${i}`,
    operation: 'read',
    method: 'POST',
    host: 'h',
    path: '/mcp',
    query_sha256: null,
    body_sha256: null,
    body_bytes: i,
    action_hash: null,
    token_id: null,
    findings: [],
  };
}

function buildLines(decisions: string[]): string[] {
  let prev = GENESIS_HASH;
  return decisions.map((d, i) => {
    const { record, line } = chainRecord(prev, i + 1, 1_700_000_000_000 + i, event(i, d));
    prev = record.hash;
    return line.slice(0, -1);
  });
}

const joined = (lines: string[]) => lines.map((l) => `${l}\n`).join('');
const chains = fc.array(fc.constantFrom('ALLOW', 'DENY', 'REQUIRE_APPROVAL'), {
  minLength: 2,
  maxLength: 30,
});

describe('audit hash chain', () => {
  it('verifies an intact chain', () => {
    fc.assert(
      fc.property(chains, (ds) => {
        const v = verifyChainText(joined(buildLines(ds)));
        expect(v.ok).toBe(true);
        expect(v.records).toBe(ds.length);
      }),
    );
  });

  it('catches a one-character mutation at its line', () => {
    fc.assert(
      fc.property(chains, fc.nat(), fc.nat(), (ds, a, b) => {
        const lines = buildLines(ds);
        const idx = a % lines.length;
        const line = lines[idx]!;
        const pos = b % line.length;
        const replacement = line[pos] === 'x' ? 'y' : 'x';
        lines[idx] = line.slice(0, pos) + replacement + line.slice(pos + 1);
        const v = verifyChainText(joined(lines));
        expect(v.ok).toBe(false);
        expect(v.firstBad!.line).toBe(idx + 1);
      }),
    );
  });

  it('catches a deleted record at the line after the gap', () => {
    fc.assert(
      fc.property(chains, fc.nat(), (ds, a) => {
        const lines = buildLines(ds);
        const idx = a % (lines.length - 1); // deleting the last line is truncation, checked below
        lines.splice(idx, 1);
        const v = verifyChainText(joined(lines));
        expect(v.ok).toBe(false);
        expect(v.firstBad!.line).toBe(idx + 1);
      }),
    );
  });

  it('catches an inserted record (even a well-formed copy) at its line', () => {
    fc.assert(
      fc.property(chains, fc.nat(), fc.nat(), (ds, a, b) => {
        const original = buildLines(ds);
        const lines = [...original];
        const at = a % (lines.length + 1);
        lines.splice(at, 0, lines[b % lines.length]!);
        const v = verifyChainText(joined(lines));
        expect(v.ok).toBe(false);
        // Inserting a copy of the record already at that position shifts the first difference down.
        const firstDiff = lines.findIndex((l, i) => l !== original[i]);
        expect(v.firstBad!.line).toBe(firstDiff + 1);
      }),
    );
  });

  it('catches reordering at the first moved line', () => {
    fc.assert(
      fc.property(chains, fc.nat(), fc.nat(), (ds, a, b) => {
        const lines = buildLines(ds);
        const i = a % lines.length;
        const j = b % lines.length;
        fc.pre(i !== j);
        [lines[i], lines[j]] = [lines[j]!, lines[i]!];
        const v = verifyChainText(joined(lines));
        expect(v.ok).toBe(false);
        expect(v.firstBad!.line).toBe(Math.min(i, j) + 1);
      }),
    );
  });

  it('reports a torn last line and never accepts it', () => {
    fc.assert(
      fc.property(chains, fc.nat(), (ds, a) => {
        const lines = buildLines(ds);
        const last = lines.pop()!;
        const cut = 1 + (a % (last.length - 1));
        const v = verifyChainText(joined(lines) + last.slice(0, cut));
        expect(v.ok).toBe(false);
        expect(v.firstBad).toMatchObject({ line: ds.length, problem: 'torn-last-line' });
        expect(v.records).toBe(ds.length - 1);
      }),
    );
  });
});
