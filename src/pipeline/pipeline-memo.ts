/** The caches one pipeline's decisions share, owned by that pipeline instance and never by a module. */
import { TokenCodec } from './bind/execution-token.js';
import { inspectorConfigFrom, normalizeConfigFrom, type PipelineSettings } from './deps.js';
import type { InspectorConfig } from './inspect/inspector.js';
import type { NormalizeConfig } from './normalize/index.js';
import { NormalizeMemo } from './normalize/normalize-memo.js';
import type { PolicySet } from './policy/types.js';
import { ShellReadingMemo } from './shell/shell-reader.js';

/**
 * Per-pipeline memo, created in createPipeline and passed to the roles. Both configs depend only on
 * the policy set and the settings, which change on reload, not per call: each is built once, frozen,
 * so every decision shares it and the caches keyed on it keep hitting. Weakly keyed: a replaced policy
 * set is dropped with its configs.
 */
export class PipelineMemo {
  readonly #inspectorConfigs = new WeakMap<PolicySet, InspectorConfig>();
  readonly #normalizeConfigs = new WeakMap<InspectorConfig, WeakMap<PipelineSettings, NormalizeConfig>>();
  /** Authorities and principals, shared by every config this pipeline builds (kept across reloads). */
  readonly #normalize = new NormalizeMemo();
  /** Mints and verifies this pipeline's execution tokens (its token id pool and per-key header memos). */
  readonly tokens = new TokenCodec();
  /** Reads command lines for this pipeline's adapters, inspectors and policy, each line once. */
  readonly shell = new ShellReadingMemo();

  /** The inspector settings of this policy set, built once per set. */
  inspectorConfig(set: PolicySet): InspectorConfig {
    let config = this.#inspectorConfigs.get(set);
    if (config === undefined) {
      config = Object.freeze({ ...inspectorConfigFrom(set), shell: this.shell });
      this.#inspectorConfigs.set(set, config);
    }
    return config;
  }

  /** The normalization settings for these inspector settings and pipeline settings, built once per pair. */
  normalizeConfig(cfg: InspectorConfig, settings: PipelineSettings): NormalizeConfig {
    let bySettings = this.#normalizeConfigs.get(cfg);
    if (bySettings === undefined) {
      bySettings = new WeakMap();
      this.#normalizeConfigs.set(cfg, bySettings);
    }
    let config = bySettings.get(settings);
    if (config === undefined) {
      config = normalizeConfigFrom(cfg, settings, this.#normalize, this.shell);
      bySettings.set(settings, config);
    }
    return config;
  }
}
