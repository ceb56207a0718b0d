/**
 * Every finding kind in the registry (src/pipeline/inspect/finding-kinds.ts) has a positive and a negative
 * unit test, run through the real inspectors (inspectAction with the default set), and the registry holds
 * every kind the source can report. A new kind fails here until it is registered and given its pair.
 *
 * What the completeness checks see: every `makeFinding(...)` call under src/ whose kind is a literal (or a
 * choice between literals), and every kind-shaped literal in the inspectors and their tables (`['kind',
 * 'severity']` hits, `rule('kind', ...)`, `push(out, 'kind', ...)`, `add(s, 'kind', ...)`). A kind computed
 * any other way is a counted dynamic site (DYNAMIC_KIND_SITES): a new one fails until it is declared there
 * with the table its kinds come from. A finding built without makeFinding is not seen.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import {
  FINDING_KINDS,
  PROVIDER_KINDS,
  registeredFindingIds,
  RUNNER_FINDING_IDS,
} from '../../src/pipeline/inspect/finding-kinds.js';
import type { Inspector } from '../../src/pipeline/inspect/inspector.js';
import { DEFAULT_INSPECTORS, inspectAction } from '../../src/pipeline/inspect/registry.js';
import { entropy, isPlaceholder } from '../../src/pipeline/inspect/lib/secret-patterns.js';
import {
  needleOf,
  PROVIDER_RULES,
  type ProviderRule,
} from '../../src/pipeline/inspect/lib/secret-providers.js';
import { TAGS } from '../../src/pipeline/inspect/tags.js';
import { makeAction } from '../support/make-action.js';
import { FINDING_KIND_CASES, type Probe } from './finding-kinds.cases.js';
import { TEST_CONFIG } from './inspect-helpers.js';

const ROOT = join(import.meta.dirname, '..', '..');
const CASES_FILE = 'test/inspect/finding-kinds.cases.ts';
const REGISTRY_FILE = 'src/pipeline/inspect/finding-kinds.ts';

/** The finding ids one probe yields through the default inspectors. */
function findingsOf(probe: Probe, inspectors: readonly Inspector[] = DEFAULT_INSPECTORS): string[] {
  const config = { ...TEST_CONFIG, ...probe.config };
  return inspectAction(makeAction(probe.action), probe.headers ?? {}, config, inspectors).findings.map(
    (f) => f.id,
  );
}

/** Registered ids that need a hand-written pair: all but the provider table's (checked row by row below). */
const PAIRED_IDS = Object.entries(FINDING_KINDS).flatMap(([inspector, kinds]) =>
  kinds.map((kind) => `${inspector}.${kind}`),
);

describe('finding-kind registry', () => {
  it('has one entry per inspector in the default set, and the same inspectors as the tag table', () => {
    expect(Object.keys(FINDING_KINDS).sort()).toEqual(DEFAULT_INSPECTORS.map((i) => i.id).sort());
    expect(Object.keys(FINDING_KINDS).sort()).toEqual(Object.keys(TAGS).sort());
    expect(PAIRED_IDS.length).toBeGreaterThan(140);
    expect(new Set(PAIRED_IDS).size).toBe(PAIRED_IDS.length);
  });

  it('has a {positive, negative} case for every registered kind, and no case for an unregistered one', () => {
    const missing = PAIRED_IDS.filter((id) => !(id in FINDING_KIND_CASES));
    const stale = Object.keys(FINDING_KIND_CASES).filter((id) => !PAIRED_IDS.includes(id));
    expect(
      missing,
      `add to ${CASES_FILE} one entry per id: '<id>': { positive: <input that yields it>, negative: <near miss that does not> }`,
    ).toEqual([]);
    expect(
      stale,
      `these cases name ids not in ${REGISTRY_FILE}: register the kind or remove the case`,
    ).toEqual([]);
  });

  describe.each(PAIRED_IDS)('%s', (id) => {
    const pair = FINDING_KIND_CASES[id];
    it('is reported for its positive input and not for its negative one', () => {
      expect(pair, `no case for ${id} in ${CASES_FILE}`).toBeDefined();
      const positive = findingsOf(pair!.positive);
      const negative = findingsOf(pair!.negative);
      expect(positive, `positive input of ${id}`).toContain(id);
      expect(negative, `negative input of ${id}`).not.toContain(id);
      // Whatever else the two inputs yield must be registered too: a stray kind shows up here first.
      const known = registeredFindingIds();
      for (const other of [...positive, ...negative])
        expect(known.has(other), `${other} (yielded by the inputs of ${id}) is not in ${REGISTRY_FILE}`).toBe(
          true,
        );
    });
  });

  it('reports an inspector that throws as inspect.failed (the runner finding), and a sound one not', () => {
    expect(RUNNER_FINDING_IDS).toEqual(['inspect.failed']);
    const broken: Inspector = {
      id: 'broken',
      version: '0',
      inspect: () => {
        throw new Error('boom');
      },
    };
    const probe = FINDING_KIND_CASES['pii.email']!.negative;
    expect(findingsOf(probe, [broken])).toEqual(['inspect.failed']);
    expect(findingsOf(probe, [...DEFAULT_INSPECTORS])).not.toContain('inspect.failed');
  });
});

/**
 * The provider table: each row's positive is a token of its documented shape, generated from its pattern
 * by fast-check's own regex reader (not the scanner under test), kept only when it meets the row's stated
 * preconditions (printable, a run of 16 token characters, the needle where a token starts, above its entropy floor, not a placeholder); its negative is the same token
 * with one character of its needle changed, which no row of that id may still match.
 */
describe('secret provider kinds, row by row', () => {
  /** Text around a row whose token is only a header: a key file as written, with its body line. */
  const CONTEXT: Readonly<Record<string, (token: string) => string>> = {
    'ssh2-private-key': (t) => `${t}\nComment: "deploy"\nAAAAB3NzaC1yc2EAAAADAQABAAABAQC7vbqajDhA4Ynq\n`,
  };
  const write = (text: string): Probe => ({
    action: { action: { tool: 'files.write', arguments: { content: text } } },
  });
  const sampleOf = (row: ProviderRule, seed: number): string | undefined =>
    fc.sample(fc.stringMatching(new RegExp(`^(?:${row.pattern})$`)), { seed, numRuns: 300 }).find(
      (s) =>
        /^[\x20-\x7e]+$/.test(s) &&
        // The scanner's documented gate (lib/leaf-traits.ts TOKEN_RUN): a token holds a run of 16 token
        // characters. Not every pattern forces one (azure-sas-token's sig may be mostly `%`); see CONTEXT.
        (/[A-Za-z0-9_+/=.~-]{16}/.test(s) || row.id in CONTEXT) &&
        // ProviderRule.needle: a literal every match holds where a token starts (not glued to a word).
        (row.needleInside === true || /(?:^|[^A-Za-z0-9])$/.test(s.slice(0, s.indexOf(needleOf(row))))) &&
        !isPlaceholder(s) &&
        (row.minEntropy === undefined
          ? s.length < 24 || entropy(s) >= 3
          : entropy(s) >= row.minEntropy + 0.2),
    );
  /** One character of the needle replaced by its neighbour in the same class. */
  const breakNeedle = (token: string, needle: string): string => {
    const at = token.indexOf(needle);
    const c = needle[0]!;
    const next = /[a-yA-Y0-8]/.test(c)
      ? String.fromCharCode(c.charCodeAt(0) + 1)
      : /[zZ9]/.test(c)
        ? 'q'
        : 'Q';
    return token.slice(0, at) + next + token.slice(at + 1);
  };

  it('covers every provider id (the ids the registry adds to the secrets inspector)', () => {
    expect(new Set(PROVIDER_RULES.map((r) => r.id))).toEqual(new Set(PROVIDER_KINDS));
    expect(PROVIDER_RULES.length).toBeGreaterThan(100);
  });

  it.each(PROVIDER_RULES.map((row, i) => [`${row.id} #${i}`, row, i] as const))(
    '%s: a token of its shape is reported, the same token with its needle broken is not',
    (_name, row, i) => {
      const token = sampleOf(row, 2000 + i);
      expect(token, `no printable sample of ${row.pattern}`).toBeDefined();
      const wrap = CONTEXT[row.id] ?? ((t: string) => `token: ${t}\n`);
      const id = `secrets.${row.id}`;
      expect(findingsOf(write(wrap(token!))), token).toContain(id);
      const broken = breakNeedle(token!, needleOf(row));
      expect(broken).not.toBe(token);
      expect(findingsOf(write(wrap(broken))), broken).not.toContain(id);
    },
  );
});

/** Every .ts file under a directory of the repository. */
function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(dir, f));
}

/**
 * makeFinding calls whose kind is computed, by file: each reports kinds drawn from a table named here, whose
 * kinds are registered by hand (or, for the provider table, derived from it).
 */
const DYNAMIC_KIND_SITES: Readonly<Record<string, { readonly sites: number; readonly source: string }>> = {
  'src/pipeline/inspect/inspectors/secrets.ts': {
    sites: 2,
    source: 'RULES, CREDENTIAL_SCANS and PROVIDER_RULES (lib/secret-patterns.ts, lib/secret-providers.ts)',
  },
  'src/pipeline/inspect/inspectors/destructive-op.ts': {
    sites: 5,
    source: 'the shell, git, cloud and datastore hit tables (lib/datastore-ops.ts) and sql-<verb>',
  },
  'src/pipeline/inspect/inspectors/ssrf-egress.ts': { sites: 1, source: 'CLASS_FINDING' },
  'src/pipeline/inspect/inspectors/prompt-injection.ts': {
    sites: 1,
    source: 'the Hit tuples of direct(), classify() and embeddedTask(), and structureKind()',
  },
  'src/pipeline/inspect/inspectors/command-injection.ts': {
    sites: 1,
    source: "push(out, '<kind>') calls and lib/template-expressions.ts",
  },
  'src/pipeline/inspect/inspectors/sql-injection.ts': { sites: 1, source: "add(s, '<kind>') calls" },
  'src/pipeline/inspect/inspectors/pii.ts': { sites: 1, source: "PiiMatch['kind'] (lib/pii-patterns.ts)" },
};

/** The literal kinds of one makeFinding kind argument, or null when it is computed. */
function literalKinds(arg: ts.Expression): string[] | null {
  if (ts.isStringLiteral(arg) || ts.isNoSubstitutionTemplateLiteral(arg)) return [arg.text];
  if (ts.isParenthesizedExpression(arg)) return literalKinds(arg.expression);
  if (ts.isConditionalExpression(arg)) {
    const a = literalKinds(arg.whenTrue);
    const b = literalKinds(arg.whenFalse);
    return a === null || b === null ? null : [...a, ...b];
  }
  return null;
}

/** The inspector id of a makeFinding call: `{ id: 'x' }` or `{ id: ID }` with `const ID = 'x'` in the file. */
function inspectorOf(arg: ts.Expression | undefined, file: ts.SourceFile): string | null {
  if (arg === undefined || !ts.isObjectLiteralExpression(arg)) return null;
  const prop = arg.properties.find((p) => p.name !== undefined && p.name.getText(file) === 'id');
  if (prop === undefined || !ts.isPropertyAssignment(prop)) return null;
  const init = prop.initializer;
  if (ts.isStringLiteral(init)) return init.text;
  if (!ts.isIdentifier(init)) return null;
  let found: string | null = null;
  file.forEachChild(function visit(node) {
    if (
      ts.isVariableDeclaration(node) &&
      node.name.getText(file) === init.text &&
      node.initializer !== undefined &&
      ts.isStringLiteral(node.initializer)
    )
      found = node.initializer.text;
    node.forEachChild(visit);
  });
  return found;
}

describe('finding kinds in docs/inspectors.md', () => {
  it("lists every registered kind in its inspector's row of the inspector table", () => {
    const doc = readFileSync(join(ROOT, 'docs', 'inspectors.md'), 'utf8').split('\n');
    const missing: string[] = [];
    for (const [inspector, kinds] of Object.entries(FINDING_KINDS)) {
      const row = doc.find((l) => l.startsWith(`| ${inspector} `));
      expect(row, `no row for ${inspector} in docs/inspectors.md`).toBeDefined();
      const cell = row!.split('|')[2]!;
      for (const kind of kinds)
        if (!new RegExp(`(?<![\\w-])${kind}(?![\\w-])`).test(cell)) missing.push(`${inspector}.${kind}`);
    }
    expect(missing, 'add these kinds to their row of docs/inspectors.md').toEqual([]);
  });
});

describe('finding-kind registry completeness (static)', () => {
  const files = sourceFiles('src');
  const known = registeredFindingIds();

  it('registers every literal kind passed to makeFinding anywhere under src/, and counts the computed ones', () => {
    const unregistered: string[] = [];
    const dynamic = new Map<string, number>();
    let literalSites = 0;
    for (const path of files) {
      const text = readFileSync(join(ROOT, path), 'utf8');
      if (!text.includes('makeFinding(')) continue;
      const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
      file.forEachChild(function visit(node) {
        if (
          ts.isCallExpression(node) &&
          ts.isIdentifier(node.expression) &&
          node.expression.text === 'makeFinding' &&
          node.arguments.length >= 2
        ) {
          const where = `${path}:${file.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
          const kinds = literalKinds(node.arguments[1]!);
          if (kinds === null) dynamic.set(path, (dynamic.get(path) ?? 0) + 1);
          else {
            literalSites++;
            const inspector = inspectorOf(node.arguments[0], file);
            for (const kind of kinds)
              if (inspector === null || !known.has(`${inspector}.${kind}`))
                unregistered.push(`${inspector ?? '<unknown inspector>'}.${kind} at ${where}`);
          }
        }
        node.forEachChild(visit);
      });
    }
    expect(literalSites).toBeGreaterThan(40);
    expect(
      unregistered,
      `register these in ${REGISTRY_FILE} and add a { positive, negative } case for each to ${CASES_FILE}`,
    ).toEqual([]);
    const counted = Object.fromEntries([...dynamic].sort());
    const declared = Object.fromEntries(
      Object.entries(DYNAMIC_KIND_SITES)
        .map(([f, d]) => [f, d.sites] as const)
        .sort(),
    );
    expect(
      counted,
      `makeFinding calls with a computed kind changed: register every kind the new site can report in ${REGISTRY_FILE}, add a case for each to ${CASES_FILE}, and declare the site in DYNAMIC_KIND_SITES (${relative(ROOT, import.meta.filename)})`,
    ).toEqual(declared);
  });

  it('registers every kind-shaped literal in the inspectors and their tables', () => {
    const shapes = [
      /\[\s*'([a-z0-9]+(?:-[a-z0-9]+)+)',\s*'(?:info|low|medium|high|critical)'/g,
      /\brule\(\s*'([a-z0-9]+(?:-[a-z0-9]+)*)'/g,
      /\bpush\(out,\s*'([a-z0-9]+(?:-[a-z0-9]+)*)'/g,
      /\badd\(s,\s*'([a-z0-9]+(?:-[a-z0-9]+)*)'/g,
    ];
    const kinds = new Set(Object.values(FINDING_KINDS).flat() as string[]);
    const unregistered: string[] = [];
    let seen = 0;
    for (const path of sourceFiles('src/pipeline/inspect')) {
      const text = readFileSync(join(ROOT, path), 'utf8');
      for (const re of shapes)
        for (const m of text.matchAll(re)) {
          seen++;
          if (!kinds.has(m[1]!)) unregistered.push(`${m[1]!} in ${path}`);
        }
    }
    expect(seen).toBeGreaterThan(60);
    expect(
      unregistered,
      `register these kinds in ${REGISTRY_FILE} under their inspector and add a case for each to ${CASES_FILE}`,
    ).toEqual([]);
  });
});
