/**
 * Condition operators, compiled once at load: equality, sets, globs, RE2 regular expressions (linear
 * time on attacker input), CIDR, numeric ranges, severities, exists, negation, any/all over lists.
 * Every operator but `exists` and `not` is false when the dimension has no value.
 */
import ipaddr from 'ipaddr.js';
import { RE2JS } from 're2js';
import { SEVERITY_ORDER, severityRank, type Severity } from '../model/finding.js';
import type { DimensionType, DimensionValue } from './dimensions.js';
import { isShellValue, type ShellValue } from './shell-value.js';

/** A compiled condition over one dimension value. */
export type Predicate = (value: DimensionValue) => boolean;

/** A condition the loader could not compile; the loader adds file:line:column. */
export class ConditionError extends Error {
  override readonly name = 'ConditionError';
}

/** Named lists a condition may reference as `$name`. */
export type NamedLists = Readonly<Record<string, readonly string[]>>;

/** Every operator a condition may use. */
export const OPERATORS = [
  'equals',
  'in',
  'not_in',
  'glob',
  'regex',
  'cidr',
  'gt',
  'gte',
  'lt',
  'lte',
  'between',
  'exists',
  'not',
  'any',
  'all',
  'contains',
  'severity_at_least',
  'allowed_by',
] as const;

/** Resolves `$name` of `allowed_by` to the compiled shell allowlist's check (policy/shell-allowlist.ts). */
export type ShellAllowlists = (name: string) => ((value: ShellValue) => boolean) | undefined;

const NO_SHELL_ALLOWLISTS: ShellAllowlists = () => undefined;

type Spec = unknown;

const isPlainObject = (v: Spec): v is Record<string, Spec> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function resolveList(spec: Spec, lists: NamedLists, op: string): (string | number | boolean)[] {
  if (typeof spec === 'string' && spec.startsWith('$')) {
    const list = lists[spec.slice(1)];
    if (list === undefined) throw new ConditionError(`unknown list "${spec}" in "${op}"`);
    return [...list];
  }
  const items = Array.isArray(spec) ? spec : [spec];
  for (const item of items) {
    if (!['string', 'number', 'boolean'].includes(typeof item)) {
      throw new ConditionError(`"${op}" takes a scalar, a list of scalars, or a $list reference`);
    }
  }
  return items as (string | number | boolean)[];
}

/** Glob to an anchored RE2 pattern: `**` any text, `*` any text but `/`, `?` one character but `/`. */
export function globToRegex(glob: string): string {
  let out = '^';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      out += '.*';
      i++;
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else out += c.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
  }
  return `${out}$`;
}

function compileRegexes(patterns: readonly string[], op: string): RE2JS[] {
  return patterns.map((p) => {
    try {
      return RE2JS.compile(op === 'glob' ? globToRegex(p) : p, RE2JS.DOTALL);
    } catch (err) {
      throw new ConditionError(`invalid ${op} "${p}": ${err instanceof Error ? err.message : String(err)}`);
    }
  });
}

function expectType(dimType: DimensionType, allowed: readonly DimensionType[], op: string): void {
  if (!allowed.includes(dimType)) {
    const hint = dimType === 'strings' ? ' (this dimension is a list: use any, all or contains)' : '';
    throw new ConditionError(`operator "${op}" does not apply to a ${dimType} dimension${hint}`);
  }
}

function number(spec: Spec, op: string): number {
  if (typeof spec !== 'number' || !Number.isFinite(spec)) throw new ConditionError(`"${op}" takes a number`);
  return spec;
}

function compileOperator(
  op: string,
  arg: Spec,
  type: DimensionType,
  lists: NamedLists,
  shell: ShellAllowlists,
): Predicate {
  switch (op) {
    case 'equals':
      expectType(type, ['string', 'number', 'boolean', 'severity'], op);
      if (!['string', 'number', 'boolean'].includes(typeof arg))
        throw new ConditionError('"equals" takes a scalar');
      return (v) => v === arg;
    case 'in':
    case 'not_in': {
      expectType(type, ['string', 'number', 'boolean', 'severity'], op);
      const set = new Set<unknown>(resolveList(arg, lists, op));
      return op === 'in' ? (v) => v !== null && set.has(v) : (v) => v !== null && !set.has(v);
    }
    case 'glob':
    case 'regex': {
      expectType(type, ['string'], op);
      const res = compileRegexes(resolveList(arg, lists, op).map(String), op);
      return (v) => typeof v === 'string' && res.some((re) => re.matcher(v).find());
    }
    case 'cidr': {
      expectType(type, ['string'], op);
      const ranges = resolveList(arg, lists, op).map((c) => {
        try {
          return ipaddr.parseCIDR(String(c));
        } catch {
          throw new ConditionError(`invalid CIDR "${String(c)}"`);
        }
      });
      return (v) => {
        if (typeof v !== 'string' || !ipaddr.isValid(v.replace(/^\[|\]$/g, ''))) return false;
        let ip = ipaddr.parse(v.replace(/^\[|\]$/g, ''));
        if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress())
          ip = (ip as ipaddr.IPv6).toIPv4Address();
        return ranges.some(([net, bits]) => net.kind() === ip.kind() && ip.match(net, bits));
      };
    }
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      expectType(type, ['number'], op);
      const n = number(arg, op);
      if (op === 'gt') return (v) => typeof v === 'number' && v > n;
      if (op === 'gte') return (v) => typeof v === 'number' && v >= n;
      if (op === 'lt') return (v) => typeof v === 'number' && v < n;
      return (v) => typeof v === 'number' && v <= n;
    }
    case 'between': {
      expectType(type, ['number'], op);
      if (!Array.isArray(arg) || arg.length !== 2)
        throw new ConditionError('"between" takes [low, high] (inclusive)');
      const lo = number(arg[0], op);
      const hi = number(arg[1], op);
      if (lo > hi) throw new ConditionError(`"between" low ${lo} is above high ${hi}`);
      return (v) => typeof v === 'number' && v >= lo && v <= hi;
    }
    case 'severity_at_least': {
      expectType(type, ['severity'], op);
      if (typeof arg !== 'string' || !SEVERITY_ORDER.includes(arg as Severity)) {
        throw new ConditionError(`"severity_at_least" takes one of ${SEVERITY_ORDER.join(', ')}`);
      }
      const min = severityRank(arg as Severity);
      return (v) => typeof v === 'string' && severityRank(v as Severity) >= min;
    }
    case 'exists': {
      if (typeof arg !== 'boolean') throw new ConditionError('"exists" takes true or false');
      const present = (v: DimensionValue) => v !== null && v !== '' && !(Array.isArray(v) && v.length === 0);
      return arg ? present : (v) => !present(v);
    }
    case 'not': {
      const inner = compileSpec(arg, type, lists, shell);
      return (v) => !inner(v);
    }
    case 'contains': {
      expectType(type, ['strings'], op);
      const wanted = resolveList(arg, lists, op).map(String);
      return (v) => Array.isArray(v) && wanted.some((w) => v.includes(w));
    }
    case 'any':
    case 'all': {
      expectType(type, ['strings'], op);
      const inner = compileSpec(arg, 'string', lists, shell);
      return op === 'any'
        ? (v) => Array.isArray(v) && (v as readonly string[]).some((x) => inner(x))
        : (v) => Array.isArray(v) && v.length > 0 && (v as readonly string[]).every((x) => inner(x));
    }
    case 'allowed_by': {
      expectType(type, ['shell'], op);
      if (typeof arg !== 'string' || !arg.startsWith('$'))
        throw new ConditionError('"allowed_by" takes a $name of the shell_allowlists section');
      const check = shell(arg.slice(1));
      if (check === undefined) throw new ConditionError(`unknown shell allowlist "${arg}" in "allowed_by"`);
      return (v) => isShellValue(v) && check(v);
    }
    default:
      throw new ConditionError(`unknown operator "${op}" (known: ${OPERATORS.join(', ')})`);
  }
}

/** Compiles a condition as written in YAML for a dimension of the given type. */
export function compileSpec(
  spec: Spec,
  type: DimensionType,
  lists: NamedLists,
  shell: ShellAllowlists = NO_SHELL_ALLOWLISTS,
): Predicate {
  if (isPlainObject(spec)) {
    const keys = Object.keys(spec);
    if (keys.length === 0) throw new ConditionError('empty condition');
    const preds = keys.map((k) => compileOperator(k, spec[k], type, lists, shell));
    return preds.length === 1 ? preds[0]! : (v) => preds.every((p) => p(v));
  }
  if (Array.isArray(spec) || (typeof spec === 'string' && spec.startsWith('$'))) {
    return compileOperator(type === 'strings' ? 'contains' : 'in', spec, type, lists, shell);
  }
  if (typeof spec === 'string' || typeof spec === 'number' || typeof spec === 'boolean') {
    return compileOperator(type === 'strings' ? 'contains' : 'equals', spec, type, lists, shell);
  }
  throw new ConditionError('a condition is a scalar, a list, or a mapping of operators');
}

/**
 * The finite set of scalar values a condition holds for, when it is a plain equality (`x`, `[x, y]`,
 * `$list`, `{equals: x}`, `{in: ...}`) on a scalar dimension; otherwise undefined.
 */
export function equalitySet(
  spec: Spec,
  type: DimensionType,
  lists: NamedLists,
): ReadonlySet<string | number | boolean> | undefined {
  if (type === 'strings') return undefined;
  if (isPlainObject(spec)) {
    const keys = Object.keys(spec);
    if (keys.length !== 1) return undefined;
    const arg = spec['equals'];
    if (keys[0] === 'equals')
      return typeof arg === 'string' || typeof arg === 'number' || typeof arg === 'boolean'
        ? new Set([arg])
        : undefined;
    if (keys[0] === 'in') return new Set(resolveList(spec['in'], lists, 'in'));
    return undefined;
  }
  if (typeof spec === 'string' && spec.startsWith('$')) return new Set(resolveList(spec, lists, 'in'));
  if (Array.isArray(spec)) return new Set(resolveList(spec, lists, 'in'));
  if (typeof spec === 'string' || typeof spec === 'number' || typeof spec === 'boolean')
    return new Set([spec]);
  return undefined;
}
