/** The inspector registry: the default set, and inspectAction, which collects, decodes and inspects one action. */
import type { Action } from '../model/action.js';
import type { Finding } from '../model/finding.js';
import { collectLeaves } from './collect-leaves.js';
import { expandLeaves } from './decode/expand-leaves.js';
import type { Inspector, InspectorConfig } from './inspector.js';
import { commandInjectionInspector } from './inspectors/command-injection.js';
import { crossTrustBoundaryInspector } from './inspectors/cross-trust-boundary.js';
import { destructiveOpInspector } from './inspectors/destructive-op.js';
import { deriveEncodedAttackFindings, encodingEvasionInspector } from './inspectors/encoding-evasion.js';
import { exfiltrationInspector } from './inspectors/exfiltration.js';
import { pathTraversalInspector } from './inspectors/path-traversal.js';
import { piiInspector } from './inspectors/pii.js';
import { promptInjectionInspector } from './inspectors/prompt-injection.js';
import { secretsInspector } from './inspectors/secrets.js';
import { sqlInjectionInspector } from './inspectors/sql-injection.js';
import { ssrfEgressInspector } from './inspectors/ssrf-egress.js';
import { toolPoisoningInspector } from './inspectors/tool-poisoning.js';
import { redactCredentialEvidence } from './header-leaves.js';
import { makeLeafViews } from './lib/leaf-traits.js';
import { WordVocabulary } from './lib/word-gates.js';
import { runInspectors, runInspectorsPaced } from './run-inspectors.js';

/** All twelve inspectors, in the order their findings are reported. */
export const DEFAULT_INSPECTORS: readonly Inspector[] = Object.freeze([
  promptInjectionInspector,
  piiInspector,
  secretsInspector,
  sqlInjectionInspector,
  destructiveOpInspector,
  pathTraversalInspector,
  commandInjectionInspector,
  ssrfEgressInspector,
  exfiltrationInspector,
  crossTrustBoundaryInspector,
  toolPoisoningInspector,
  encodingEvasionInspector,
]);

/**
 * A pipeline's inspectors with the one frozen vocabulary of every keyword list they declare (`gateWords`),
 * built at construction: each pipeline (and the inspection thread, and the response role) makes its own.
 */
export class InspectorRegistry {
  readonly vocabulary: WordVocabulary;

  constructor(readonly inspectors: readonly Inspector[] = DEFAULT_INSPECTORS) {
    this.vocabulary = new WordVocabulary(inspectors.flatMap((i) => i.gateWords ?? []));
  }

  /**
   * Inspects one action: collect every string leaf, add decoded forms, run the inspectors. An inspector that
   * throws is a finding (`inspect.failed`); a bound reached throws ERR_INSPECTION_LIMIT (WritError): a deny.
   */
  inspect(
    action: Action,
    headers: Readonly<Record<string, string>>,
    config: InspectorConfig,
  ): { findings: Finding[]; leaves: number } {
    const inspectors = this.inspectors;
    const expanded = expandLeaves(collectLeaves(action, headers));
    const traits = expanded.traits;
    // Word sets are filled lazily, once per leaf, by the first inspector that asks.
    const views = makeLeafViews(expanded.leaves, this.vocabulary);
    const input = { action, leaves: expanded.leaves, config, traits, views };
    const findings = runInspectors(inspectors, input);
    // An attack that only shows after decoding is also an evasion; say so under encoding-evasion.
    if (inspectors.includes(encodingEvasionInspector)) {
      const derived = deriveEncodedAttackFindings(findings);
      for (let i = 0; i < derived.length; i++) findings.push(derived[i]!);
    }
    // SECURITY: findings land in the audit log; what an inspector saw in a credential header stays out.
    redactCredentialEvidence(findings);
    return { findings, leaves: expanded.leaves.length };
  }

  /**
   * `inspect` for a costly request: the same findings, with `between()` awaited after collecting, after
   * decoding and before each inspector, so other requests run in between (src/pipeline/pace.ts).
   */
  async inspectPaced(
    action: Action,
    headers: Readonly<Record<string, string>>,
    config: InspectorConfig,
    between: () => Promise<void>,
  ): Promise<{ findings: Finding[]; leaves: number }> {
    const inspectors = this.inspectors;
    const collected = collectLeaves(action, headers);
    await between();
    const expanded = expandLeaves(collected);
    const input = {
      action,
      leaves: expanded.leaves,
      config,
      traits: expanded.traits,
      views: makeLeafViews(expanded.leaves, this.vocabulary),
    };
    const findings = await runInspectorsPaced(inspectors, input, between);
    if (inspectors.includes(encodingEvasionInspector)) {
      const derived = deriveEncodedAttackFindings(findings);
      for (let i = 0; i < derived.length; i++) findings.push(derived[i]!);
    }
    // SECURITY: as in inspect: a costly request's findings reach the audit log the same way.
    redactCredentialEvidence(findings);
    return { findings, leaves: expanded.leaves.length };
  }
}

/**
 * One action inspected by a registry made for it (the CLI, tests); a pipeline keeps its own registry, so
 * its vocabulary is built once.
 */
export function inspectAction(
  action: Action,
  headers: Readonly<Record<string, string>>,
  config: InspectorConfig,
  inspectors: readonly Inspector[] = DEFAULT_INSPECTORS,
): { findings: Finding[]; leaves: number } {
  return new InspectorRegistry(inspectors).inspect(action, headers, config);
}

/** `inspectAction` for a costly request (see InspectorRegistry.inspectPaced). */
export function inspectActionPaced(
  action: Action,
  headers: Readonly<Record<string, string>>,
  config: InspectorConfig,
  between: () => Promise<void>,
  inspectors: readonly Inspector[] = DEFAULT_INSPECTORS,
): Promise<{ findings: Finding[]; leaves: number }> {
  return new InspectorRegistry(inspectors).inspectPaced(action, headers, config, between);
}
