/**
 * One home for "which program a command line runs" (shell/command-wrappers.ts): the inspectors' split
 * (inspect/lib/shell-words.ts) and the typed adapters' CLI readers (normalize/api/shell-invocations.ts) look
 * through the same wrappers, so they name the same program for every line.
 */
import { describe, expect, it } from 'vitest';
import { splitCommands, programName } from '../../src/pipeline/inspect/lib/shell-words.js';
import { programInvocations } from '../../src/pipeline/normalize/api/shell-invocations.js';
import { programIndex } from '../../src/pipeline/shell/command-wrappers.js';

const LINES = [
  'kubectl delete ns prod',
  'sudo -E env KUBECONFIG=/k timeout 5 kubectl delete ns prod',
  'timeout 2.5s aws s3 rm s3://b --recursive',
  'watch -n 5 kubectl get pods',
  'nice -n 10 ionice -c 3 redis-cli FLUSHALL',
  'A=1 B=2 helm uninstall app',
  'doas nohup rm -rf /tmp/x',
  '/usr/local/bin/az group delete -n rg',
];

describe('command wrappers: one reading of the program a line runs', () => {
  it('finds the program after wrappers, their options, assignments and durations', () => {
    expect(programIndex(['sudo', '-E', 'env', 'A=1', 'timeout', '5', 'rm', '-rf', '/'])).toBe(6);
    expect(programIndex(['timeout', '2.5s', 'kubectl'])).toBe(2);
    expect(programIndex(['watch', '-n', '5', 'kubectl'])).toBe(3);
    expect(programIndex(['kubectl', 'get'])).toBe(0);
    expect(programIndex(['sudo'])).toBe(1);
  });

  it('the inspectors and the typed adapters name the same program for every line', () => {
    for (const line of LINES) {
      const inspected = splitCommands(line).map((c) => programName(c.argv));
      const adapted = programInvocations({ command: line }).map((i) => i.program.toLowerCase());
      expect(adapted, line).toEqual(inspected);
      expect(inspected.length, line).toBe(1);
    }
  });
});
