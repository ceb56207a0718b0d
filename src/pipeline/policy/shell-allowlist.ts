/**
 * Shell allowlists (`shell_allowlists:` in a policy file, `action.shell: { allowed_by: $name }` in a rule):
 * which programs a command line may run, with which options, operands and redirections. Compiled once at
 * load with file:line:column problems; matching is closed: whatever an entry does not name is refused.
 */
import { isAlias, isMap, isScalar, isSeq, type Document, type Node, type Pair } from 'yaml';
import { RE2JS } from 're2js';
import { BoundedCache } from '../normalize/bounded-cache.js';
import type { ShellCommand, ShellRedirect, ShellWord } from '../shell/syntax.js';
import { globToRegex } from './operators.js';
import type { ShellValue } from './shell-value.js';

/** What an entry accepts in one position: anything, or literal words matching one of its globs. */
type Accept = 'any' | readonly RE2JS[];

interface ArgumentSpec {
  readonly options: readonly RE2JS[];
  readonly operands: Accept;
}

interface CompiledEntry {
  readonly program: string;
  /** `arguments: any`: every argument, literal or not. */
  readonly anyArguments: boolean;
  readonly spec: ArgumentSpec;
  /** The first operand selects one of these, whose spec then applies to the rest. */
  readonly subcommands: ReadonlyMap<string, ArgumentSpec> | null;
  readonly writes: readonly RE2JS[];
}

/** A compiled allowlist: the entries for each program name. */
export interface ShellAllowlist {
  readonly name: string;
  readonly byProgram: ReadonlyMap<string, readonly CompiledEntry[]>;
}

const ENTRY_KEYS = ['program', 'arguments', 'options', 'operands', 'subcommands', 'writes'];
const SUBCOMMAND_KEYS = ['options', 'operands'];
/** Redirections that only read, duplicate or close descriptors: never a write to a file. */
const READS = new Set(['<', '<<', '<<-', '<<<', '<&']);
const DESCRIPTOR = /^(?:[0-9]+|-|[0-9]+-)$/;
const SHORT_BUNDLE = /^-[A-Za-z0-9]{2,}$/;

/** Reports one problem at a node; the loader adds the file and position. */
export type ReportProblem = (node: Node | null | undefined, message: string) => void;

/** How one file's allowlists are compiled: where problems go, and what an alias (`*history`) stands for. */
interface Compile {
  readonly report: ReportProblem;
  readonly deref: (n: Node) => Node;
  readonly globs: ShellGlobs;
}

/**
 * The compiled globs of one policy load, created by the loader for each policy set and dropped with it.
 * PERF: a pack repeats its globs (YAML anchors, the same options under many subcommands); a compiled RE2
 * is immutable, so one per distinct pattern is shared within the load. Bounded like every memo.
 */
export class ShellGlobs {
  readonly #cache = new BoundedCache<RE2JS>(4096, 1024);

  /** The RE2 for one glob, compiled once per load. */
  compile(glob: string): RE2JS {
    return this.#cache.get(glob, (g) => RE2JS.compile(globToRegex(g), RE2JS.DOTALL));
  }
}

function compileGlobs(given: Node, what: string, ctx: Compile): RE2JS[] | null {
  const node = ctx.deref(given);
  if (!isSeq(node) || !node.items.every((i) => isScalar(i) && typeof i.value === 'string')) {
    ctx.report(node, `${what} must be a list of glob patterns (quote ones YAML reads as numbers: "-1")`);
    return null;
  }
  const out: RE2JS[] = [];
  for (const item of node.items as Node[]) {
    const text = String((item as { value: unknown }).value);
    if (text === '') {
      ctx.report(item, `${what}: an empty pattern matches nothing`);
      continue;
    }
    out.push(ctx.globs.compile(text));
  }
  return out;
}

function compileAccept(given: Node, what: string, ctx: Compile): Accept | null {
  const node = ctx.deref(given);
  if (isScalar(node) && node.value === 'any') return 'any';
  return compileGlobs(node, `${what} (or "any")`, ctx);
}

function compileSpec(given: Node, keys: readonly string[], where: string, ctx: Compile): ArgumentSpec {
  const map = ctx.deref(given);
  let options: readonly RE2JS[] = [];
  let operands: Accept = [];
  if (!isMap(map)) return { options, operands };
  for (const pair of map.items as Pair<Node, Node>[]) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (!keys.includes(key)) continue;
    if (pair.value === null) {
      ctx.report(pair.key, `${where}: ${key} has no value`);
      continue;
    }
    if (key === 'options') options = compileGlobs(pair.value, `${where}: options`, ctx) ?? [];
    if (key === 'operands') operands = compileAccept(pair.value, `${where}: operands`, ctx) ?? [];
  }
  return { options, operands };
}

function compileEntry(node: Node, where: string, ctx: Compile): CompiledEntry | null {
  if (!isMap(node)) {
    ctx.report(node, `${where} must be a mapping with program and what it may be given`);
    return null;
  }
  let ok = true;
  const bad = (n: Node | null | undefined, m: string) => {
    ok = false;
    ctx.report(n, m);
  };
  const get = (k: string) => node.get(k, true) as Node | undefined;
  for (const pair of node.items as Pair<Node, Node>[]) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (!ENTRY_KEYS.includes(key))
      bad(pair.key, `${where}: unknown field "${key}" (expected one of ${ENTRY_KEYS.join(', ')})`);
  }
  const programNode = get('program');
  const program = isScalar(programNode) && typeof programNode.value === 'string' ? programNode.value : '';
  if (program === '' || /[\s=]/.test(program))
    bad(programNode ?? node, `${where}: program must be a program name as written (no spaces, no "=")`);
  const argumentsNode = get('arguments');
  if (argumentsNode !== undefined && !(isScalar(argumentsNode) && argumentsNode.value === 'any'))
    bad(argumentsNode, `${where}: arguments takes only "any" (any argument at all, computed ones included)`);
  const anyArguments = argumentsNode !== undefined;
  if (anyArguments)
    for (const k of ['options', 'operands', 'subcommands'])
      if (get(k) !== undefined)
        bad(get(k), `${where}: arguments: any already allows every ${k.slice(0, -1)}`);
  const spec = compileSpec(node, ['options', 'operands'], where, ctx);
  let subcommands: Map<string, ArgumentSpec> | null = null;
  const subGiven = get('subcommands');
  const subNode = subGiven === undefined ? undefined : ctx.deref(subGiven);
  if (subNode !== undefined) {
    if (!isMap(subNode) || subNode.items.length === 0)
      bad(subNode, `${where}: subcommands must be a mapping of name to { options, operands }`);
    else {
      if (get('operands') !== undefined)
        bad(get('operands'), `${where}: with subcommands, operands belong to each subcommand`);
      subcommands = new Map();
      for (const pair of subNode.items as Pair<Node, Node>[]) {
        const name = isScalar(pair.key) ? String(pair.key.value) : '';
        const sub = `${where}: subcommand "${name}"`;
        if (name === '' || name.startsWith('-'))
          bad(pair.key, `${sub}: a subcommand is a word, not an option`);
        const value =
          pair.value === null || (isScalar(pair.value) && pair.value.value === null)
            ? null
            : ctx.deref(pair.value);
        if (value !== null && !isMap(value))
          bad(pair.value, `${sub} must be a mapping with options and operands (or empty)`);
        if (value !== null && isMap(value))
          for (const p of value.items as Pair<Node, Node>[]) {
            const k = isScalar(p.key) ? String(p.key.value) : '';
            if (!SUBCOMMAND_KEYS.includes(k))
              bad(p.key, `${sub}: unknown field "${k}" (expected one of ${SUBCOMMAND_KEYS.join(', ')})`);
          }
        subcommands.set(
          name,
          value === null ? { options: [], operands: [] } : compileSpec(value, SUBCOMMAND_KEYS, sub, ctx),
        );
      }
    }
  }
  const writesNode = get('writes');
  const writes = writesNode === undefined ? [] : (compileGlobs(writesNode, `${where}: writes`, ctx) ?? []);
  if (!ok) return null;
  return { program, anyArguments, spec, subcommands, writes };
}

/**
 * Compiles the `shell_allowlists` mapping of one file into `into`; problems go to `report`, globs are
 * compiled through the load's `globs`.
 */
export function compileShellAllowlists(
  node: Node,
  doc: Document,
  into: Map<string, ShellAllowlist>,
  report: ReportProblem,
  globs: ShellGlobs,
): void {
  const ctx: Compile = {
    report,
    globs,
    deref: (n) => (isAlias(n) ? ((n.resolve(doc) as Node | undefined) ?? n) : n),
  };
  if (!isMap(node)) {
    report(node, 'shell_allowlists must be a mapping of name to a list of program entries');
    return;
  }
  for (const pair of node.items as Pair<Node, Node>[]) {
    const name = isScalar(pair.key) ? String(pair.key.value) : '';
    if (!/^[a-z][a-z0-9_]*$/.test(name)) {
      report(pair.key, `shell allowlist name "${name}" must be lower_snake_case`);
      continue;
    }
    if (into.has(name)) {
      report(pair.key, `shell allowlist "${name}" is defined twice`);
      continue;
    }
    if (!isSeq(pair.value) || pair.value.items.length === 0) {
      report(pair.value ?? pair.key, `shell allowlist "${name}" must be a non-empty list of program entries`);
      continue;
    }
    const byProgram = new Map<string, CompiledEntry[]>();
    (pair.value.items as Node[]).forEach((item, i) => {
      const entry = compileEntry(ctx.deref(item), `shell allowlist "${name}" entry ${i + 1}`, ctx);
      if (entry === null) return;
      byProgram.set(entry.program, [...(byProgram.get(entry.program) ?? []), entry]);
    });
    into.set(name, { name, byProgram });
  }
}

const matchesAny = (res: readonly RE2JS[], text: string) => res.some((re) => re.matcher(text).matches());

/** An option word the spec allows: as a whole, or (`-la`) each bundled short flag on its own. */
function optionAllowed(spec: ArgumentSpec, word: ShellWord): boolean {
  if (!word.literal) return false;
  if (matchesAny(spec.options, word.text)) return true;
  if (!SHORT_BUNDLE.test(word.text)) return false;
  for (const flag of word.text.slice(1)) if (!matchesAny(spec.options, `-${flag}`)) return false;
  return true;
}

function operandAllowed(spec: ArgumentSpec, word: ShellWord): boolean {
  if (spec.operands === 'any') return true;
  return word.literal && matchesAny(spec.operands, word.text);
}

/** Checks the arguments after the program (or subcommand) against a spec; `--` ends the options. */
function argumentsAllowed(spec: ArgumentSpec, words: readonly ShellWord[]): boolean {
  let optionsEnded = false;
  for (const w of words) {
    if (!optionsEnded && w.literal && w.text === '--') {
      optionsEnded = true;
      continue;
    }
    // SECURITY: a word bash computes may turn into any option (`git $(echo -c) x=y`): only a literal
    // option is ever matched, and a computed word that may start with `-` is refused before `--`.
    const option = !optionsEnded && (w.literal ? w.text.startsWith('-') && w.text !== '-' : w.mayBeOption);
    if (option ? !optionAllowed(spec, w) : !operandAllowed(spec, w)) return false;
  }
  return true;
}

function entryAllowsWords(entry: CompiledEntry, args: readonly ShellWord[]): boolean {
  if (entry.anyArguments) return true;
  if (entry.subcommands === null) return argumentsAllowed(entry.spec, args);
  // Options before the subcommand are the program's own (`git --no-pager log`), checked against `options`.
  let i = 0;
  while (i < args.length) {
    const w = args[i]!;
    if (!(w.literal ? w.text.startsWith('-') : w.mayBeOption)) break;
    if (w.literal && w.text === '--') return false;
    if (!optionAllowed(entry.spec, w)) return false;
    i++;
  }
  const sub = args[i];
  if (sub === undefined || !sub.literal) return false;
  const spec = entry.subcommands.get(sub.text);
  return spec !== undefined && argumentsAllowed(spec, args.slice(i + 1));
}

/** True when a redirection writes nothing, or writes a file the entry names (`/dev/null` always passes). */
function redirectAllowed(entry: CompiledEntry, r: ShellRedirect): boolean {
  if (READS.has(r.op)) return true;
  const target = r.target;
  if ((r.op === '>&' || r.op === '<&') && target.literal && DESCRIPTOR.test(target.text)) return true;
  if (!target.literal) return false;
  return target.text === '/dev/null' || matchesAny(entry.writes, target.text);
}

/** True when the allowlist accepts one simple command: its program, every argument and every redirection. */
export function commandAllowed(list: ShellAllowlist, c: ShellCommand): boolean {
  // Tests, arithmetic, function definitions and assignments (which change what later programs do) are
  // never on an allowlist; neither is a command made of redirections only (`> file` truncates a file).
  if (c.kind !== 'simple' || c.assignments.length > 0) return false;
  const program = c.words[0];
  if (program === undefined || !program.literal) return false;
  const entries = list.byProgram.get(program.text);
  if (entries === undefined) return false;
  const args = c.words.slice(1);
  return entries.some((e) => entryAllowsWords(e, args) && c.redirects.every((r) => redirectAllowed(e, r)));
}

/**
 * True when the call's command lines are all readable, there is at least one command, and the allowlist
 * accepts every simple command in them (substitutions and compound bodies included).
 */
export function shellAllowedBy(list: ShellAllowlist, value: ShellValue): boolean {
  let seen = 0;
  for (const r of value.readings) {
    if (!r.ok) return false;
    for (const c of r.commands) {
      if (!commandAllowed(list, c)) return false;
      seen++;
    }
  }
  return seen > 0;
}
