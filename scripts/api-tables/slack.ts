/**
 * Slack Web API: every method of `@slack/web-api`'s `Methods` class (methods.d.ts: the namespaces nest as
 * the method names do, `admin.conversations.archive`), with the `@description` Slack wrote for it, read with
 * the TypeScript parser, and its class from those words: the verb of the method's name and the first verb of
 * its description (docs/adapters.md).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import type { OperationClass } from '../../src/pipeline/model/action.js';
import { classifyOperationWords, operationWords } from '../../src/pipeline/normalize/api/operation-verbs.js';
import { riskierReading } from '../../src/pipeline/model/operation-danger.js';
import { packageDir, packageVersion } from './package-source.js';
import { lit, type ApiTable } from './table.js';

export const SLACK_PACKAGE = '@slack/web-api';
export const SLACK_DOCUMENT = 'dist/methods.d.ts';

/** One method: its name (`chat.postMessage`) and Slack's description of it ('' when it has none). */
export interface SlackMethod {
  readonly name: string;
  readonly description: string;
}

/** The `@description` of a node's JSDoc, whitespace collapsed. */
function descriptionOf(node: ts.Node): string {
  for (const tag of ts.getJSDocTags(node)) {
    if (tag.tagName.text !== 'description') continue;
    const text = typeof tag.comment === 'string' ? tag.comment : ts.getTextOfJSDocComment(tag.comment);
    return (text ?? '').replace(/\s+/g, ' ').trim();
  }
  return '';
}

const METHOD_TYPES = new Set(['MethodWithRequiredArgument', 'MethodWithOptionalArgument']);

function collect(members: ts.NodeArray<ts.Node>, prefix: string, out: SlackMethod[]): void {
  for (const m of members) {
    if (!ts.isPropertyDeclaration(m) && !ts.isPropertySignature(m)) continue;
    if (m.type === undefined || !ts.isIdentifier(m.name)) continue;
    const name = prefix === '' ? m.name.text : `${prefix}.${m.name.text}`;
    if (ts.isTypeLiteralNode(m.type)) collect(m.type.members, name, out);
    else if (
      ts.isTypeReferenceNode(m.type) &&
      ts.isIdentifier(m.type.typeName) &&
      METHOD_TYPES.has(m.type.typeName.text)
    )
      out.push({ name, description: descriptionOf(m) });
  }
}

/**
 * Every method of the Web API the client declares, in declaration order: the declared methods the client
 * binds to a Web API name (`files.uploadV2` is a helper composed of two methods, not one of the API's).
 */
export function slackMethods(): SlackMethod[] {
  const bound = new Set(slackBoundMethodNames());
  return declaredMethods().filter((m) => bound.has(m.name));
}

/** Every method the `Methods` class declares. */
export function declaredMethods(): SlackMethod[] {
  const file = join(packageDir(SLACK_PACKAGE), SLACK_DOCUMENT);
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const out: SlackMethod[] = [];
  source.forEachChild((node) => {
    if (ts.isClassDeclaration(node) && node.name?.text === 'Methods') collect(node.members, '', out);
  });
  if (out.length === 0) throw new Error(`no Methods class in ${SLACK_PACKAGE}/${SLACK_DOCUMENT}`);
  return out;
}

/** Every method name the client binds (`bindApiCall(this, 'chat.postMessage')` in methods.js). */
export function slackBoundMethodNames(): string[] {
  const js = readFileSync(join(packageDir(SLACK_PACKAGE), 'dist', 'methods.js'), 'utf8');
  return [...js.matchAll(/bindApiCall(?:WithOptionalArgument)?\(this, '([^']+)'\)/g)].map((m) => m[1]!);
}

/** Namespaces whose every method changes or exposes who may do what: org administration and token minting. */
const ADMIN_NAMESPACES: ReadonlySet<string> = new Set(['admin', 'oauth', 'openid']);

/** `Sends` -> `send`, `Archives` -> `archive`, `Lists` -> `list`: the description's verb, unconjugated. */
function describedClass(description: string): OperationClass | null {
  const words = operationWords(description);
  const first = words[0];
  if (first === undefined) return null;
  // "Returns a list of ..." says what the call gives back: a read, whatever `return` means as a name's verb.
  if (first === 'returns') return 'read';
  for (const verb of [first, first.replace(/s$/, ''), first.replace(/es$/, '')]) {
    const cls = classifyOperationWords([verb, ...words.slice(1)]);
    if (cls !== null) return cls;
  }
  return null;
}

/** The class of a method from its name's verb (the last segment: `postMessage`, `kick`, `lookupByEmail`). */
function namedClass(name: string): OperationClass | null {
  return classifyOperationName(name.slice(name.lastIndexOf('.') + 1));
}

function classifyOperationName(segment: string): OperationClass | null {
  return classifyOperationWords(operationWords(segment));
}

export type SlackClassified =
  | { readonly m: SlackMethod; readonly operation: OperationClass; readonly kind: string }
  | { readonly m: SlackMethod; readonly unclassified: string };

/**
 * A method's class: the riskier of what its name and its description say; neither saying: unclassified.
 * Two rules of Slack's own shape on top: a method of `admin.*`, `oauth.*` or `openid.*` is `admin` (a delete
 * stays a delete), and a `chat.*` method that changes anything puts words in front of people (`postMessage`,
 * `scheduleMessage`, `update`, `meMessage`, `startStream`): a send.
 */
export function classifySlack(m: SlackMethod): SlackClassified {
  const byName = namedClass(m.name);
  const byDescription = describedClass(m.description);
  let cls =
    byName === null ? byDescription : byDescription === null ? byName : riskierReading(byName, byDescription);
  const namespace = m.name.slice(0, m.name.indexOf('.'));
  const kind = m.name.slice(0, m.name.lastIndexOf('.'));
  if (ADMIN_NAMESPACES.has(namespace)) return { m, operation: cls === 'delete' ? 'delete' : 'admin', kind };
  if (cls === null)
    return { m, unclassified: `no verb in the name or in the description "${m.description}"` };
  if (namespace === 'chat' && (cls === 'write' || cls === 'exec')) cls = 'send';
  return { m, operation: cls, kind };
}

const row = (r: readonly string[]): string => `  [${r.map(lit).join(', ')}],`;

function renderSlack(): string {
  const version = packageVersion(SLACK_PACKAGE);
  const classified = slackMethods().map(classifySlack);
  const methods = classified.flatMap((c) => ('unclassified' in c ? [] : [[c.m.name, c.operation, c.kind]]));
  const unclassified = classified.flatMap((c) => ('unclassified' in c ? [[c.m.name, c.unclassified]] : []));
  return `/**
 * GENERATED by scripts/generate-api-tables.ts from ${SLACK_PACKAGE} ${version} (${SLACK_DOCUMENT}): do not
 * edit. Every method of the Slack Web API as [method, class, kind]; the class is derived from the method's
 * name and Slack's description of it (scripts/api-tables/slack.ts, docs/adapters.md).
 */
import type { OperationClass } from '../../../model/action.js';

/** The description the table was generated from (the package version is pinned in package.json). */
export const SLACK_SOURCE = {
  package: ${lit(SLACK_PACKAGE)},
  version: ${lit(version)},
  document: ${lit(SLACK_DOCUMENT)},
  operations: ${classified.length},
} as const;

/** The classified methods: name, class, kind (the namespace: \`chat\`, \`admin.conversations\`). */
export const SLACK_METHODS: ReadonlyArray<readonly [string, OperationClass, string]> = [
${methods.map(row).join('\n')}
];

/** Methods neither whose name nor whose description holds a verb writ knows: read as the most dangerous class. */
export const SLACK_UNCLASSIFIED: ReadonlyArray<readonly [string, string]> = [
${unclassified.map(row).join('\n')}
];
`;
}

/** The Slack Web API method table. */
export const slackTable: ApiTable = { file: 'slack-methods.ts', render: renderSlack };
