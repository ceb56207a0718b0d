/**
 * Gmail API: the method-and-path table read from the generated client in `@googleapis/gmail` (Google's
 * discovery document compiled to TypeScript: each method's url, HTTP method and resource path), read with the
 * TypeScript parser, not by pattern. Each method's class comes from Google's own words: the HTTP method, the
 * method name (get, list, send, trash, modify...) and the resource it sits under (users.settings.*: who can read
 * or send as the user). docs/adapters.md explains the rules.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import type { OperationClass } from '../../src/pipeline/model/action.js';

const require = createRequire(import.meta.url);

export const SOURCE = { package: '@googleapis/gmail', document: 'v1.ts' } as const;

/** One method of the API: `users.messages.send`, POST, `/gmail/v1/users/{userId}/messages/send`. */
export interface GmailMethod {
  readonly id: string;
  readonly httpMethod: string;
  readonly path: string;
  /** The media-upload path of the same method, when it has one. */
  readonly uploadPath: string | null;
}

export type Classified =
  | { readonly m: GmailMethod; readonly operation: OperationClass; readonly kind: string }
  | { readonly m: GmailMethod; readonly unclassified: string };

function packageDir(): string {
  return dirname(require.resolve(`${SOURCE.package}/package.json`));
}

export function sourceVersion(): string {
  return (JSON.parse(readFileSync(join(packageDir(), 'package.json'), 'utf8')) as { version: string })
    .version;
}

/** The first string literal under a property named `name` of an object literal in `node`. */
function stringUnder(node: ts.Node, name: string): string | null {
  let found: string | null = null;
  const visit = (n: ts.Node): void => {
    if (found !== null) return;
    if (ts.isPropertyAssignment(n) && n.name.getText() === name) {
      const inner = (m: ts.Node): void => {
        if (found !== null) return;
        if (ts.isStringLiteral(m) && m.text.startsWith('/')) found = m.text;
        else if (ts.isStringLiteral(m) && name === 'method') found = m.text;
        ts.forEachChild(m, inner);
      };
      inner(n.initializer);
      return;
    }
    ts.forEachChild(n, visit);
  };
  visit(node);
  return found;
}

/** Every method of the generated client, with its dotted id built from the resource properties. */
export function gmailMethods(): GmailMethod[] {
  const file = ts.createSourceFile(
    'v1.ts',
    readFileSync(join(packageDir(), SOURCE.document), 'utf8'),
    ts.ScriptTarget.Latest,
    true,
  );
  const classes = new Map<string, ts.ClassDeclaration>();
  const visit = (n: ts.Node): void => {
    if (ts.isClassDeclaration(n) && n.name !== undefined) classes.set(n.name.text, n);
    ts.forEachChild(n, visit);
  };
  visit(file);
  /** class name -> dotted resource path, from each class's properties typed as another resource class. */
  const paths = new Map<string, string>();
  const walk = (className: string, path: string): void => {
    const cls = classes.get(className);
    if (cls === undefined) return;
    paths.set(className, path);
    for (const member of cls.members) {
      if (!ts.isPropertyDeclaration(member) || member.type === undefined) continue;
      const type = member.type.getText();
      if (!type.startsWith('Resource$')) continue;
      const prop = member.name.getText();
      walk(type, path === '' ? prop : `${path}.${prop}`);
    }
  };
  walk('Gmail', '');
  const out: GmailMethod[] = [];
  for (const [className, path] of paths) {
    const cls = classes.get(className);
    if (cls === undefined || path === '') continue;
    for (const member of cls.members) {
      if (!ts.isMethodDeclaration(member) || member.body === undefined) continue;
      const url = stringUnder(member.body, 'url');
      const httpMethod = stringUnder(member.body, 'method');
      if (url === null || httpMethod === null) continue;
      out.push({
        id: `${path}.${member.name.getText()}`,
        httpMethod: httpMethod.toUpperCase(),
        path: url,
        uploadPath: stringUnder(member.body, 'mediaUrl'),
      });
    }
  }
  return out;
}

const READ_VERBS = new Set(['get', 'list', 'getProfile']);
const DELETE_VERBS = new Set(['delete', 'batchDelete', 'trash']);
const SEND_VERBS = new Set(['send']);
const CHANGE_VERBS = new Set([
  'create',
  'insert',
  'import',
  'update',
  'patch',
  'modify',
  'batchModify',
  'delete',
  'send',
  'trash',
  'untrash',
  'watch',
  'stop',
]);

/** Classifies one method from Google's own words. */
export function classify(m: GmailMethod): Classified {
  const parts = m.id.split('.');
  const verb = parts[parts.length - 1] ?? '';
  const resource = parts[parts.length - 2] ?? '';
  const kind = resource;
  const underSettings = parts[1] === 'settings';
  if (m.httpMethod === 'GET') {
    if (CHANGE_VERBS.has(verb) || verb.startsWith('update'))
      return { m, unclassified: `GET whose verb "${verb}" changes state` };
    return { m, operation: 'read', kind };
  }
  if (READ_VERBS.has(verb)) return { m, unclassified: `${m.httpMethod} whose verb "${verb}" reads` };
  if (m.httpMethod === 'DELETE' || DELETE_VERBS.has(verb)) return { m, operation: 'delete', kind };
  if (SEND_VERBS.has(verb)) return { m, operation: 'send', kind };
  // users.settings.*: forwarding addresses, delegates, send-as aliases, filters, auto-forwarding, IMAP/POP and
  // encryption keys decide who reads or sends as the user.
  if (underSettings || verb === 'updateAutoForwarding') return { m, operation: 'admin', kind };
  return { m, operation: 'write', kind };
}
