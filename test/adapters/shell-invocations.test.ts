/**
 * The cloud and cluster CLIs in shell tools, with real bash as the oracle for how a command line splits: bash
 * runs each generated line with `kubectl`, `helm`, `aws`, `gcloud`, `az` and `redis-cli` defined as functions
 * that print their arguments (PATH empty, nothing else can run), and writ's reading must name the same
 * program with the same arguments.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { programInvocations } from '../../src/pipeline/normalize/api/shell-invocations.js';

const PROGRAMS = ['kubectl', 'helm', 'aws', 'gcloud', 'az', 'redis-cli'];
const SEP = '\x1f';
const END = '\x1e';

/** Runs the lines in bash; per line, each invocation as [program, ...args]. */
function bashInvocations(lines: readonly string[]): string[][][] {
  const dir = mkdtempSync(join(tmpdir(), 'writ-cli-oracle-'));
  try {
    const defs = PROGRAMS.map(
      (p) => `${p}() { printf '%s' '${p}'; for a in "$@"; do printf '${SEP}%s' "$a"; done; printf '\\n'; }`,
    ).join('\n');
    const script = `${defs}\n` + lines.map((l) => `( ${l}\n) 2>/dev/null; printf '${END}\\n'`).join('\n');
    const r = spawnSync('/bin/bash', ['--norc', '--noprofile', '-c', script], {
      cwd: dir,
      env: { PATH: '' },
      encoding: 'utf8',
    });
    const chunks = r.stdout.split(`${END}\n`);
    return lines.map((_, i) =>
      (chunks[i] ?? '')
        .split('\n')
        .filter((l) => l.length > 0)
        .map((l) => l.split(SEP))
        // Lines other commands print (`echo done`) are not invocations.
        .filter((words) => PROGRAMS.includes(words[0] ?? '')),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A word quoted one of the ways bash reads back to the same word. */
function quoted(word: string, how: number): string {
  switch (how) {
    case 0:
      return /^[A-Za-z0-9_./:=,@%+-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
    case 1:
      return `'${word.replaceAll("'", "'\\''")}'`;
    case 2:
      return `"${word.replace(/(["\\$`])/g, '\\$1')}"`;
    default:
      return word.replace(/([^A-Za-z0-9_./:=,@%+-])/g, '\\$1');
  }
}

const WORD = fc.oneof(
  fc.constantFrom(
    'delete',
    'ns',
    'prod',
    '-n',
    '--namespace=prod',
    'deploy',
    '--all',
    's3',
    'rm',
    's3://b/k',
    'FLUSHALL',
    'group',
    '-g',
    'rg prod',
    "it's",
    'a"b',
    '$HOME',
    '*',
    '--',
    '-it',
  ),
  fc.string({ minLength: 1, maxLength: 8 }).filter((s) => !/[\0\n\r]/.test(s)),
);

const LINE = fc.record({
  program: fc.constantFrom(...PROGRAMS),
  args: fc.array(fc.tuple(WORD, fc.integer({ min: 0, max: 3 })), { maxLength: 6 }),
  prefix: fc.constantFrom('', 'A=1 ', 'FOO="x y" '),
  // A pipe into a builtin loop (no `cat` can run here) passes the function's output on.
  after: fc.constantFrom(
    '',
    '; true',
    ' && echo done',
    ' | while IFS= read -r l; do printf \'%s\\n\' "$l"; done',
  ),
});

describe('CLI invocations split as bash splits them', () => {
  it('names the same program and arguments as bash for generated lines', () => {
    const samples = fc.sample(LINE, { numRuns: 300, seed: 21 });
    const lines = samples.map(
      (s) => `${s.prefix}${s.program} ${s.args.map(([w, h]) => quoted(w, h)).join(' ')}${s.after}`,
    );
    const oracle = bashInvocations(lines);
    let compared = 0;
    lines.forEach((line, i) => {
      const ours = programInvocations({ command: line }).filter((inv) => PROGRAMS.includes(inv.program));
      const theirs = oracle[i]!;
      // Only lines whose words bash passes unexpanded are compared word for word (`$HOME` and `*` expand).
      if (ours.some((inv) => !inv.literal)) return;
      expect(
        ours.map((inv) => [inv.program, ...inv.args]),
        line,
      ).toEqual(theirs);
      compared++;
    });
    expect(compared).toBeGreaterThan(150);
  });

  it('looks through wrappers and bash -c as bash runs them', () => {
    const lines = [
      "sudo -E env KUBECONFIG=/k timeout 30 kubectl -n 'prod-eu' delete deploy --all",
      "bash -c 'kubectl delete ns prod'",
      'nohup helm uninstall api -n prod &',
      'sh -c "aws s3 rm \'s3://b/a b\' --recursive"',
    ];
    const ours = lines.map((l) =>
      programInvocations({ command: l }).map((inv) => [inv.program, ...inv.args]),
    );
    expect(ours).toEqual([
      [['kubectl', '-n', 'prod-eu', 'delete', 'deploy', '--all']],
      [['kubectl', 'delete', 'ns', 'prod']],
      [['helm', 'uninstall', 'api', '-n', 'prod']],
      [['aws', 's3', 'rm', 's3://b/a b', '--recursive']],
    ]);
    // bash, with the wrappers defined to run their command, agrees on the inner invocations.
    const oracle = bashInvocations([
      "kubectl -n 'prod-eu' delete deploy --all",
      "eval 'kubectl delete ns prod'",
      'helm uninstall api -n prod',
      'eval "aws s3 rm \'s3://b/a b\' --recursive"',
    ]);
    expect(oracle).toEqual(ours);
  });
});
