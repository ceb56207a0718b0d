/** Shell allowlists: entries constrain arguments and redirections, load problems carry file:line:column. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluatePolicy } from '../../src/pipeline/policy/evaluate.js';
import { compilePolicySources, PolicyLoadError } from '../../src/pipeline/policy/load.js';
import { makeAction } from '../support/make-action.js';

const head = 'apiVersion: writ.dev/v1\n';

function problems(text: string): string[] {
  try {
    compilePolicySources([{ name: 'p.yaml', text }]);
  } catch (err) {
    if (err instanceof PolicyLoadError)
      return err.problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.message}`);
    throw err;
  }
  return [];
}

const allowRule = `rules:
  - id: shell-allow
    effect: allow
    when: { action.tool: run_shell, action.shell: { allowed_by: $tools } }
`;

describe('shell allowlist load problems', () => {
  it.each([
    [
      'an unknown entry field',
      `shell_allowlists:\n  tools:\n    - { program: ls, optons: [-l] }\n`,
      'p.yaml:4:22: shell allowlist "tools" entry 1: unknown field "optons"',
    ],
    [
      'arguments: any with options',
      `shell_allowlists:\n  tools:\n    - { program: ls, arguments: any, options: [-l] }\n`,
      'p.yaml:4:47: shell allowlist "tools" entry 1: arguments: any already allows every option',
    ],
    [
      'a pattern YAML reads as a number',
      `shell_allowlists:\n  tools:\n    - { program: git, subcommands: { log: { options: [-1] } } }\n`,
      'p.yaml:4:54: shell allowlist "tools" entry 1: subcommand "log": options must be a list of glob patterns (quote ones YAML reads as numbers: "-1")',
    ],
    [
      'a subcommand that is an option',
      `shell_allowlists:\n  tools:\n    - { program: git, subcommands: { -c: {} } }\n`,
      'p.yaml:4:38: shell allowlist "tools" entry 1: subcommand "-c": a subcommand is a word, not an option',
    ],
    [
      'a program with a space',
      `shell_allowlists:\n  tools:\n    - { program: "git log" }\n`,
      'p.yaml:4:18: shell allowlist "tools" entry 1: program must be a program name as written',
    ],
    [
      'an allowlist defined twice',
      `shell_allowlists:\n  tools: [{ program: ls }]\n  tools: [{ program: ls }]\n`,
      'p.yaml:4:3: YAML syntax: Map keys must be unique',
    ],
  ])('%s', (_, text, want) => {
    expect(problems(`${head}${text}${allowRule}`).some((p) => p.startsWith(want))).toBe(true);
  });

  it('an allowed_by naming no allowlist is reported at the condition', () => {
    expect(problems(`${head}${allowRule}`)).toEqual([
      'p.yaml:5:51: rule "shell-allow": condition on "action.shell": unknown shell allowlist "$tools" in "allowed_by"',
    ]);
  });

  it('an allow rule on program names alone is a load error: names say nothing about arguments', () => {
    const text = `${head}lists: { ok: [ls, git] }\nrules:\n  - id: names-only\n    effect: allow\n    when: { action.tool: run_shell, action.commands: { all: { in: $ok } } }\n`;
    expect(problems(text)).toEqual([
      'p.yaml:6:37: rule "names-only": an allow rule on "action.commands" allows any arguments and redirections; add "action.shell: { allowed_by: $<shell allowlist> }" (docs/policy.md, shell allowlists)',
    ]);
    // A deny on names stays valid: it only narrows.
    expect(
      problems(
        `${head}lists: { bad: [rm] }\nrules:\n  - id: no-rm\n    effect: deny\n    when: { action.commands: { any: { in: $bad } } }\n`,
      ),
    ).toEqual([]);
  });

  it('loads the example of docs/policy.md', () => {
    const md = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'policy.md'), 'utf8');
    const example = /## Shell allowlists[\s\S]*?```yaml\n([\s\S]*?)```/.exec(md)![1]!;
    expect(problems(`${head}lists: { shell_tools: [run_shell] }\n${example}`)).toEqual([]);
  });
});

describe('shell allowlist matching', () => {
  const set = compilePolicySources([
    {
      name: 'p.yaml',
      text: `${head}shell_allowlists:
  tools:
    - { program: ls, arguments: any }
    - { program: echo, arguments: any }
    - program: sort
      options: [-r, -n, -o]
      operands: any
      writes: ["/tmp/**"]
    - program: git
      options: [--no-pager]
      subcommands:
        log: { options: [--oneline, "-n*", "--format=**", -p, -s], operands: any }
        status: ~
${allowRule}`,
    },
  ]);
  const decide = (command: string) =>
    evaluatePolicy(set, makeAction({ action: { tool: 'run_shell', arguments: { command } } }), []).decision;

  it.each([
    'ls -la',
    'ls -la /tmp | echo x',
    'git log --oneline -n5',
    'git log -ps',
    'git --no-pager log --format=%h/%s -- src',
    'git status',
    'sort -rn x',
    'sort x > /tmp/out',
    'ls 2>&1 >/dev/null',
    'echo "$(ls)"',
    // A computed operand after `--` cannot be an option, and log takes any operand.
    'git log -- "$f"',
  ])('allows %j', (command) => expect(decide(command)).toBe('ALLOW'));

  it.each([
    ['git -c core.pager=id log', 'an option before the subcommand'],
    ['git log --output=/etc/passwd', 'an option the subcommand does not list'],
    ['git log -pO', 'a bundled flag the subcommand does not list'],
    ['git push', 'an unlisted subcommand'],
    ['git status --porcelain', 'a subcommand with no options'],
    ['git status x', 'a subcommand with no operands'],
    ['git $x log', 'a computed word that may be an option'],
    ['git log $(echo --output=x)', 'a substituted option'],
    ['echo x > /etc/cron.d/x', 'a write outside writes'],
    ['echo x >> ~/.bashrc', 'an append'],
    ['echo x &> f', 'a write of both streams'],
    ['echo x >| f', 'a clobbering write'],
    ['echo x >&f', 'a descriptor copy to a file'],
    ['echo x 1<>f', 'a read-write open'],
    ['sort x > /etc/x', 'a write outside the entry globs'],
    ['sort x > "$f"', 'a computed write target'],
    ['{ ls; } > f', 'a compound redirection'],
    ['PATH=/tmp ls', 'an assignment prefix'],
    ['x=1; ls', 'an assignment'],
    ['for PATH in /tmp; do ls; done', 'a loop variable'],
    ['f() { ls; }', 'a function definition'],
    ['[[ -f x ]] && ls', 'a test'],
    ['> f', 'a bare redirection'],
    ['ls; rm -rf /', 'an unlisted program'],
    ['/bin/ls', 'a program spelled differently'],
    ["ls 'open", 'an unreadable line'],
  ])('refuses %j (%s)', (command) => expect(decide(command)).toBe('DENY'));

  it('refuses a call with no command line at all, and one with an argv the list does not allow', () => {
    expect(
      evaluatePolicy(set, makeAction({ action: { tool: 'run_shell', arguments: {} } }), []).decision,
    ).toBe('DENY');
    expect(
      evaluatePolicy(
        set,
        makeAction({ action: { tool: 'run_shell', arguments: { command: ['git', 'push'] } } }),
        [],
      ).decision,
    ).toBe('DENY');
    expect(
      evaluatePolicy(
        set,
        makeAction({ action: { tool: 'run_shell', arguments: { command: ['git', 'status'] } } }),
        [],
      ).decision,
    ).toBe('ALLOW');
  });
});
