/**
 * The pure core keeps no module-level mutable state: every cache belongs to an instance (a pipeline, a
 * policy set), so two pipelines in one process never see each other's requests. This scans src/pipeline
 * with the TypeScript parser and fails on a new top-level `let`/`var`, or a top-level object built with
 * `new` or an array literal that is not a constant table.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..', 'src', 'pipeline');

/**
 * Constant tables that are built once at module load and never written afterwards, which the
 * structural rule below cannot prove by itself. Each says why it is safe.
 */
const CONSTANT_TABLES: ReadonlyMap<string, string> = new Map([
  ['inspect/lib/leaf-traits.ts#TABLE', 'character-class table filled by a loop at load, only read after'],
  [
    'inspect/lib/pii-patterns.ts#EMAIL_CHARS',
    'character-class table filled by a loop at load, only read after',
  ],
  ['inspect/decode/url-decoder.ts#utf8', 'TextDecoder without stream mode keeps no state between calls'],
  ['inspect/decode/printable.ts#utf8', 'TextDecoder without stream mode keeps no state between calls'],
  ['normalize/strict-json.ts#utf8', 'TextDecoder without stream mode keeps no state between calls'],
  ['normalize/multipart.ts#utf8', 'TextDecoder without stream mode keeps no state between calls'],
  [
    'inspect/lib/secret-patterns.ts#PROVIDER_GATE',
    'NeedleGate compiled at load; its regex lastIndex is reset at the start of each synchronous scan',
  ],
  [
    'inspect/lib/sql-statements.ts#parser',
    'node-sql-parser Parser: astify/parse keep no state between calls',
  ],
  [
    'inspect/lib/sql-parse-change.ts#parser',
    'node-sql-parser Parser: astify/parse keep no state between calls',
  ],
]);

const MUTATORS = new Set([
  'set',
  'add',
  'delete',
  'clear',
  'push',
  'pop',
  'shift',
  'unshift',
  'splice',
  'sort',
  'reverse',
  'fill',
  'copyWithin',
]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

function isReadonlyType(type: ts.TypeNode | undefined): boolean {
  if (type === undefined) return false;
  if (ts.isTypeOperatorNode(type)) return type.operator === ts.SyntaxKind.ReadonlyKeyword;
  if (ts.isTypeReferenceNode(type)) return /^(Readonly\w*)$/.test(type.typeName.getText());
  return false;
}

/** Names a top-level statement of this file writes to: `x.set(...)`, `x[i] = ...`, `x.y = ...`. */
function writtenNames(file: ts.SourceFile): Set<string> {
  const written = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      ts.isIdentifier(node.expression.expression) &&
      MUTATORS.has(node.expression.name.text)
    ) {
      written.add(node.expression.expression.text);
    }
    if (
      ts.isBinaryExpression(node) &&
      node.operatorToken.kind >= ts.SyntaxKind.FirstAssignment &&
      node.operatorToken.kind <= ts.SyntaxKind.LastAssignment &&
      (ts.isElementAccessExpression(node.left) || ts.isPropertyAccessExpression(node.left)) &&
      ts.isIdentifier(node.left.expression)
    ) {
      written.add(node.left.expression.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return written;
}

/** A statement at load (not inside a function) that fills a table is allowed; inside a function it is not. */
function writtenInFunctions(file: ts.SourceFile): Set<string> {
  const written = new Set<string>();
  const visit = (node: ts.Node, inFunction: boolean): void => {
    const fn = inFunction || ts.isFunctionLike(node);
    if (fn && node !== file) {
      for (const name of writtenNames(node as unknown as ts.SourceFile)) written.add(name);
      return;
    }
    ts.forEachChild(node, (c) => visit(c, fn));
  };
  visit(file, false);
  return written;
}

/** Every module-level mutable binding in src/pipeline, as `file#name: why`. */
function findModuleState(): Map<string, string> {
  const found = new Map<string, string>();
  for (const path of sourceFiles(ROOT)) {
    const rel = relative(ROOT, path).split('\\').join('/');
    const file = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
    const mutated = writtenInFunctions(file);
    for (const statement of file.statements) {
      if (!ts.isVariableStatement(statement)) continue;
      const flags = statement.declarationList.flags;
      const isConst = (flags & ts.NodeFlags.Const) !== 0;
      for (const decl of statement.declarationList.declarations) {
        const name = decl.name.getText(file);
        const key = `${rel}#${name}`;
        if (!isConst) {
          found.set(key, 'top-level let/var');
          continue;
        }
        const init = decl.initializer;
        if (init === undefined || CONSTANT_TABLES.has(key)) continue;
        const built = ts.isNewExpression(init) || ts.isArrayLiteralExpression(init);
        if (!built) continue;
        if (mutated.has(name)) {
          found.set(key, 'top-level collection written by a function');
          continue;
        }
        const isTable =
          ts.isArrayLiteralExpression(init) ||
          (ts.isNewExpression(init) &&
            /^(Set|Map)$/.test(init.expression.getText(file)) &&
            (init.arguments?.length ?? 0) > 0);
        if (!isTable && !isReadonlyType(decl.type)) {
          found.set(
            key,
            `top-level \`new ${init.expression.getText(file)}\` that is neither a table nor readonly`,
          );
        }
      }
    }
  }
  return found;
}

describe('src/pipeline keeps no module-level mutable state', () => {
  const found = findModuleState();

  it('has no top-level let/var nor collection written at run time (issue 14: none is allowed)', () => {
    expect([...found].map(([k, why]) => `${k}: ${why}`)).toEqual([]);
  });

  it('finds the kinds of state it exists to forbid', () => {
    // The rule itself, on a sample: a check that cannot fail is no check.
    const sample = ts.createSourceFile(
      'x.ts',
      'let a = 1;\nconst b = new Map<string, number>();\nexport function f() { b.set("k", 1); }\n',
      ts.ScriptTarget.Latest,
      true,
    );
    expect([...writtenInFunctions(sample)]).toEqual(['b']);
  });
});
