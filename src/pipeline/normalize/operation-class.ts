/** Classifies what a tool call does (read, write, delete, send, exec) from its name, method and SQL. */
import type { OperationClass } from '../model/action.js';
import { BoundedCache } from './bounded-cache.js';

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

const SQL_CLASSES: Readonly<Record<string, OperationClass>> = {
  select: 'read',
  with: 'read',
  show: 'read',
  explain: 'read',
  describe: 'read',
  insert: 'write',
  update: 'write',
  upsert: 'write',
  merge: 'write',
  replace: 'write',
  copy: 'write',
  delete: 'delete',
  drop: 'delete',
  truncate: 'delete',
  alter: 'admin',
  grant: 'admin',
  revoke: 'admin',
  create: 'write',
};

/** Splits `deleteUser`, `send_email`, `tools/call` into lower-case words. */
export function toolWords(tool: string): string[] {
  return tool
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0);
}

function classifyWords(tool: string): OperationClass {
  const words = toolWords(tool);
  for (const [cls, verbs] of VERB_CLASSES) if (words.some((w) => verbs.has(w))) return cls;
  return 'unknown';
}

// An agent calls the same few tools over and over; the class is a pure function of the exact name.
const toolClasses = new BoundedCache<OperationClass>(1024, 256);

/** The class implied by a tool name's verbs; the most dangerous verb wins. */
export function classifyToolName(tool: string): OperationClass {
  return toolClasses.get(tool, classifyWords);
}

const LEADING_COMMENTS = /^(\s*(--[^\n]*\n|\/\*[^]*?\*\/))*/;
// Sticky, started where the comments end: the same as anchoring on the stripped text, without copying it.
const FIRST_KEYWORD = /[\s(]*([A-Za-z]+)/y;

/** The class of a SQL statement from its first keyword (a stacked statement is classified by the inspector). */
export function classifySql(sql: string): OperationClass | null {
  FIRST_KEYWORD.lastIndex = LEADING_COMMENTS.exec(sql)?.[0].length ?? 0;
  const match = FIRST_KEYWORD.exec(sql);
  const keyword = match?.[1]?.toLowerCase();
  // Own keys only: `constructor` or `toString` is not a SQL verb.
  return keyword !== undefined && Object.hasOwn(SQL_CLASSES, keyword) ? (SQL_CLASSES[keyword] ?? null) : null;
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

const RANK: Readonly<Record<OperationClass, number>> = {
  unknown: 0,
  read: 1,
  write: 2,
  send: 3,
  exec: 4,
  admin: 5,
  delete: 6,
};

/** The more dangerous of two classes (a `query_db` tool running DELETE is a delete). */
export function riskier(a: OperationClass, b: OperationClass | null): OperationClass {
  if (b === null) return a;
  return RANK[b] > RANK[a] ? b : a;
}
