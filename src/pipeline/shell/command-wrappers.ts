/**
 * The program a simple command runs once its wrappers are looked through: `sudo -E env A=1 timeout 5 rm`
 * runs `rm`. One home for the wrapper list and the rule, so the inspectors (inspect/lib/shell-words.ts) and
 * the typed adapters' CLI readers (normalize/api/shell-invocations.ts) never disagree on which program a
 * line runs.
 */

/** Programs that run the rest of their arguments as another program. */
export const COMMAND_WRAPPERS: ReadonlySet<string> = new Set([
  'sudo',
  'doas',
  'su',
  'env',
  'nohup',
  'time',
  'command',
  'builtin',
  'exec',
  'nice',
  'ionice',
  'timeout',
  'stdbuf',
  'chroot',
  'xargs',
  'watch',
]);

/** A wrapper's own option, a `VAR=value` assignment, or a duration (`timeout 5`, `timeout 2.5s`). */
const WRAPPER_ARGUMENT = /^(?:-|[A-Za-z_][A-Za-z0-9_]*=|\d+(?:\.\d+)?[smhd]?$)/;
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

/** A word's base name (`/usr/local/bin/kubectl` -> `kubectl`). */
export function baseName(word: string): string {
  return word.slice(word.lastIndexOf('/') + 1);
}

/** The index of the word that names the program the command runs (words.length when there is none). */
export function programIndex(words: readonly string[]): number {
  let i = 0;
  while (i < words.length) {
    const word = words[i]!;
    if (COMMAND_WRAPPERS.has(baseName(word))) {
      i++;
      while (i < words.length && WRAPPER_ARGUMENT.test(words[i]!)) i++;
      continue;
    }
    if (ASSIGNMENT.test(word)) {
      i++;
      continue;
    }
    break;
  }
  return i;
}
