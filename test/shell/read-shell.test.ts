/** The bash reading: every simple command anywhere in a line, and a deny code for what cannot be read. */
import { describe, expect, it } from 'vitest';
import { shellArguments, unreadableShellArgument } from '../../src/pipeline/shell/read-shell.js';
import { readShell } from '../../src/pipeline/shell/shell-reader.js';
import type { ShellCommand } from '../../src/pipeline/shell/syntax.js';

function commands(text: string): readonly ShellCommand[] {
  const r = readShell(text);
  if (!r.ok) throw new Error(`${text}: ${r.code} ${r.message}`);
  return r.commands;
}

/** Each command as its words after quote removal (expansions as written). */
const argvs = (text: string) => commands(text).map((c) => c.words.map((w) => w.text));

describe('readShell', () => {
  it.each([
    [
      'ls x#;rm -rf /',
      [
        ['ls', 'x#'],
        ['rm', '-rf', '/'],
      ],
    ],
    [
      'echo a#b && rm -rf /tmp/important',
      [
        ['echo', 'a#b'],
        ['rm', '-rf', '/tmp/important'],
      ],
    ],
    ['ls a#b|sh', [['ls', 'a#b'], ['sh']]],
    ['ls # x; rm -rf /', [['ls']]],
    ['ls;# x\nrm y', [['ls'], ['rm', 'y']]],
    ['echo ${x#y} $#;id', [['echo', '${x#y}', '$#'], ['id']]],
    [
      'echo "$(rm -rf ~)"',
      [
        ['echo', '$(rm -rf ~)'],
        ['rm', '-rf', '~'],
      ],
    ],
    ['echo "`id`"', [['echo', '`id`'], ['id']]],
    ['echo "${y:-$(id)}"', [['echo', '${y:-$(id)}'], ['id']]],
    ['echo $((1 + $(id)))', [['echo', '$((1 + $(id)))'], ['id']]],
    ['cat <(curl x) >(sh)', [['cat', '<(curl x)', '>(sh)'], ['curl', 'x'], ['sh']]],
    ['cat <<EOF\n$(id)\nEOF', [['cat'], ['id']]],
    ["cat <<'EOF'\n$(id)\nEOF", [['cat']]],
    ['cat <<< "$(id)"', [['cat'], ['id']]],
    ["$'\\x72\\x6d' -rf /", [['rm', '-rf', '/']]],
    ['l""s; r\\m x', [['ls'], ['rm', 'x']]],
    ['if a; then b; elif c; then d; else e; fi', [['a'], ['b'], ['c'], ['d'], ['e']]],
    ['for i in $(x); do y "$i"; done', [[], ['x'], ['y', '$i']]],
    ['while a; do b; done; until c; do d; done', [['a'], ['b'], ['c'], ['d']]],
    ['case $x in a|b) c;; *) d;& e) f;;& esac', [['c'], ['d'], ['f']]],
    ['(a; b) && { c; } || d &', [['a'], ['b'], ['c'], ['d']]],
    ['f() { a; }; function g { b; }', [['function', 'f'], ['a'], ['function', 'g'], ['b']]],
    ['coproc a b; coproc N { c; }', [['a', 'b'], [], ['c']]],
    ['time -p ! a | b |& c', [['a'], ['b'], ['c']]],
    ['[[ $x =~ ^(a|b)$ && -f y ]] && z', [['[[', '$x', '=~', '^(a|b)$', '&&', '-f', 'y'], ['z']]],
    ['a=(1 $(b) 3) c', [['c'], ['b']]],
  ])('%j', (text, want) => expect(argvs(text)).toEqual(want));

  it('reads redirections, descriptors and here-doc bodies', () => {
    const [c] = commands('echo x 2>&1 >/dev/null &>> log <<-EOF\n\tbody\n\tEOF');
    expect(c!.redirects.map((r) => [r.fd, r.op, r.target.text, r.body ?? null])).toEqual([
      ['2', '>&', '1', null],
      [null, '>', '/dev/null', null],
      [null, '&>>', 'log', null],
      [null, '<<-', 'EOF', 'body\n'],
    ]);
  });

  it('gives a compound command redirection to every command inside it', () => {
    const cs = commands('{ a; b; } > f; for i in 1; do c; done >> g');
    expect(cs.map((c) => c.redirects.map((r) => r.target.text))).toEqual([['f'], ['f'], ['g'], ['g']]);
  });

  it('marks words bash expands and words that may become options', () => {
    const [c] = commands('x a "b" $y "$y" "-$y" "a$y" a$y *.ts src/*.ts ~/x {a,b} --o=1');
    expect(c!.words.slice(1).map((w) => [w.text, w.literal, w.mayBeOption])).toEqual([
      ['a', true, false],
      ['b', true, false],
      ['$y', false, true],
      ['$y', false, true],
      ['-$y', false, true],
      ['a$y', false, false],
      ['a$y', false, true],
      ['*.ts', false, true],
      ['src/*.ts', false, false],
      ['~/x', false, false],
      ['{a,b}', false, true],
      ['--o=1', true, true],
    ]);
  });

  it('reads the whole line, however long', () => {
    const cs = commands(`ls ${'a '.repeat(60_000)}; rm -rf / --no-preserve-root`);
    expect(cs.map((c) => c.words[0]?.text)).toEqual(['ls', 'rm']);
  });

  it.each([
    ["ls 'open", 'ERR_SHELL_SYNTAX'],
    ['ls "open', 'ERR_SHELL_SYNTAX'],
    ['echo $(rm -rf /', 'ERR_SHELL_SYNTAX'],
    ['echo `id', 'ERR_SHELL_SYNTAX'],
    ["echo $'open", 'ERR_SHELL_SYNTAX'],
    ['echo ${x', 'ERR_SHELL_SYNTAX'],
    ['cat <<EOF\nno end', 'ERR_SHELL_SYNTAX'],
    ['cat <<EOF', 'ERR_SHELL_SYNTAX'],
    ['ls &&', 'ERR_SHELL_SYNTAX'],
    ['ls )', 'ERR_SHELL_SYNTAX'],
    ['; ls', 'ERR_SHELL_SYNTAX'],
    ['if a; then b', 'ERR_SHELL_SYNTAX'],
    ['{ a; }}', 'ERR_SHELL_SYNTAX'],
    ['echo @(a)', 'ERR_SHELL_SYNTAX'],
    ['((a; b))', 'ERR_SHELL_UNSUPPORTED'],
    ['echo $((a) )', 'ERR_SHELL_UNSUPPORTED'],
    ['echo ' + '$('.repeat(100) + ')'.repeat(100), 'ERR_SHELL_LIMIT'],
  ])('%j cannot be read: %s', (text, code) => {
    const r = readShell(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.code).toBe(code);
  });
});

describe('shellArguments', () => {
  it('finds command, cmd and script at any depth, with their paths', () => {
    const found = shellArguments({
      command: 'ls',
      steps: [{ cmd: ['rm', '-rf', '/'] }],
      x: { script: "a 'b" },
    });
    expect(found.map((f) => [f.path, f.reading.ok])).toEqual([
      ['arguments.command', true],
      ['arguments.steps[0].cmd', true],
      ['arguments.x.script', false],
    ]);
    expect(unreadableShellArgument({ x: { script: "a 'b" } })).toMatchObject({ code: 'ERR_SHELL_SYNTAX' });
    expect(unreadableShellArgument({ command: ['ls', { a: 1 }] })).toMatchObject({
      code: 'ERR_SHELL_UNSUPPORTED',
    });
    expect(unreadableShellArgument({ command: 'ls -la' })).toBeNull();
  });
});
