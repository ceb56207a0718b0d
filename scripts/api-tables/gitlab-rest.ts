/**
 * GitLab REST (`/api/v4`): the method-and-path table from `@gitbeaker/core`, the typed GitLab client whose
 * resource classes spell every endpoint as `RequestHelper.<verb>()(this, endpoint\`projects/${projectId}...\`)`.
 * GitLab publishes its OpenAPI description (`openapi_v2.yaml`) in its own repository, not in the npm registry;
 * gitbeaker's resource definitions are the machine-readable description there. Its `map.json` names every
 * public resource and method; each method's path is read from the client's code with the TypeScript parser
 * (prefixes from the resource constructors, `this.*` fields, local `url` variables, delegation to another
 * method); a path the reader cannot follow exactly is left unclassified, never guessed.
 *
 * Each operation's class comes from the description's own words: the HTTP verb, the verb of gitbeaker's
 * method name (`Projects.remove`, `ProtectedBranches.unprotect`, `PipelineTriggerTokens.trigger`) and the
 * path's words. Where the method and the name disagree (a GET named `remove`, a DELETE named `show`), the
 * operation is left unclassified: writ reads it as an unknown operation (never a read). docs/adapters.md.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import type { OperationClass } from '../../src/pipeline/model/action.js';
import { packageDir, packageVersion } from './package-source.js';

export const GITLAB_PACKAGE = '@gitbeaker/core';
export const GITLAB_DOCUMENT = 'dist/index.mjs';

/** One operation: a resource's method and one path it calls (a method may call one of several paths). */
export interface GitlabOperation {
  readonly method: string;
  /** The path template under `/api/v4`, `{param}` segments named as gitbeaker names them. */
  readonly path: string | null;
  /** `Resource.method`, gitbeaker's own name of the operation. */
  readonly id: string;
  /** Why the path could not be read (when `path` is null). */
  readonly unreadable?: string;
}

export type GitlabClassified =
  | { readonly op: GitlabOperation; readonly operation: OperationClass; readonly kind: string }
  | { readonly op: GitlabOperation; readonly unclassified: string };

const HTTP_OF_HELPER: Readonly<Record<string, string>> = {
  get: 'GET',
  post: 'POST',
  put: 'PUT',
  patch: 'PATCH',
  del: 'DELETE',
};

/** Values an expression may take: alternative path pieces, `{name}` for a parameter; null when unreadable. */
type Values = string[] | null;
type Env = ReadonlyMap<string, string[]>;

interface ClassInfo {
  readonly base: string | null;
  readonly ctorParams: readonly string[];
  readonly superArgs: readonly ts.Expression[] | null;
  /** `this.x = param` in the constructor. */
  readonly fields: ReadonlyMap<string, ts.Expression>;
  readonly methods: ReadonlyMap<string, ts.MethodDeclaration>;
}

function classesOf(sf: ts.SourceFile): Map<string, ClassInfo> {
  const out = new Map<string, ClassInfo>();
  for (const st of sf.statements) {
    if (!ts.isVariableStatement(st)) continue;
    for (const d of st.declarationList.declarations) {
      if (!ts.isIdentifier(d.name) || d.initializer === undefined || !ts.isClassExpression(d.initializer))
        continue;
      const cls = d.initializer;
      const heritage = cls.heritageClauses?.[0]?.types[0]?.expression;
      const base = heritage !== undefined && ts.isIdentifier(heritage) ? heritage.text : null;
      let ctorParams: string[] = [];
      let superArgs: ts.Expression[] | null = null;
      const fields = new Map<string, ts.Expression>();
      const methods = new Map<string, ts.MethodDeclaration>();
      for (const m of cls.members) {
        if (ts.isConstructorDeclaration(m)) {
          ctorParams = m.parameters.map((p) => (ts.isIdentifier(p.name) ? p.name.text : ''));
          for (const s of m.body?.statements ?? []) {
            if (!ts.isExpressionStatement(s)) continue;
            const e = s.expression;
            if (ts.isCallExpression(e) && e.expression.kind === ts.SyntaxKind.SuperKeyword)
              superArgs = [...e.arguments];
            if (
              ts.isBinaryExpression(e) &&
              e.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
              ts.isPropertyAccessExpression(e.left) &&
              e.left.expression.kind === ts.SyntaxKind.ThisKeyword
            )
              fields.set(e.left.name.text, e.right);
          }
        } else if (ts.isMethodDeclaration(m) && ts.isIdentifier(m.name)) methods.set(m.name.text, m);
      }
      out.set(d.name.text, { base, ctorParams, superArgs, fields, methods });
    }
  }
  return out;
}

/** Every combination of the parts' alternatives, concatenated (bounded: a path has few alternatives). */
function concat(parts: readonly Values[]): Values {
  let acc: string[] = [''];
  for (const p of parts) {
    if (p === null) return null;
    acc = acc.flatMap((a) => p.map((b) => a + b));
    if (acc.length > 16) return null;
  }
  return acc;
}

interface Scope {
  /** Names bound to values (parameters as `{name}`, constructor arguments, `this.*` fields as `this.name`). */
  readonly env: Env;
  /** The function whose locals an identifier may name. */
  readonly body: ts.Node | undefined;
}

/**
 * The expressions assigned to a local name in a function body (`let url; if (a) url = ...; else url = ...`),
 * or null when the name is also built up (`url += ...`): the reader does not follow such a value.
 */
function assignmentsOf(body: ts.Node, name: string): ts.Expression[] | null {
  const out: ts.Expression[] = [];
  let builtUp = false;
  const visit = (n: ts.Node): void => {
    if (
      ts.isBinaryExpression(n) &&
      n.operatorToken.kind !== ts.SyntaxKind.EqualsToken &&
      n.operatorToken.kind >= ts.SyntaxKind.FirstCompoundAssignment &&
      n.operatorToken.kind <= ts.SyntaxKind.LastCompoundAssignment &&
      ts.isIdentifier(n.left) &&
      n.left.text === name
    )
      builtUp = true;
    if (
      ts.isVariableDeclaration(n) &&
      ts.isIdentifier(n.name) &&
      n.name.text === name &&
      n.initializer !== undefined
    )
      out.push(n.initializer);
    if (
      ts.isBinaryExpression(n) &&
      n.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
      ts.isIdentifier(n.left) &&
      n.left.text === name
    )
      out.push(n.right);
    ts.forEachChild(n, visit);
  };
  visit(body);
  return builtUp ? null : out;
}

function evaluate(e: ts.Expression, scope: Scope, depth = 0): Values {
  if (depth > 8) return null;
  if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return [e.text];
  if (ts.isParenthesizedExpression(e)) return evaluate(e.expression, scope, depth + 1);
  if (ts.isTaggedTemplateExpression(e))
    return ts.isIdentifier(e.tag) && e.tag.text === 'endpoint'
      ? evaluate(e.template, scope, depth + 1)
      : null;
  if (ts.isTemplateExpression(e))
    return concat([
      [e.head.text],
      ...e.templateSpans.flatMap((s) => [evaluate(s.expression, scope, depth + 1), [s.literal.text]]),
    ]);
  if (ts.isIdentifier(e)) {
    const bound = scope.env.get(e.text);
    if (bound !== undefined) return bound;
    if (scope.body === undefined) return null;
    const assigned = assignmentsOf(scope.body, e.text);
    if (assigned === null || assigned.length === 0) return null;
    const out: string[] = [];
    for (const a of assigned) {
      const v = evaluate(a, scope, depth + 1);
      if (v === null) return null;
      out.push(...v);
    }
    return out;
  }
  if (ts.isPropertyAccessExpression(e) && e.expression.kind === ts.SyntaxKind.ThisKeyword)
    return scope.env.get(`this.${e.name.text}`) ?? null;
  if (ts.isConditionalExpression(e)) {
    const a = evaluate(e.whenTrue, scope, depth + 1);
    const b = evaluate(e.whenFalse, scope, depth + 1);
    return a === null || b === null ? null : [...a, ...b];
  }
  // `["templates", resourceType].join("/")`
  if (
    ts.isCallExpression(e) &&
    ts.isPropertyAccessExpression(e.expression) &&
    e.expression.name.text === 'join' &&
    ts.isArrayLiteralExpression(e.expression.expression)
  ) {
    const sep = e.arguments[0];
    if (sep === undefined || !ts.isStringLiteral(sep)) return null;
    const items = e.expression.expression.elements.map((x) => evaluate(x, scope, depth + 1));
    return concat(items.flatMap((v, i) => (i === 0 ? [v] : [[sep.text], v])));
  }
  return null;
}

/** Parameter names of a method, destructured ones included (`{ projectId, groupId, ...options }`). */
function parameterNames(m: ts.MethodDeclaration): string[] {
  const out: string[] = [];
  const visit = (n: ts.BindingName): void => {
    if (ts.isIdentifier(n)) out.push(n.text);
    else for (const el of n.elements) if (!ts.isOmittedExpression(el)) visit(el.name);
  };
  for (const p of m.parameters) visit(p.name);
  return out;
}

/** The constructor environment of a concrete resource: its prefix and `this.*` fields, walked up its bases. */
function instanceEnv(
  classes: ReadonlyMap<string, ClassInfo>,
  name: string,
): { prefix: Values; env: Map<string, string[]> } {
  const env = new Map<string, string[]>();
  let prefix: Values = [''];
  let args: Values[] = [];
  let current: string | null = name;
  while (current !== null) {
    const info = classes.get(current);
    if (info === undefined) break;
    const local = new Map<string, string[]>();
    info.ctorParams.forEach((p, i) => {
      const v = args[i];
      if (v !== undefined && v !== null) local.set(p, v);
    });
    const scope: Scope = { env: local, body: undefined };
    for (const [field, expr] of info.fields) {
      const v = evaluate(expr, scope);
      if (v !== null && !env.has(`this.${field}`)) env.set(`this.${field}`, v);
    }
    const sup = info.superArgs;
    if (sup === null) break;
    const first = sup[0];
    if (first !== undefined && ts.isObjectLiteralExpression(first)) {
      // `super({ prefixUrl: ..., ...options })`: BaseResource's prefix.
      const p = first.properties.find(
        (x) => ts.isPropertyAssignment(x) && ts.isIdentifier(x.name) && x.name.text === 'prefixUrl',
      );
      prefix = p !== undefined && ts.isPropertyAssignment(p) ? evaluate(p.initializer, scope) : [''];
      break;
    }
    args = sup.map((a) => evaluate(a, scope));
    current = info.base;
  }
  return { prefix, env };
}

/** The method's declaration in a class or its nearest base. */
function findMethod(
  classes: ReadonlyMap<string, ClassInfo>,
  name: string,
  method: string,
): ts.MethodDeclaration | null {
  let current: string | null = name;
  while (current !== null) {
    const info = classes.get(current);
    if (info === undefined) return null;
    const m = info.methods.get(method);
    if (m !== undefined) return m;
    current = info.base;
  }
  return null;
}

/**
 * The path absolute, empty segments dropped, and the project or group it is under named as GitLab's routes
 * name them wherever gitbeaker's shared resources call it something else (`projects/{resourceId}/members`
 * -> `projects/{projectId}/members`), so the family reads the namespace and project of every route.
 */
function scopeParamsNamed(path: string): string {
  const segments = path.split('/').filter((s) => s !== '');
  if (segments[1]?.startsWith('{') === true && segments[1].endsWith('}')) {
    if (segments[0] === 'projects') segments[1] = '{projectId}';
    if (segments[0] === 'groups') segments[1] = '{groupId}';
  }
  return `/${segments.join('/')}`;
}

/** `[method, path]` pairs one method calls (following `this.other(...)` delegation), or the reason it is unreadable. */
function callsOf(
  classes: ReadonlyMap<string, ClassInfo>,
  resource: string,
  method: string,
  instance: { prefix: Values; env: ReadonlyMap<string, string[]> },
  seen: Set<string> = new Set(),
): Array<readonly [string, string]> | string {
  if (seen.has(method)) return 'method delegates to itself';
  seen.add(method);
  const decl = findMethod(classes, resource, method);
  if (decl === null || decl.body === undefined) return 'method not found in the client';
  const env = new Map(instance.env);
  for (const p of parameterNames(decl)) env.set(p, [`{${p}}`]);
  const scope: Scope = { env, body: decl.body };
  const out: Array<readonly [string, string]> = [];
  let problem: string | null = null;
  const visit = (n: ts.Node): void => {
    if (problem !== null) return;
    if (ts.isCallExpression(n)) {
      const callee = n.expression;
      // RequestHelper.del()(this, path, ...)
      if (
        ts.isCallExpression(callee) &&
        ts.isPropertyAccessExpression(callee.expression) &&
        ts.isIdentifier(callee.expression.expression) &&
        callee.expression.expression.text === 'RequestHelper'
      ) {
        const http = HTTP_OF_HELPER[callee.expression.name.text];
        const pathArg = n.arguments[1];
        if (http === undefined || pathArg === undefined) {
          problem = `request helper "${callee.expression.name.text}" not read`;
          return;
        }
        const paths = evaluate(pathArg, scope);
        const withPrefix = paths === null ? null : concat([instance.prefix, ['/'], paths]);
        if (withPrefix === null) {
          problem = `path "${pathArg.getText().slice(0, 60)}" not statically readable`;
          return;
        }
        for (const p of withPrefix) out.push([http, scopeParamsNamed(p)]);
        return;
      }
      // this.create(...): a convenience method that runs another.
      if (
        ts.isPropertyAccessExpression(callee) &&
        callee.expression.kind === ts.SyntaxKind.ThisKeyword &&
        findMethod(classes, resource, callee.name.text) !== null
      ) {
        const inner = callsOf(classes, resource, callee.name.text, instance, seen);
        if (typeof inner === 'string') problem = inner;
        else out.push(...inner);
        return;
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(decl.body);
  if (problem !== null) return problem;
  if (out.length === 0) return 'method makes no request the reader can see';
  return out;
}

/** The methods a resource inherits from the client's shared resource classes, nearest base first. */
function inheritedMethods(classes: ReadonlyMap<string, ClassInfo>, name: string): string[] {
  const out: string[] = [];
  let current = classes.get(name)?.base ?? null;
  while (current !== null) {
    const info = classes.get(current);
    if (info === undefined) break;
    out.push(...info.methods.keys());
    current = info.base;
  }
  return out;
}

/** The installed client's version. */
export function gitlabSourceVersion(): string {
  return packageVersion(GITLAB_PACKAGE);
}

/** Every operation of the client's map, in its own order: one row per path a method calls. */
export function gitlabOperations(): GitlabOperation[] {
  const dir = packageDir(GITLAB_PACKAGE);
  const text = readFileSync(join(dir, GITLAB_DOCUMENT), 'utf8');
  const sf = ts.createSourceFile('index.mjs', text, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const classes = classesOf(sf);
  const map = JSON.parse(readFileSync(join(dir, 'dist', 'map.json'), 'utf8')) as Record<
    string,
    Array<{ name: string }>
  >;
  const out: GitlabOperation[] = [];
  for (const [resource, own] of Object.entries(map)) {
    const instance = instanceEnv(classes, resource);
    // The map lists a resource's own methods; those it inherits (ProjectMembers from ResourceMembers) are its too.
    for (const name of new Set([...own.map((m) => m.name), ...inheritedMethods(classes, resource)])) {
      const id = `${resource}.${name}`;
      // Helpers gitbeaker adds to every resource (`requester`, `url`...) are not in its map.
      const calls = callsOf(classes, resource, name, instance);
      if (typeof calls === 'string') {
        out.push({ method: '', path: null, id, unreadable: calls });
        continue;
      }
      const unique = new Map(calls.map(([m, p]) => [`${m} ${p}`, [m, p] as const]));
      for (const [m, p] of unique.values()) out.push({ method: m, path: p, id });
    }
  }
  return out;
}

/** The words of a method name (`allProtectedBranches` -> all, protected, branches). */
export function methodWords(id: string): string[] {
  const method = id.slice(id.indexOf('.') + 1);
  return method
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0);
}

/** Name verbs that only read. */
const READ_VERBS = new Set([
  'all',
  'show',
  'get',
  'list',
  'search',
  'download',
  'compare',
  'preview',
  'check',
  'verify',
  'lint',
  'render',
  'diff',
  'diffs',
  'changes',
  'blame',
  'raw',
  'tree',
  'contributors',
  'statistics',
  'participants',
  'export',
]);
/** Name verbs that delete. */
const DELETE_VERBS = new Set([
  'remove',
  'delete',
  'destroy',
  'erase',
  'unprotect',
  'purge',
  'revoke',
  'unregister',
  'deny',
]);
/** Name verbs that change state (a GET named so contradicts itself). */
const CHANGE_VERBS = new Set([
  'create',
  'edit',
  'update',
  'add',
  'set',
  'protect',
  'unprotect',
  'archive',
  'unarchive',
  'transfer',
  'fork',
  'share',
  'unshare',
  'star',
  'unstar',
  'trigger',
  'play',
  'retry',
  'cancel',
  'approve',
  'unapprove',
  'merge',
  'rebase',
  'upload',
  'import',
  'rotate',
  'block',
  'unblock',
  ...DELETE_VERBS,
]);
/** Name verbs, and words of the path, that make GitLab run something: pipelines, jobs, triggers. */
const EXEC_WORDS = new Set(['trigger', 'play', 'retry', 'run', 'pipeline']);
/**
 * Words of a resource's name or a path's segment that name who may do what (admin): protection, members,
 * access requests and tokens, keys, hooks, variables, runners, push rules, visibility, sharing.
 */
export const GITLAB_ADMIN_WORDS: ReadonlySet<string> = new Set([
  'protected',
  'protect',
  'unprotect',
  'members',
  'member',
  'access',
  'tokens',
  'token',
  'keys',
  'key',
  'hooks',
  'hook',
  'variables',
  'variable',
  'runners',
  'runner',
  'push',
  'rules',
  'share',
  'unshare',
  'invitations',
  'transfer',
  'impersonation',
  'ldap',
  'saml',
  'scim',
  'identities',
  'roles',
  'block',
  'unblock',
  'approve',
  'deny',
  'settings',
  'admin',
  'scope',
  'allowlist',
]);

/** The resource's words (`ProtectedBranches` -> protected, branches). */
function resourceWords(id: string): string[] {
  return id
    .slice(0, id.indexOf('.'))
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/\s+/);
}

/** The kind of resource: gitbeaker's resource name, kebab-case, without the Project/Group scope (`protected-branches`). */
export function gitlabKind(id: string): string {
  const words = resourceWords(id);
  const scoped = words.length > 1 && (words[0] === 'project' || words[0] === 'group');
  return (scoped ? words.slice(1) : words).join('-');
}

/** Classifies one operation from the description's own words. */
export function classifyGitlab(op: GitlabOperation): GitlabClassified {
  if (op.path === null) return { op, unclassified: op.unreadable ?? 'path not read' };
  const words = methodWords(op.id);
  const verb = words[0] ?? '';
  const pathWords = op.path
    .split('/')
    .filter((s) => s.length > 0 && !s.startsWith('{'))
    .flatMap((s) => s.split('_'));
  // The resource's own name is not read for admin: `PipelineTriggerTokens.trigger` runs a pipeline.
  const all = [...words, ...pathWords];
  const kind = gitlabKind(op.id);
  switch (op.method) {
    case 'GET':
      if (CHANGE_VERBS.has(verb)) return { op, unclassified: `GET whose verb "${verb}" changes state` };
      return { op, operation: 'read', kind };
    case 'DELETE':
      if (READ_VERBS.has(verb)) return { op, unclassified: `DELETE whose verb "${verb}" reads` };
      return { op, operation: 'delete', kind };
    default:
      if (DELETE_VERBS.has(verb)) return { op, operation: 'delete', kind };
      if (READ_VERBS.has(verb) && verb !== 'export')
        return { op, unclassified: `${op.method} whose verb "${verb}" reads` };
      if (all.some((w) => GITLAB_ADMIN_WORDS.has(w))) return { op, operation: 'admin', kind };
      if (EXEC_WORDS.has(verb) || pathWords.some((w) => EXEC_WORDS.has(w)))
        return { op, operation: 'exec', kind };
      return { op, operation: 'write', kind };
  }
}
