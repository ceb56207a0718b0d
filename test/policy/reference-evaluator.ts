/**
 * A deliberately naive policy evaluator for property tests: it interprets rules as written (plain
 * objects, no compilation, no index), checks every rule, and combines by sorting. Slow and obvious.
 */
import type { Action } from '../../src/pipeline/model/action.js';
import type { Finding } from '../../src/pipeline/model/finding.js';

export interface RefRule {
  id: string;
  priority: number;
  effect: 'allow' | 'deny' | 'require_approval' | 'allow_with_obligations';
  when?: Record<string, unknown>;
  when_any?: Record<string, unknown>[];
  obligations?: { mask?: string[] };
  approval?: { approvers?: string[] };
}

export interface RefPolicy {
  lists: Record<string, string[]>;
  rules: RefRule[];
}

const SEV = ['info', 'low', 'medium', 'high', 'critical'];

/** The value of the few dimensions the generators use, read straight from the action. */
function read(dim: string, a: Action, findings: readonly Finding[]): unknown {
  switch (dim) {
    case 'action.tool':
      return a.action.tool;
    case 'resource.host': {
      // Naively: the default port of the scheme is dropped, any other is kept.
      const { host, port, scheme } = a.resource;
      const implied = scheme === 'https' ? 443 : scheme === 'http' ? 80 : null;
      return port === null || port === implied ? host : `${host}:${port}`;
    }
    case 'action.operation':
      return a.action.operation;
    case 'resource.database':
      return a.resource.database;
    case 'context.hops':
      return a.context.hops;
    case 'resource.external':
      return a.resource.external;
    case 'subject.roles':
      return a.subject.roles;
    case 'signals.pii': {
      const ranks = findings.filter((f) => f.inspector === 'pii').map((f) => SEV.indexOf(f.severity));
      return ranks.length === 0 ? null : SEV[Math.max(...ranks)];
    }
    default:
      throw new Error(`reference evaluator does not know ${dim}`);
  }
}

function values(spec: unknown, lists: Record<string, string[]>): unknown[] {
  if (typeof spec === 'string' && spec.startsWith('$')) return lists[spec.slice(1)]!;
  return Array.isArray(spec) ? spec : [spec];
}

function globMatch(glob: string, s: string): boolean {
  // `*` matches any run of characters but `/`; the generators use no other glob syntax.
  const parts = glob.split('*');
  if (parts.length === 1) return glob === s;
  if (!s.startsWith(parts[0]!) || !s.endsWith(parts[parts.length - 1]!)) return false;
  return !s.includes('/') && s.length >= parts[0]!.length + parts[parts.length - 1]!.length;
}

function test(spec: unknown, v: unknown, isList: boolean, lists: Record<string, string[]>): boolean {
  if (spec !== null && typeof spec === 'object' && !Array.isArray(spec)) {
    return Object.entries(spec).every(([op, arg]) => {
      switch (op) {
        case 'equals':
          return v === arg;
        case 'in':
          return v !== null && values(arg, lists).includes(v);
        case 'not_in':
          return v !== null && !values(arg, lists).includes(v);
        case 'glob':
          return typeof v === 'string' && values(arg, lists).some((g) => globMatch(String(g), v));
        case 'regex':
          return typeof v === 'string' && values(arg, lists).some((r) => new RegExp(String(r)).test(v));
        case 'gt':
          return typeof v === 'number' && v > (arg as number);
        case 'lt':
          return typeof v === 'number' && v < (arg as number);
        case 'between':
          return typeof v === 'number' && v >= (arg as number[])[0]! && v <= (arg as number[])[1]!;
        case 'exists': {
          const present = v !== null && v !== '' && !(Array.isArray(v) && v.length === 0);
          return present === arg;
        }
        case 'not':
          return !test(arg, v, isList, lists);
        case 'contains':
          return Array.isArray(v) && values(arg, lists).some((x) => v.includes(x));
        case 'any':
          return Array.isArray(v) && v.some((x) => test(arg, x, false, lists));
        case 'all':
          return Array.isArray(v) && v.length > 0 && v.every((x) => test(arg, x, false, lists));
        case 'severity_at_least':
          return typeof v === 'string' && SEV.indexOf(v) >= SEV.indexOf(arg as string);
        default:
          throw new Error(`reference evaluator does not know ${op}`);
      }
    });
  }
  if (Array.isArray(spec) || (typeof spec === 'string' && spec.startsWith('$'))) {
    return isList ? test({ contains: spec }, v, isList, lists) : test({ in: spec }, v, isList, lists);
  }
  return isList ? Array.isArray(v) && v.includes(spec) : v === spec;
}

const LIST_DIMS = new Set(['subject.roles']);

function matches(rule: RefRule, a: Action, f: readonly Finding[], lists: Record<string, string[]>): boolean {
  const groups = rule.when_any ?? [rule.when ?? {}];
  return groups.some((g) =>
    Object.entries(g).every(([dim, spec]) => test(spec, read(dim, a, f), LIST_DIMS.has(dim), lists)),
  );
}

const STRENGTH = { allow: 0, allow_with_obligations: 1, require_approval: 2, deny: 3 } as const;

/** The decision, deciding rule ids, merged masks and approvers, by brute force. */
export function referenceDecide(p: RefPolicy, a: Action, f: readonly Finding[]) {
  const hits = p.rules.filter((r) => matches(r, a, f, p.lists));
  if (hits.length === 0) return { decision: 'DENY', rules: [] as string[] };
  const top = Math.max(...hits.map((r) => STRENGTH[r.effect]));
  const deciding = hits
    .filter((r) => STRENGTH[r.effect] === top)
    .sort((x, y) => y.priority - x.priority || (x.id < y.id ? -1 : 1));
  const effect = deciding[0]!.effect;
  const decision = {
    allow: 'ALLOW',
    deny: 'DENY',
    require_approval: 'REQUIRE_APPROVAL',
    allow_with_obligations: 'ALLOW_WITH_OBLIGATIONS',
  }[effect];
  const out: { decision: string; rules: string[]; mask?: string[]; approvers?: string[] } = {
    decision,
    rules: deciding.map((r) => r.id),
  };
  if (effect === 'allow_with_obligations') {
    const mask = [...new Set(deciding.flatMap((r) => r.obligations?.mask ?? []))].sort();
    if (mask.length > 0) out.mask = mask;
  }
  if (effect === 'require_approval')
    out.approvers = [...new Set(deciding.flatMap((r) => r.approval?.approvers ?? []))].sort();
  return out;
}
