/**
 * Compiles and validates a policy set's sources once; evaluation only ever sees the compiled result. Every
 * problem is reported with file:line:column and a reason. Reading and watching the files is outside the
 * core (src/policy-files.ts).
 */
import { createHash } from 'node:crypto';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type Pair } from 'yaml';
import { dimensionEnv, findDimension, type DimensionEnv } from './dimensions.js';
import { isSealed } from './end-marker.js';
import type { PolicyInput } from './policy-input.js';
import { parseMcpEndpoint } from '../normalize/mcp-endpoint.js';
import { mcpEndpointsNotCovered } from './mcp-paths-cover.js';
import { parseA2aEndpoint } from '../normalize/a2a/endpoints.js';
import { canonicalResourceName } from '../normalize/resource-name.js';
import { isParanoiaLevel, type ParanoiaLevel } from '../inspect/lib/paranoia.js';
import {
  compileSpec,
  ConditionError,
  equalitySet,
  type NamedLists,
  type ShellAllowlists,
} from './operators.js';
import {
  compileShellAllowlists,
  shellAllowedBy,
  ShellGlobs,
  type ShellAllowlist,
} from './shell-allowlist.js';
import { buildRuleIndex } from './rule-index.js';
import {
  EFFECT_STRENGTH,
  type ApprovalSettings,
  type CompiledCondition,
  type CompiledResponseRule,
  type CompiledRule,
  type Effect,
  type ResponseEffect,
  type Obligations,
  type PolicySet,
  type SourceLocation,
} from './types.js';
import { findUnreachableRules } from './unreachable.js';
import { readUnboundHeaders } from './unbound-headers-setting.js';
import { UnboundHeaderSets, type UnboundHeaderRule } from '../bind/bound-headers.js';

/** Dimensions whose values normalize puts in canonical form (normalize/resource-name.ts). */
const CANONICAL_NAME_DIMENSIONS = new Set(['resource.database', 'resource.table', 'resource.environment']);

/** The schema version every policy file declares. */
export const POLICY_API_VERSION = 'writ.dev/v1';
const EFFECTS: readonly Effect[] = ['allow', 'deny', 'require_approval', 'allow_with_obligations'];
/** The effects of `response_rules:` (docs/policy.md, Response rules). */
export const RESPONSE_EFFECTS: readonly ResponseEffect[] = ['pass', 'annotate', 'mask', 'block', 'taint'];
const TOP_KEYS = ['apiVersion', 'kind', 'settings', 'lists', 'shell_allowlists', 'rules', 'response_rules'];
const RULE_KEYS = ['id', 'description', 'priority', 'effect', 'when', 'when_any', 'approval', 'obligations'];
const RULE_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;
const LIST_NAME = /^[a-z][a-z0-9_]*$/;

/** One problem found while loading, with where it was written. */
export interface PolicyProblem extends SourceLocation {
  readonly message: string;
}

/** Thrown when a policy set is invalid; carries every problem found, not only the first. */
export class PolicyLoadError extends Error {
  override readonly name = 'PolicyLoadError';
  constructor(readonly problems: readonly PolicyProblem[]) {
    // Line 0: a problem with the folder itself, whose message names it.
    super(
      problems
        .map((p) => (p.line === 0 ? p.message : `${p.file}:${p.line}:${p.column}: ${p.message}`))
        .join('\n'),
    );
  }
}

/** How a policy set is loaded. */
export interface LoadOptions {
  /** Inspector ids that `signals.<id>` may name; unknown ones are load errors. */
  readonly knownInspectors?: ReadonlySet<string>;
  /** Report rules another rule makes unreachable as errors (default true). */
  readonly checkUnreachable?: boolean;
}

/** One policy file's name (as shown in messages) and text. */
export interface SourceFile {
  readonly name: string;
  readonly text: string;
}

/** Compiles policy sources (one or more YAML documents); throws PolicyLoadError listing every problem. */
export function compilePolicySources(files: readonly SourceFile[], options: LoadOptions = {}): PolicySet {
  const problems: PolicyProblem[] = [];
  const lists: Record<string, readonly string[]> = {};
  const shellAllowlists = new Map<string, ShellAllowlist>();
  const shellGlobs = new ShellGlobs();
  const rawRules: { node: Node; file: string; lc: LineCounter }[] = [];
  const rawResponseRules: { node: Node; file: string; lc: LineCounter }[] = [];
  let timezone = 'UTC';
  let paranoia: ParanoiaLevel | undefined;
  let mcpTokenAudience: 'enforce' | 'off' | undefined;
  const unboundHeaders: UnboundHeaderRule[] = [];
  // Where the mcp_endpoints list was written, to name it when mcp_paths does not cover it.
  let mcpEndpointsReport: ((message: string) => void) | null = null;
  if (files.length === 0)
    problems.push({ file: '(policy folder)', line: 1, column: 1, message: 'no policy files found' });

  for (const file of files) {
    const lc = new LineCounter();
    const doc = parseDocument(file.text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false });
    const at = (node: Node | null | undefined): SourceLocation => {
      const pos = lc.linePos(node?.range?.[0] ?? 0);
      return { file: file.name, line: pos.line, column: pos.col };
    };
    const report = (node: Node | null | undefined, message: string) =>
      problems.push({ ...at(node), message });
    for (const err of doc.errors) {
      const pos = lc.linePos(err.pos[0]);
      problems.push({
        file: file.name,
        line: pos.line,
        column: pos.col,
        message: `YAML syntax: ${err.message.split('\n')[0] ?? ''}`,
      });
    }
    if (doc.errors.length > 0) continue;
    const root = doc.contents;
    if (!isMap(root)) {
      report(root, 'a policy file is a mapping with apiVersion, lists and rules');
      continue;
    }
    for (const pair of root.items as Pair<Node, Node>[]) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      if (!TOP_KEYS.includes(key))
        report(pair.key, `unknown field "${key}" (expected one of ${TOP_KEYS.join(', ')})`);
    }
    const api = root.get('apiVersion', true) as Node | undefined;
    if (!isScalar(api) || api.value !== POLICY_API_VERSION)
      report(api ?? root, `apiVersion must be "${POLICY_API_VERSION}"`);
    const kind = root.get('kind', true) as Node | undefined;
    if (kind !== undefined && (!isScalar(kind) || kind.value !== 'PolicySet'))
      report(kind, 'kind must be "PolicySet"');

    const settings = root.get('settings', true) as Node | undefined;
    if (settings !== undefined) {
      if (!isMap(settings)) report(settings, 'settings must be a mapping');
      else
        for (const pair of settings.items as Pair<Node, Node>[]) {
          const key = isScalar(pair.key) ? String(pair.key.value) : '';
          if (key === 'unbound_headers')
            unboundHeaders.push(...readUnboundHeaders(pair.value ?? pair.key, report));
          else if (key === 'paranoia') {
            const v = isScalar(pair.value) ? pair.value.value : undefined;
            if (isParanoiaLevel(v)) paranoia = v;
            else report(pair.value ?? pair.key, 'paranoia must be 1, 2, 3 or 4 (docs/inspectors.md)');
          } else if (key === 'mcp_token_audience') {
            const v = isScalar(pair.value) ? pair.value.value : undefined;
            if (v === 'enforce' || v === 'off') mcpTokenAudience = v;
            else report(pair.value ?? pair.key, 'mcp_token_audience must be enforce or off (docs/mcp.md)');
          } else if (key !== 'timezone')
            report(
              pair.key,
              `unknown setting "${key}" (expected timezone, unbound_headers, paranoia or mcp_token_audience)`,
            );
          else if (
            !isScalar(pair.value) ||
            typeof pair.value.value !== 'string' ||
            !validTimezone(pair.value.value)
          ) {
            report(pair.value, 'timezone must be an IANA time zone name such as "Europe/Berlin"');
          } else timezone = pair.value.value;
        }
    }

    const listsNode = root.get('lists', true) as Node | undefined;
    if (listsNode !== undefined) {
      if (!isMap(listsNode)) report(listsNode, 'lists must be a mapping of name to a list of strings');
      else
        for (const pair of listsNode.items as Pair<Node, Node>[]) {
          const name = isScalar(pair.key) ? String(pair.key.value) : '';
          if (!LIST_NAME.test(name)) report(pair.key, `list name "${name}" must be lower_snake_case`);
          else if (lists[name] !== undefined) report(pair.key, `list "${name}" is defined twice`);
          else if (
            !isSeq(pair.value) ||
            !pair.value.items.every((i) => isScalar(i) && typeof i.value === 'string')
          ) {
            report(pair.value, `list "${name}" must be a list of strings`);
          } else {
            lists[name] = pair.value.items.map((i) => String((i as { value: unknown }).value));
            if (name === 'mcp_endpoints') {
              const node = pair.value;
              mcpEndpointsReport = (message) => report(node, message);
            }
            // Normalize reads this list as endpoints: one it cannot parse stops the load here, not a decision.
            const parseEndpoint =
              name === 'mcp_endpoints'
                ? parseMcpEndpoint
                : name === 'a2a_endpoints'
                  ? parseA2aEndpoint
                  : null;
            if (parseEndpoint !== null)
              for (const item of pair.value.items as Node[])
                try {
                  parseEndpoint(String((item as { value: unknown }).value));
                } catch (err) {
                  report(item, (err as Error).message);
                }
          }
        }
    }

    const rulesNode = root.get('rules', true) as Node | undefined;
    const shellNode = root.get('shell_allowlists', true) as Node | undefined;
    if (shellNode !== undefined) compileShellAllowlists(shellNode, doc, shellAllowlists, report, shellGlobs);

    if (rulesNode !== undefined) {
      if (!isSeq(rulesNode)) report(rulesNode, 'rules must be a list');
      else for (const item of rulesNode.items as Node[]) rawRules.push({ node: item, file: file.name, lc });
    }
    const responseNode = root.get('response_rules', true) as Node | undefined;
    if (responseNode !== undefined) {
      if (!isSeq(responseNode)) report(responseNode, 'response_rules must be a list');
      else
        for (const item of responseNode.items as Node[])
          rawResponseRules.push({ node: item, file: file.name, lc });
    }
  }

  const mcpPaths = lists['mcp_paths'];
  const mcpEndpoints = lists['mcp_endpoints'];
  if (mcpPaths !== undefined && mcpEndpoints !== undefined && mcpEndpointsReport !== null)
    for (const endpoint of mcpEndpointsNotCovered(mcpEndpoints, mcpPaths))
      mcpEndpointsReport(
        `MCP endpoint "${endpoint}" has a path no mcp_paths entry matches: the MCP rules would never match its calls (add its path to mcp_paths)`,
      );

  const env: DimensionEnv = dimensionEnv(timezone);
  const shell: ShellAllowlists = (name) => {
    const list = shellAllowlists.get(name);
    return list === undefined ? undefined : (value) => shellAllowedBy(list, value);
  };
  const rules: CompiledRule[] = [];
  const responseRules: CompiledResponseRule[] = [];
  // One id space for both directions: an audit record names a rule by its id alone.
  const seen = new Map<string, SourceLocation>();
  const compileAll = (raw: typeof rawRules, effects: readonly string[], out: { id: string }[]) => {
    for (const { node, file, lc } of raw) {
      const at = (n: Node | null | undefined): SourceLocation => {
        const pos = lc.linePos(n?.range?.[0] ?? node.range?.[0] ?? 0);
        return { file, line: pos.line, column: pos.col };
      };
      const report = (n: Node | null | undefined, message: string) => problems.push({ ...at(n), message });
      const rule = compileRule(node, { lists, shell }, env, options, at, report, out.length, effects);
      if (rule === null) continue;
      const dup = seen.get(rule.id);
      if (dup !== undefined) report(node, `rule id "${rule.id}" is already used at ${dup.file}:${dup.line}`);
      else seen.set(rule.id, rule.location);
      out.push(rule);
    }
  };
  compileAll(rawRules, EFFECTS, rules);
  compileAll(rawResponseRules, RESPONSE_EFFECTS, responseRules);
  if (problems.length > 0) throw new PolicyLoadError(problems);
  const byPriority = (a: { priority: number; id: string }, b: { priority: number; id: string }) =>
    b.priority - a.priority || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  rules.sort(byPriority);
  responseRules.sort(byPriority);
  const ordered = rules.map((r, ordinal) => ({ ...r, ordinal }));
  if (options.checkUnreachable !== false) {
    for (const { rule, coveredBy: by } of findUnreachableRules(ordered)) {
      const why =
        EFFECT_STRENGTH[by.effect] > EFFECT_STRENGTH[rule.effect]
          ? `its effect ${by.effect} wins over ${rule.effect}`
          : `it comes first with the same effect`;
      problems.push({
        ...rule.location,
        message:
          `rule "${rule.id}" is unreachable: rule "${by.id}" at ${by.location.file}:${by.location.line}:${by.location.column} ` +
          `(priority ${by.priority}) matches every request it matches and ${why}; narrow or remove one of them`,
      });
    }
    if (problems.length > 0) throw new PolicyLoadError(problems);
  }
  const hash = createHash('sha256');
  for (const f of files) hash.update(`${f.name}\0${f.text}\0`);
  return {
    version: hash.digest('hex').slice(0, 16),
    rules: ordered,
    responseRules: responseRules.map((r, ordinal) => ({ ...r, ordinal })),
    lists,
    timezone,
    ...(paranoia === undefined ? {} : { paranoia }),
    ...(mcpTokenAudience === undefined ? {} : { mcpTokenAudience }),
    ...(unboundHeaders.length === 0
      ? {}
      : {
          unboundHeaders: Object.freeze(unboundHeaders),
          unboundHeaderSets: new UnboundHeaderSets(Object.freeze(unboundHeaders)),
        }),
    files: files.map((f) => f.name),
    sealedFiles: files.filter((f) => isSealed(f.text)).map((f) => f.name),
    ruleById: new Map(ordered.map((r) => [r.id, r])),
    index: buildRuleIndex(ordered),
  };
}

function validTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function compileRule(
  node: Node,
  { lists, shell }: { readonly lists: NamedLists; readonly shell: ShellAllowlists },
  env: DimensionEnv,
  options: LoadOptions,
  at: (n: Node | null | undefined) => SourceLocation,
  report: (n: Node | null | undefined, message: string) => void,
  ordinal: number,
  effects: readonly string[],
): CompiledRule | null {
  if (!isMap(node)) {
    report(node, 'a rule is a mapping with id, effect and conditions');
    return null;
  }
  let ok = true;
  const bad = (n: Node | null | undefined, message: string) => {
    ok = false;
    report(n, message);
  };
  const get = (k: string) => node.get(k, true) as Node | undefined;
  const idNode = get('id');
  const id = isScalar(idNode) && typeof idNode.value === 'string' ? idNode.value : '';
  const name = id === '' ? 'rule' : `rule "${id}"`;
  if (!RULE_ID.test(id)) bad(idNode ?? node, `${name}: id must be lower-kebab-case, 1-64 characters`);
  for (const pair of node.items as Pair<Node, Node>[]) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (!RULE_KEYS.includes(key))
      bad(pair.key, `unknown field "${key}" in ${name} (expected one of ${RULE_KEYS.join(', ')})`);
  }
  const effectNode = get('effect');
  const effect = isScalar(effectNode) ? String(effectNode.value) : '';
  if (!effects.includes(effect))
    bad(effectNode ?? node, `${name}: effect must be one of ${effects.join(', ')}`);
  const descNode = get('description');
  if (descNode !== undefined && !(isScalar(descNode) && typeof descNode.value === 'string'))
    bad(descNode, `${name}: description must be text`);
  const prioNode = get('priority');
  const priority = isScalar(prioNode) ? prioNode.value : 0;
  if (prioNode !== undefined && !(typeof priority === 'number' && Number.isInteger(priority)))
    bad(prioNode, `${name}: priority must be an integer`);

  const groups: CompiledCondition[][] = [];
  const whenNode = get('when');
  const whenAny = get('when_any');
  if (whenNode !== undefined && whenAny !== undefined)
    bad(whenAny, `${name}: use either when or when_any, not both`);
  const compileGroup = (group: Node): CompiledCondition[] | null => {
    if (!isMap(group)) {
      bad(group, `${name}: conditions are a mapping of dimension to condition`);
      return null;
    }
    const out: CompiledCondition[] = [];
    for (const pair of group.items as Pair<Node, Node>[]) {
      const dimName = isScalar(pair.key) ? String(pair.key.value) : '';
      const dim = findDimension(dimName, options.knownInspectors);
      if ('error' in dim) {
        bad(pair.key, `${name}: ${dim.error}`);
        continue;
      }
      const spec: unknown = pair.value === null ? null : pair.value.toJSON();
      try {
        const holds = compileSpec(spec, dim.type, lists, shell);
        const read = (input: PolicyInput) => dim.read(input, env);
        const oneOf = equalitySet(spec, dim.type, lists);
        // A value not in the canonical form these dimensions take could never match: a deny that never fires.
        if (CANONICAL_NAME_DIMENSIONS.has(dimName) && oneOf !== undefined) {
          for (const v of oneOf) {
            const canonical = typeof v === 'string' ? canonicalResourceName(v) : v;
            if (canonical !== v)
              throw new ConditionError(
                `values are matched lower-case, trimmed and NFKC-folded: write ${JSON.stringify(canonical)}, not ${JSON.stringify(v)}`,
              );
          }
        }
        out.push({
          dimension: dimName,
          source: JSON.stringify(spec),
          read,
          holds,
          test: (input) => holds(dim.read(input, env)),
          ...(oneOf === undefined ? {} : { oneOf }),
          location: at(pair.key),
        });
      } catch (err) {
        if (!(err instanceof ConditionError)) throw err;
        bad(pair.value ?? pair.key, `${name}: condition on "${dimName}": ${err.message}`);
      }
    }
    // SECURITY: program names say nothing about arguments or redirections (`git -c core.pager=sh log`,
    // `echo x > /etc/cron.d/x`); an allow that reads them must say what the programs may be given.
    const named = out.find((c) => c.dimension === 'action.command' || c.dimension === 'action.commands');
    if ((effect === 'allow' || effect === 'allow_with_obligations') && named !== undefined)
      if (!out.some((c) => c.dimension === 'action.shell'))
        bad(
          group.items.find((p) => isScalar(p.key) && p.key.value === named.dimension)?.key as
            Node | undefined,
          `${name}: an ${effect} rule on "${named.dimension}" allows any arguments and redirections; add "action.shell: { allowed_by: $<shell allowlist> }" (docs/policy.md, shell allowlists)`,
        );
    return out;
  };
  if (whenNode !== undefined) {
    const g = compileGroup(whenNode);
    if (g !== null) groups.push(g);
  } else if (whenAny !== undefined) {
    if (!isSeq(whenAny) || whenAny.items.length === 0)
      bad(whenAny, `${name}: when_any must be a non-empty list of condition mappings`);
    else
      for (const item of whenAny.items as Node[]) {
        const g = compileGroup(item);
        if (g !== null) groups.push(g);
      }
  } else {
    groups.push([]);
  }

  let approval: ApprovalSettings | undefined;
  let obligations: Obligations | undefined;
  const approvalNode = get('approval');
  const obligationsNode = get('obligations');
  if (effect === 'require_approval') {
    approval = parseApproval(approvalNode, name, bad);
  } else if (approvalNode !== undefined)
    bad(approvalNode, `${name}: approval applies only to effect require_approval`);
  if (effect === 'allow_with_obligations') {
    if (obligationsNode === undefined) bad(node, `${name}: effect allow_with_obligations needs obligations`);
    else obligations = parseObligations(obligationsNode, name, bad);
  } else if (obligationsNode !== undefined)
    bad(obligationsNode, `${name}: obligations apply only to effect allow_with_obligations`);

  if (!ok) return null;
  const description = isScalar(descNode) ? String(descNode.value) : '';
  return {
    id,
    description,
    priority: priority as number,
    effect: effect as Effect,
    anyOf: groups,
    ...(approval === undefined ? {} : { approval }),
    ...(obligations === undefined ? {} : { obligations }),
    location: at(node),
    ordinal,
  };
}

const DURATION = /^(\d+)(s|m|h)$/;

function seconds(text: unknown): number | null {
  const m = typeof text === 'string' ? DURATION.exec(text) : null;
  if (m === null) return null;
  return Number(m[1]) * (m[2] === 'h' ? 3600 : m[2] === 'm' ? 60 : 1);
}

function parseApproval(
  node: Node | undefined,
  name: string,
  bad: (n: Node | null | undefined, m: string) => void,
): ApprovalSettings | undefined {
  if (node === undefined) return { approvers: [], webhooks: [], ttlSeconds: 900 };
  const value = node.toJSON() as unknown;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    bad(node, `${name}: approval must be a mapping with approvers, webhooks, ttl`);
    return undefined;
  }
  const v = value as Record<string, unknown>;
  for (const k of Object.keys(v))
    if (!['approvers', 'webhooks', 'ttl'].includes(k)) bad(node, `${name}: unknown approval field "${k}"`);
  const strings = (x: unknown) => Array.isArray(x) && x.every((s) => typeof s === 'string');
  if (v['approvers'] !== undefined && !strings(v['approvers']))
    bad(node, `${name}: approval.approvers must be a list of strings`);
  if (v['webhooks'] !== undefined && !strings(v['webhooks']))
    bad(node, `${name}: approval.webhooks must be a list of strings`);
  const ttl = v['ttl'] === undefined ? 900 : seconds(v['ttl']);
  if (ttl === null || ttl <= 0)
    bad(node, `${name}: approval.ttl must be a duration such as "15m", "900s" or "1h"`);
  return {
    approvers: (v['approvers'] as string[] | undefined) ?? [],
    webhooks: (v['webhooks'] as string[] | undefined) ?? [],
    ttlSeconds: ttl ?? 900,
  };
}

function parseObligations(
  node: Node,
  name: string,
  bad: (n: Node | null | undefined, m: string) => void,
): Obligations | undefined {
  const value = node.toJSON() as unknown;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    bad(node, `${name}: obligations must be a mapping`);
    return undefined;
  }
  const v = value as Record<string, unknown>;
  const out: {
    mask?: string[];
    rate?: { limit: number; windowSeconds: number };
    sandbox?: string;
    quarantine?: boolean;
  } = {};
  for (const k of Object.keys(v)) {
    const x = v[k];
    switch (k) {
      case 'mask':
        if (!Array.isArray(x) || !x.every((s) => typeof s === 'string') || x.length === 0)
          bad(node, `${name}: obligations.mask must be a list of field paths`);
        else out.mask = x;
        break;
      case 'rate': {
        const r = x as Record<string, unknown> | null;
        const window = seconds(r?.['window']);
        if (
          r === null ||
          typeof r !== 'object' ||
          !Number.isInteger(r['limit']) ||
          (r['limit'] as number) <= 0 ||
          window === null
        ) {
          bad(node, `${name}: obligations.rate needs limit (a positive integer) and window (such as "1m")`);
        } else out.rate = { limit: r['limit'] as number, windowSeconds: window };
        break;
      }
      case 'sandbox':
        if (typeof x !== 'string' || x.length === 0)
          bad(node, `${name}: obligations.sandbox must name a sandbox profile`);
        else out.sandbox = x;
        break;
      case 'quarantine':
        if (typeof x !== 'boolean') bad(node, `${name}: obligations.quarantine must be true or false`);
        else out.quarantine = x;
        break;
      default:
        bad(node, `${name}: unknown obligation "${k}" (expected mask, rate, sandbox, quarantine)`);
    }
  }
  return out;
}
