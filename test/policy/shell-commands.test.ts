/** action.command(s): every program a shell argument starts, read as bash reads it. */
import { describe, expect, it } from 'vitest';
import {
  argumentCommands,
  commandNames,
  UNREADABLE_COMMAND,
} from '../../src/pipeline/policy/shell-commands.js';

describe('commandNames', () => {
  it.each([
    ['ls -la', ['ls']],
    ['ls -la | wc -l', ['ls', 'wc']],
    ['ls; rm -rf /', ['ls', 'rm']],
    ['cat a && curl x || wget y', ['cat', 'curl', 'wget']],
    ['echo $(rm -rf /)', ['echo', 'rm']],
    ['echo "$(rm -rf ~)"', ['echo', 'rm']],
    ['diff <(ls) x', ['diff', 'ls']],
    // Assignments change what later programs do (PATH, GIT_PAGER): they are named, so no allowlist holds them.
    ['FOO=1 BAR=2 ls', ['FOO=', 'BAR=', 'ls']],
    ['PATH=/tmp; ls', ['PATH=', 'ls']],
    ['ls > out.txt', ['ls']],
    ['ls\nrm x', ['ls', 'rm']],
    ['a=$(x) rm y', ['a=', 'rm', 'x']],
    ['echo `id`', ['echo', 'id']],
    ['/tmp/ls', ['/tmp/ls']],
    // `#` starts a comment only at the start of a word.
    ['ls x#;rm -rf /', ['ls', 'rm']],
    ['ls # rm -rf /', ['ls']],
    ['l""s', ['ls']],
    ["$'\\x72\\x6d' -rf /", ['rm']],
    ['$(echo rm) -rf /', ['$(echo rm)', 'echo']],
    ['f() { rm x; }', ['function', 'rm']],
    ['[[ -f x ]] && ls', ['[[', 'ls']],
  ])('%j starts %j', (text, want) => expect(commandNames(text)).toEqual(want));

  it('names an unreadable line so that no allowlist holds it', () => {
    expect(commandNames("ls 'open")).toEqual([UNREADABLE_COMMAND]);
  });

  it('reads past 16 KiB: the whole line is read', () => {
    expect(commandNames(`ls ${'a '.repeat(8300)}; rm -rf / --no-preserve-root`)).toEqual(['ls', 'rm']);
  });
});

describe('argumentCommands', () => {
  it('reads command, cmd and script keys at any depth, and argv lists', () => {
    expect(
      argumentCommands({
        command: 'ls',
        nested: { cmd: 'grep x | jq .' },
        steps: [{ script: 'date' }],
        other: 'rm',
      }),
    ).toEqual(['ls', 'grep', 'jq', 'date']);
    expect(argumentCommands({ command: ['rm', '-rf', '/'] })).toEqual(['rm']);
    expect(argumentCommands('ls')).toEqual([]);
  });
});
