/** action.command(s): every program a shell argument starts, erring towards naming too many. */
import { describe, expect, it } from 'vitest';
import { argumentCommands, commandNames, OPAQUE_COMMAND } from '../../src/pipeline/policy/shell-commands.js';

describe('commandNames', () => {
  it.each([
    ['ls -la', ['ls']],
    ['ls -la | wc -l', ['ls', 'wc']],
    ['ls; rm -rf /', ['ls', 'rm']],
    ['cat a && curl x || wget y', ['cat', 'curl', 'wget']],
    ['echo $(rm -rf /)', ['echo', 'rm']],
    // After `)` the next word is taken as a program too: over-naming only makes an allowlist stricter.
    ['diff <(ls) x', ['diff', 'ls', 'x']],
    ['FOO=1 BAR=2 ls', ['ls']],
    ['ls > out.txt', ['ls']],
    ['ls\nrm x', ['ls', 'rm']],
    ['a=$(x) rm y', ['x', 'rm']],
    ['echo `id`', [OPAQUE_COMMAND, 'echo']],
    ['/tmp/ls', ['/tmp/ls']],
  ])('%j starts %j', (text, want) => expect(commandNames(text)).toEqual(want));
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
