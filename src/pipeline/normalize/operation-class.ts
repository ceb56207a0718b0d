/** Classifies what a tool call does (read, write, delete, send, exec) from its name and method; SQL is read in ../sql/. */
import type { OperationClass } from '../model/action.js';
import { riskierKnown } from '../model/operation-danger.js';

// Verbs are matched as whole words of the tool name (split on _ - . / and camelCase).
const VERB_CLASSES: ReadonlyArray<readonly [OperationClass, ReadonlySet<string>]> = [
  ['delete', new Set(['delete', 'remove', 'drop', 'destroy', 'purge', 'truncate', 'erase', 'rm', 'unlink'])],
  [
    'exec',
    new Set(['exec', 'execute', 'run', 'shell', 'bash', 'sh', 'spawn', 'eval', 'command', 'terminal']),
  ],
  [
    'send',
    new Set(['send', 'email', 'mail', 'post', 'publish', 'notify', 'message', 'reply', 'forward', 'share']),
  ],
  ['admin', new Set(['grant', 'revoke', 'admin', 'chmod', 'chown', 'permission', 'role', 'policy'])],
  [
    'write',
    new Set([
      'write',
      'update',
      'create',
      'insert',
      'put',
      'set',
      'upload',
      'edit',
      'patch',
      'modify',
      'save',
      'merge',
      'commit',
      'push',
    ]),
  ],
  [
    'read',
    new Set([
      'get',
      'list',
      'read',
      'query',
      'search',
      'select',
      'fetch',
      'find',
      'describe',
      'show',
      'view',
      'download',
      'lookup',
    ]),
  ],
];

/**
 * Splits `deleteUser`, `send_email`, `tools/call` into lower-case words: a capital after a lower-case letter or
 * digit starts a word, anything but a letter or digit (after lower-casing) ends one.
 */
export function toolWords(tool: string): string[] {
  // PERF: every tools/call classifies its name; an ASCII name is split in one pass without a regex (an
  // agent's tool names almost always are), with exactly the words `unicodeToolWords` gives it.
  const words: string[] = [];
  let start = -1;
  let afterLowerOrDigit = false;
  for (let i = 0; i < tool.length; i++) {
    const c = tool.charCodeAt(i);
    if (c > 0x7f) return unicodeToolWords(tool);
    const upper = c >= 65 && c <= 90;
    const lowerOrDigit = (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
    if (upper || lowerOrDigit) {
      if (start === -1) start = i;
      else if (upper && afterLowerOrDigit) {
        words.push(tool.slice(start, i).toLowerCase());
        start = i;
      }
    } else if (start !== -1) {
      words.push(tool.slice(start, i).toLowerCase());
      start = -1;
    }
    afterLowerOrDigit = lowerOrDigit;
  }
  if (start !== -1) words.push(tool.slice(start).toLowerCase());
  return words;
}

/** The same split for any name: lower-casing outside ASCII can make or drop letters (`İ`, the Kelvin sign). */
export function unicodeToolWords(tool: string): string[] {
  return tool
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0);
}

/** Each verb's first class in VERB_CLASSES (the order is the risk order: the first match wins). */
const VERB_RANK: ReadonlyMap<string, number> = new Map(
  VERB_CLASSES.flatMap(([, verbs], rank) => [...verbs].map((verb) => [verb, rank] as const)).reverse(),
);

/**
 * The class implied by a tool name's verbs; the most dangerous verb wins. A pure function of the exact name,
 * cheap enough per call (one split, one lookup per word) that nothing is memoized.
 */
export function classifyToolName(tool: string): OperationClass {
  let best = VERB_CLASSES.length;
  for (const word of toolWords(tool)) {
    const rank = VERB_RANK.get(word);
    if (rank !== undefined && rank < best) best = rank;
  }
  return best === VERB_CLASSES.length ? 'unknown' : VERB_CLASSES[best]![0];
}

/** The class of a plain HTTP call from its method. */
export function classifyHttpMethod(method: string): OperationClass {
  switch (method.toUpperCase()) {
    case 'GET':
    case 'HEAD':
    case 'OPTIONS':
      return 'read';
    case 'DELETE':
      return 'delete';
    case 'POST':
    case 'PUT':
    case 'PATCH':
      return 'write';
    default:
      return 'unknown';
  }
}

/**
 * The operation of a call whose arguments carry SQL: what the SQL does, raised by the tool name's verb. SQL writ
 * cannot read (`unknown`) is never lowered to the tool name's `read`: the call is `unknown` (or `delete`).
 */
export function withSqlOperation(byName: OperationClass, bySql: OperationClass | null): OperationClass {
  if (bySql === null) return byName;
  if (bySql === 'unknown') return byName === 'delete' ? 'delete' : 'unknown';
  return riskierKnown(byName, bySql);
}
