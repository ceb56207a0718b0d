/**
 * Issue 15, F4 (the shell reading is not bash's), over real gRPC against the default pack: every hostile
 * line of eval/shell-hostile.ts and generated variants are denied; the benign lines are still allowed.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BENIGN_SHELL, hostileShellCommands } from '../../eval/shell-hostile.js';
import { structField } from '../../src/cli/check-client.js';
import { scenarioCheckRequest } from '../../src/cli/scenario.js';
import type { CheckResponse } from '../../src/extauthz/envoy-types.js';
import { startTestWrit, type TestWrit } from '../support/writ-server.js';

let t: TestWrit;
beforeAll(async () => {
  t = await startTestWrit({ 'max-body-bytes': String(2 * 1024 * 1024) });
});
afterAll(async () => t.stop());

function runShell(command: string): Promise<CheckResponse> {
  return t.check.check(scenarioCheckRequest({ mcp: { tool: 'run_shell', arguments: { command } } }));
}

/** Sends every line, a few at a time, and returns the ones that were allowed. */
async function allowedOf(lines: readonly string[]): Promise<string[]> {
  const allowed: string[] = [];
  for (let i = 0; i < lines.length; i += 16) {
    const batch = lines.slice(i, i + 16);
    const res = await Promise.all(batch.map(runShell));
    res.forEach((r, j) => {
      if (r.status.code === 0) allowed.push(batch[j]!);
    });
  }
  return allowed;
}

const FAMILIES = [
  'hash-in-word',
  'long-input',
  'substitution',
  'dangerous-option',
  'redirection',
  'unreadable',
];

describe('F4 over gRPC, default pack', () => {
  for (const family of FAMILIES) {
    it(`denies every ${family} line`, async () => {
      const lines = hostileShellCommands()
        .filter((h) => h.family === family)
        .map((h) => h.command);
      expect(lines.length).toBeGreaterThan(10);
      expect((await allowedOf(lines)).map((l) => l.slice(0, 120))).toEqual([]);
    });
  }

  it('names the reason when a line cannot be read', async () => {
    for (const [line, code] of [
      ["ls 'unterminated; rm -rf /", 'ERR_SHELL_SYNTAX'],
      ['echo $(rm -rf /', 'ERR_SHELL_SYNTAX'],
      ['((a; b))', 'ERR_SHELL_UNSUPPORTED'],
      ['echo ' + '$('.repeat(80) + ')'.repeat(80), 'ERR_SHELL_LIMIT'],
    ] as const) {
      const res = await runShell(line);
      expect(res.status.code).toBe(7);
      expect(structField(res, 'writ_code')).toBe(code);
    }
  });

  it('denies generated variants: a hidden command behind a word with #, a substitution, or a long prefix', async () => {
    const leader = fc.constantFrom('ls', 'cat', 'echo', 'grep a', 'head', 'wc -l', 'date', 'jq .');
    const program = fc.constantFrom('rm', 'sh', 'curl', 'python3', 'nc');
    // Ways of spelling the program that bash reads as the same word.
    const spelled = fc
      .tuple(program, fc.nat(4))
      .map(([p, k]) => [p, `'${p}'`, `"${p}"`, `\\${p}`, `$'${p}'`][k]!);
    const hide = fc.oneof(
      fc
        .tuple(
          fc.constantFrom('x#', 'a#b', '"a"#', "'#'#", '${x#y}', '$#'),
          fc.constantFrom(';', '&&', '||', '|', '&', '\n'),
        )
        .map(
          ([w, sep]) =>
            (p: string) =>
              `${w}${sep}${p} -x`,
        ),
      fc.constantFrom('"$(', '"`', '"${y:-$(', '$((1+$(', '<(', '>(').map((open) => (p: string) => {
        const close = { '"$(': ')"', '"`': '`"', '"${y:-$(': ')}"', '$((1+$(': ')))', '<(': ')', '>(': ')' }[
          open
        ];
        return `${open}${p} -x${close}`;
      }),
      fc.integer({ min: 8_200, max: 40_000 }).map((n) => (p: string) => `${'a '.repeat(n)}; ${p} -x`),
    );
    const lines = fc.sample(
      fc.tuple(leader, hide, spelled).map(([l, h, p]) => `${l} ${h(p)}`),
      { numRuns: 120, seed: 15 },
    );
    expect((await allowedOf(lines)).map((l) => l.slice(0, 120))).toEqual([]);
  });

  it('covers every family of the hostile set', () => {
    expect([...new Set(hostileShellCommands().map((h) => h.family))].sort()).toEqual([...FAMILIES].sort());
  });

  it('denies generated variants of options that run code or write files, and of file writes', async () => {
    const gitRisky = fc.constantFrom(
      '-c core.pager=id',
      '-c alias.l=!id',
      '--exec-path=/tmp',
      '--config-env=core.pager=P',
      '-C /tmp',
      '--git-dir=/tmp/x',
    );
    const sub = fc.constantFrom('log', 'status', 'diff', 'show');
    const subRisky = fc.constantFrom(
      '--output=/etc/x',
      '--ext-diff',
      '--textconv',
      '-O/tmp/o',
      '--output /etc/x',
    );
    const quoting = (w: string, k: number) => [w, `'${w}'`, `"${w}"`, w.replace(/^-/, '\\-')][k % 4]!;
    const op = fc.constantFrom('>', '>>', '&>', '&>>', '>|', '1>', '2>', '>&', '<>', '3>');
    const target = fc.constantFrom('/etc/cron.d/x', '~/.bashrc', 'out.txt', '"$HOME/.profile"', '/tmp/x');
    const leader = fc.constantFrom('echo x', 'ls', 'cat a', 'date', 'git status', 'grep -r x .', 'jq . f');
    const lines = fc.sample(
      fc.oneof(
        fc.tuple(gitRisky, sub, fc.nat()).map(([g, s, k]) => `git ${quoting(g, k)} ${s}`),
        fc.tuple(sub, subRisky, fc.nat()).map(([s, r, k]) => `git ${s} ${quoting(r, k)}`),
        fc.tuple(leader, op, target).map(([l, o, t]) => `${l} ${o}${t}`),
        fc.tuple(leader, op, target).map(([l, o, t]) => `{ ${l}; } ${o} ${t}`),
        fc.tuple(leader, op, target).map(([l, o, t]) => `for i in 1; do ${l}; done ${o}${t}`),
      ),
      { numRuns: 150, seed: 4 },
    );
    expect((await allowedOf(lines)).map((l) => l.slice(0, 120))).toEqual([]);
  });

  it('still allows the benign lines it allowed before', async () => {
    const res = await Promise.all(BENIGN_SHELL.map(runShell));
    expect(BENIGN_SHELL.filter((_, i) => res[i]!.status.code !== 0)).toEqual([]);
  });
});
