/**
 * A mapping level is true by cause: the scenario a "prevents", "detects" or "partial" entry cites must end
 * in a decision that names the mapped control among its reasons (a rule id, a finding id or the reason code
 * of a mechanism), and for "prevents" that decision must refuse. Shared by the static mapping checks and by
 * the scenario runner, which checks the causes against the decisions it actually received over gRPC.
 */
import { join } from 'node:path';
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
import type { Scenario, ScenarioExpect } from '../../../src/cli/scenario.js';
import { REASON_CODES } from '../../../src/pipeline/errors.js';
import { loadMapping, ROOT, type MappingCause } from '../../../scripts/atlas-coverage.js';

/** Decisions that refuse the call: the only ones that can back "prevents". */
export const REFUSED: ReadonlySet<string> = new Set(['DENY', 'REQUIRE_APPROVAL']);

/** Levels that claim a control acts on the technique, and so need a cause. */
export const CAUSED_LEVELS: ReadonlySet<string> = new Set(['prevents', 'detects', 'partial']);

/** What one decision gave as its reasons. */
export interface DecisionReasons {
  readonly decision: string;
  readonly code: string;
  readonly rules: readonly string[];
  readonly findings: readonly string[];
}

/** One mapping entry that claims a level, from either mapping, with what its causes must show. */
export interface CausedEntry {
  /** "atlas AML.T0050" or "owasp ASI05": names the entry in failure messages. */
  readonly label: string;
  /** The tag the cited scenario must carry (`atlas:` or `owasp:` list of the scenario file). */
  readonly tag: { readonly list: 'atlas' | 'owasp'; readonly id: string };
  readonly level: string;
  readonly controls: readonly string[];
  readonly cause: readonly MappingCause[];
}

/** Whether a decision names the control `named` ("rule:x", "finding:x" or "code:X") among its reasons. */
export function decisionNames(reasons: DecisionReasons, named: string): boolean {
  const colon = named.indexOf(':');
  const kind = named.slice(0, colon);
  const id = named.slice(colon + 1);
  if (colon <= 0 || id === '') return false;
  if (kind === 'rule') return reasons.rules.includes(id);
  if (kind === 'finding') return reasons.findings.some((f) => f === id || f.startsWith(`${id}.`));
  if (kind === 'code') return reasons.code === id;
  return false;
}

/** What a scenario expectation says the decision will name (the runner asserts every field of it). */
function expectedReasons(e: ScenarioExpect): DecisionReasons {
  return {
    decision: e.decision,
    code: e.code ?? '',
    rules: [...(e.rules ?? []), ...(e.rules_include ?? [])],
    findings: e.findings ?? [],
  };
}

/** The expectations of every call a scenario makes. */
export const expectationsOf = (s: Scenario): ScenarioExpect[] => [
  s.expect,
  ...(s.steps ?? []).map((x) => x.expect),
];

/** Whether one decision satisfies a cause of an entry at `level`. */
export function satisfies(level: string, reasons: DecisionReasons, named: string): boolean {
  if (level === 'prevents' && !REFUSED.has(reasons.decision)) return false;
  return decisionNames(reasons, named);
}

/** The caused entries of docs/atlas-mapping.yaml and docs/owasp-agentic-mapping.yaml. */
export function causedEntries(): CausedEntry[] {
  const atlas = loadMapping();
  const owasp = loadOwaspMapping();
  return [
    ...atlas.techniques
      .filter((e) => CAUSED_LEVELS.has(e.level))
      .map((e) => ({
        label: `atlas ${e.id}`,
        tag: { list: 'atlas' as const, id: e.id },
        level: e.level,
        controls: e.controls ?? [],
        cause: e.cause ?? [],
      })),
    ...owasp.items
      .filter((e) => CAUSED_LEVELS.has(e.level))
      .map((e) => ({
        label: `owasp ${e.id}`,
        tag: { list: 'owasp' as const, id: e.id },
        level: e.level,
        controls: e.controls,
        cause: e.cause ?? [],
      })),
  ];
}

/** One item of docs/owasp-agentic-mapping.yaml. */
export interface OwaspItem {
  readonly id: string;
  readonly name: string;
  readonly level: string;
  readonly controls: readonly string[];
  readonly cause?: readonly MappingCause[];
  readonly reason: string;
}

export const OWASP_MAPPING_FILE = join(ROOT, 'docs', 'owasp-agentic-mapping.yaml');

export function loadOwaspMapping(file = OWASP_MAPPING_FILE): { items: OwaspItem[] } {
  return parse(readFileSync(file, 'utf8')) as { items: OwaspItem[] };
}

/**
 * Static problems with the causes of one entry: none cited; a scenario that does not run or is not tagged
 * with the entry; a named control that is not one of the entry's controls; or an expectation of the scenario
 * that does not name it (with a refusal, for "prevents"). The runner then checks the real decisions.
 */
export function causeProblems(
  e: CausedEntry,
  scenarioByPath: ReadonlyMap<string, Scenario>,
  controlCodes: Readonly<Record<string, readonly string[]>>,
): string[] {
  const out: string[] = [];
  if (e.cause.length === 0) out.push(`${e.label} (${e.level}) cites no cause`);
  for (const c of e.cause) {
    const where = `${e.label} cause ${c.scenario} names ${c.names}`;
    const s = scenarioByPath.get(c.scenario);
    if (s === undefined || s.status === 'pending') {
      out.push(`${where}: not a scenario that runs`);
      continue;
    }
    // A scenario of a sub-technique (AML.T0011.001) is evidence of its technique (AML.T0011).
    const tags = s[e.tag.list] ?? [];
    if (!tags.some((t) => t === e.tag.id || t.startsWith(`${e.tag.id}.`)))
      out.push(`${where}: the scenario is not tagged ${e.tag.id}`);
    const colon = c.names.indexOf(':');
    const kind = c.names.slice(0, colon);
    const id = c.names.slice(colon + 1);
    if (kind === 'rule') {
      if (!e.controls.includes(c.names)) out.push(`${where}: ${c.names} is not among the entry's controls`);
    } else if (kind === 'finding') {
      if (!e.controls.includes(`inspector:${id.split('.')[0]}`))
        out.push(`${where}: inspector:${id.split('.')[0]} is not among the entry's controls`);
    } else if (kind === 'code') {
      if (!(id in REASON_CODES)) out.push(`${where}: ${id} is not a reason code`);
      if (!e.controls.some((k) => (controlCodes[k] ?? []).includes(id)))
        out.push(`${where}: no control of the entry decides with ${id} (control_codes)`);
    } else out.push(`${where}: names neither rule:, finding: nor code:`);
    if (!expectationsOf(s).some((x) => satisfies(e.level, expectedReasons(x), c.names)))
      out.push(
        `${where}: no expected decision of the scenario names it${e.level === 'prevents' ? ' while refusing' : ''}`,
      );
  }
  return out;
}

/** Causes whose scenario, as it ran, never produced a decision naming the control (refusing, for "prevents"). */
export function unmetCauses(
  entries: readonly CausedEntry[],
  observed: ReadonlyMap<string, readonly DecisionReasons[]>,
): string[] {
  const out: string[] = [];
  for (const e of entries)
    for (const c of e.cause) {
      const got = observed.get(c.scenario) ?? [];
      if (!got.some((r) => satisfies(e.level, r, c.names)))
        out.push(
          `${e.label} (${e.level}): ${c.scenario} decided [${got.map((r) => `${r.decision} ${r.code} rules=${r.rules.join(',')} findings=${r.findings.join(',')}`).join('; ')}], none naming ${c.names}`,
        );
    }
  return out;
}
