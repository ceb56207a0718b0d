/** writ's one SQL vocabulary: consistent with itself, and the only place that lists SQL calls. */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  PROBE_FUNCTIONS,
  READ_FUNCTIONS,
  SERVER_IDENTITY_FUNCTIONS,
  SIDE_EFFECT_FUNCTIONS,
  STATEMENT_CLASSES,
  TIME_FUNCTIONS,
  WRITE_WORDS,
} from '../../src/pipeline/sql/vocabulary.js';

const SRC = join(import.meta.dirname, '..', '..', 'src');
const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );

describe('SQL vocabulary', () => {
  it('lists every name lower-case and never calls a side-effecting function a read', () => {
    for (const set of [PROBE_FUNCTIONS, READ_FUNCTIONS, TIME_FUNCTIONS, SERVER_IDENTITY_FUNCTIONS])
      for (const name of set) expect(name).toBe(name.toLowerCase());
    for (const name of SIDE_EFFECT_FUNCTIONS.keys()) expect(READ_FUNCTIONS.has(name), name).toBe(false);
    for (const name of TIME_FUNCTIONS) expect(READ_FUNCTIONS.has(name), name).toBe(false);
  });

  it('probes include every server identity call; every write word starts a statement that is not a read', () => {
    for (const name of SERVER_IDENTITY_FUNCTIONS) expect(PROBE_FUNCTIONS.has(name)).toBe(true);
    for (const [word, cls] of WRITE_WORDS) {
      expect(cls).not.toBe('read');
      if (STATEMENT_CLASSES.has(word)) expect(STATEMENT_CLASSES.get(word), word).not.toBe('read');
    }
  });

  it('is the one home of SQL call names: no other source file lists them', () => {
    // Names only the call vocabulary should hold, as quoted list entries.
    const markers = [
      "'pg_sleep'",
      "'extractvalue'",
      "'dblink_exec'",
      "'pg_terminate_backend'",
      "'gtid_subset'",
    ];
    const holders = files(SRC)
      .filter((f) => markers.some((m) => readFileSync(f, 'utf8').includes(m)))
      .map((f) => relative(SRC, f));
    expect(holders).toEqual([join('pipeline', 'sql', 'vocabulary.ts')]);
  });
});
