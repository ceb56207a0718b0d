/**
 * docs/atlas-mapping.yaml against ATLAS 5.6: every id and name exists, every technique is mapped once,
 * controls are real, evidence exists, and every "prevents", "detects" and "partial" entry (of this mapping and
 * of docs/owasp-agentic-mapping.yaml) has a cause: a scenario whose expected decision names the mapped control.
 * The scenario runner (owasp-scenarios.test.ts) checks the same causes against the decisions it receives.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadScenarios } from '../../src/cli/scenario.js';
import { DEFAULT_INSPECTORS } from '../../src/pipeline/inspect/registry.js';
import { TAGS } from '../../src/pipeline/inspect/tags.js';
import { REASON_CODES } from '../../src/pipeline/errors.js';
import { causedEntries, causeProblems, loadOwaspMapping } from './support/mapping-cause.js';
import {
  COVERAGE_FILE,
  countLevels,
  LEVELS,
  loadAtlas,
  loadMapping,
  renderCoverage,
  ROOT,
} from '../../scripts/atlas-coverage.js';

const atlas = loadAtlas();
const mapping = loadMapping();
const byId = new Map(atlas.techniques.map((t) => [t.id, t]));
const entryOf = new Map(mapping.techniques.map((e) => [e.id, e]));
const inspectorIds = new Set(DEFAULT_INSPECTORS.map((i) => i.id));
const ruleIds = new Set(
  (
    parse(readFileSync(join(ROOT, 'policies', 'default.yaml'), 'utf8')) as { rules: { id: string }[] }
  ).rules.map((r) => r.id),
);
const scenarios = loadScenarios(join(ROOT, 'scenarios', 'owasp'));
const scenarioByPath = new Map(scenarios.map((s) => [s.file.slice(ROOT.length + 1), s]));

describe('ATLAS mapping', () => {
  it('is for the ATLAS release in test-data/mitre-atlas (101 techniques, 69 sub-techniques)', () => {
    expect(mapping.atlas_version).toBe(atlas.version);
    expect(atlas.techniques.filter((t) => t.parent === null)).toHaveLength(101);
    expect(atlas.techniques.filter((t) => t.parent !== null)).toHaveLength(69);
  });

  it('uses only ids that exist in ATLAS.yaml, each with its exact name', () => {
    for (const e of mapping.techniques) {
      const t = byId.get(e.id);
      expect(t, `${e.id} exists in ATLAS.yaml`).toBeDefined();
      expect(e.name, e.id).toBe(t?.name);
    }
  });

  it('maps every technique and sub-technique exactly once', () => {
    const ids = mapping.techniques.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    const unmapped = atlas.techniques.filter((t) => !entryOf.has(t.id)).map((t) => t.id);
    expect(unmapped).toEqual([]);
  });

  it('gives every entry a known level and a reason, and every applicable one its controls', () => {
    for (const e of mapping.techniques) {
      expect(LEVELS, e.id).toContain(e.level);
      expect(e.reason.length, `${e.id} reason`).toBeGreaterThan(20);
      if (e.level !== 'not-applicable')
        expect(e.controls?.length ?? 0, `${e.id} controls`).toBeGreaterThan(0);
      else expect(e.controls ?? [], `${e.id}: not applicable claims no control`).toEqual([]);
    }
  });

  it('names only real controls: registered inspectors, default-pack rules, documented mechanisms', () => {
    for (const e of mapping.techniques)
      for (const c of e.controls ?? []) {
        if (c.startsWith('inspector:')) expect(inspectorIds, `${e.id}: ${c}`).toContain(c.slice(10));
        else if (c.startsWith('rule:')) expect(ruleIds, `${e.id}: ${c}`).toContain(c.slice(5));
        else expect(Object.keys(mapping.controls), `${e.id}: ${c}`).toContain(c);
      }
  });

  it('cites only evidence files that exist', () => {
    for (const e of mapping.techniques)
      for (const f of e.evidence ?? []) expect(existsSync(join(ROOT, f)), `${e.id}: ${f}`).toBe(true);
  });

  it('names for each mechanism control the reason codes by which a decision names it', () => {
    for (const [control, codes] of Object.entries(mapping.control_codes)) {
      expect(Object.keys(mapping.controls), control).toContain(control);
      for (const code of codes) expect(Object.keys(REASON_CODES), `${control}: ${code}`).toContain(code);
    }
  });

  it('backs every "prevents", "detects" and "partial" entry with a cause: a scenario whose decision names the control', () => {
    const entries = causedEntries();
    // Both mappings take part: 10 OWASP items, and every ATLAS entry that claims a level.
    expect(entries.filter((e) => e.label.startsWith('owasp ')).map((e) => e.tag.id)).toEqual(
      loadOwaspMapping().items.map((i) => i.id),
    );
    expect(entries.length).toBe(
      10 + mapping.techniques.filter((e) => ['prevents', 'detects', 'partial'].includes(e.level)).length,
    );
    const problems = entries.flatMap((e) => causeProblems(e, scenarioByPath, mapping.control_codes));
    expect(problems).toEqual([]);
  });

  it('catches a cause that names a control the scenario does not decide by', () => {
    // The check must be able to fail: the same scenario, but naming a rule that did not decide it.
    const e = causedEntries().find((x) => x.label === 'atlas AML.T0072')!;
    const wrong = { ...e, controls: [...e.controls, 'rule:no-destructive-prod'] };
    const bad = { ...wrong, cause: [{ scenario: e.cause[0]!.scenario, names: 'rule:no-destructive-prod' }] };
    expect(causeProblems(bad, scenarioByPath, mapping.control_codes)).toHaveLength(1);
    const allowed = {
      ...e,
      cause: [
        {
          scenario: 'scenarios/owasp/ASI05-05-allowlisted-command-allowed.yaml',
          names: 'rule:shell-allowlisted-commands',
        },
      ],
      controls: [...e.controls, 'rule:shell-allowlisted-commands'],
    };
    // An allowed call cannot back "prevents", and the scenario is not tagged AML.T0072.
    expect(causeProblems(allowed, scenarioByPath, mapping.control_codes).join('\n')).toMatch(
      /while refusing/,
    );
  });

  it('OWASP mapping: one entry per item, known levels, real controls', () => {
    const items = loadOwaspMapping().items;
    expect(items.map((i) => i.id)).toEqual(
      Array.from({ length: 10 }, (_, i) => `ASI${String(i + 1).padStart(2, '0')}`),
    );
    for (const i of items) {
      expect(LEVELS, i.id).toContain(i.level);
      expect(i.reason.length, `${i.id} reason`).toBeGreaterThan(20);
      for (const c of i.controls) {
        if (c.startsWith('inspector:')) expect(inspectorIds, `${i.id}: ${c}`).toContain(c.slice(10));
        else if (c.startsWith('rule:')) expect(ruleIds, `${i.id}: ${c}`).toContain(c.slice(5));
        else expect(Object.keys(mapping.controls), `${i.id}: ${c}`).toContain(c);
      }
    }
  });

  it('maps every ATLAS tag of every inspector, naming that inspector as a control', () => {
    for (const inspector of DEFAULT_INSPECTORS) {
      const tags = (TAGS as Record<string, { atlas: readonly string[] }>)[inspector.id];
      for (const id of tags?.atlas ?? []) {
        const e = entryOf.get(id);
        expect(e?.level, `${inspector.id}: ${id}`).not.toBe('not-applicable');
        expect(e?.controls ?? [], `${id} names inspector:${inspector.id}`).toContain(
          `inspector:${inspector.id}`,
        );
      }
    }
  });

  it('maps every ATLAS tag of the OWASP scenarios as applicable', () => {
    for (const s of scenarios)
      for (const id of s.atlas ?? []) {
        expect(byId.has(id), `${s.file}: ${id}`).toBe(true);
        expect(entryOf.get(id)?.level, `${s.file}: ${id}`).not.toBe('not-applicable');
      }
  });

  it('maps the agent-specific techniques (tool invocation, tool poisoning, rug pull, exfiltration via tools)', () => {
    for (const id of [
      'AML.T0053',
      'AML.T0110',
      'AML.T0109',
      'AML.T0086',
      'AML.T0101',
      'AML.T0098',
      'AML.T0080',
    ])
      expect(entryOf.get(id)?.level, id).not.toBe('not-applicable');
  });

  it('reports the count per level, and docs/atlas-coverage.md is current', () => {
    const counts = countLevels(atlas.techniques, mapping);
    console.log(
      `ATLAS ${atlas.version} coverage: ${LEVELS.map((l) => `${l} ${counts[l].techniques}+${counts[l].subtechniques}`).join(', ')} (techniques+sub-techniques)`,
    );
    const total = LEVELS.reduce((n, l) => n + counts[l].techniques + counts[l].subtechniques, 0);
    expect(total).toBe(atlas.techniques.length);
    expect(readFileSync(COVERAGE_FILE, 'utf8'), 'run node --import tsx scripts/atlas-coverage.ts').toBe(
      renderCoverage(atlas, mapping),
    );
  });
});
