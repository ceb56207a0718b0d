/** The inspector interface: one stateless object per risk, run on every string leaf of an action. */
import type { Action } from '../model/action.js';
import type { Finding, Severity } from '../model/finding.js';
import type { ParanoiaLevel } from './lib/paranoia.js';
import type { GateWords, WordBits } from './lib/word-gates.js';
import type { ShellReader } from '../shell/shell-reader.js';

/**
 * Where a string leaf came from in the request. `resource` is an MCP resource identifier (a `uri` of an MCP
 * message other than tools/call): a name on the MCP server, never a path or URL on the gateway.
 */
export type LeafSource = 'arguments' | 'body' | 'header' | 'query' | 'url' | 'tool' | 'resource';

/** One string found anywhere in the action, with the JSON path that names it. */
export interface StringLeaf {
  /** `$.action.arguments.query`, `$.resource.query.q[0]`, `$.headers.referer`; decoded forms append `#base64`. */
  readonly path: string;
  /**
   * The key (property name) that held the value, lower-cased; array items carry the key of the property
   * holding the array; `""` for URL parts and items of a top-level array.
   */
  readonly key: string;
  readonly value: string;
  readonly source: LeafSource;
  /** The decoders applied to reach this value from the original text (empty for the original). */
  readonly decodedBy: readonly string[];
}

/** Deployment settings inspectors read; the same for every request until a reload. */
export interface InspectorConfig {
  /** Hosts an agent may call, as exact names or `*.suffix` globs. */
  readonly egressAllowlist: readonly string[];
  /** Domains inside the trust boundary (mail recipients, hosts), as exact names or `*.suffix` globs. */
  readonly internalDomains: readonly string[];
  /** Databases and environments that count as production. */
  readonly productionDatabases: readonly string[];
  /** Branches a force push must never reach. */
  readonly protectedBranches: readonly string[];
  /**
   * `settings.paranoia` (1-4, absent = 1, `lib/paranoia.ts`): which contexts values are judged in, and at what
   * severity, after the paranoia levels of the OWASP Core Rule Set.
   */
  readonly paranoia?: ParanoiaLevel;
  /** Where MCP servers are reached, `host[:port]/path` (`lists.mcp_endpoints`); read by normalize, not inspectors. */
  readonly mcpEndpoints?: readonly string[];
  /** Where A2A agents are reached, `host[:port]/path` (`lists.a2a_endpoints`); read by normalize, not inspectors. */
  readonly a2aEndpoints?: readonly string[];
  /** The hosts of GitHub and GitLab (`lists.github_hosts`, `lists.gitlab_hosts`); read by normalize, not inspectors. */
  readonly apiHosts?: { readonly github: readonly string[]; readonly gitlab: readonly string[] };
  /**
   * Optional pinned tool-definition hashes by `<server>/<tool>` (sha256 of the canonical definition), read by
   * tool-poisoning: a tools/list whose definition hash differs is a rug pull (`definition-changed`).
   */
  readonly pinnedToolHashes?: Readonly<Record<string, string>>;
  /**
   * Optional trust-on-first-use store for tools not pinned above: `pin(key, hash)` records the first hash seen
   * and returns the pinned one. Injected (memory or shared store), never module state.
   */
  readonly toolPinStore?: ToolPinStore;
  /**
   * Reads command lines (src/pipeline/shell/shell-reader.ts): the pipeline's reader, so its adapters,
   * inspectors and policy read each line once. Absent (a test, the CLI): read afresh. Never sent to the
   * inspection thread, which has its own.
   */
  readonly shell?: ShellReader;
}

/** Trust-on-first-use pins of tool definitions, read by tool-poisoning through InspectorConfig. */
export interface ToolPinStore {
  /** Records `hash` for `key` if none is pinned yet and returns the pinned hash. */
  pin(key: string, hash: string): string;
}

/** What an inspector receives: the frozen action and its string leaves, computed once per request. */
export interface InspectionInput {
  readonly action: Action;
  readonly leaves: readonly StringLeaf[];
  readonly config: InspectorConfig;
  /**
   * Optional per-request cache: the character classes of `leaves[i]` (`lib/leaf-traits.ts`), computed once so
   * inspectors skip regexes a leaf cannot match. Inspectors fall back to computing them when it is absent.
   */
  readonly traits?: ArrayLike<number>;
  /**
   * Optional per-request views (`lib/leaf-traits.ts` `LeafViews`): each leaf's keyword bits
   * (`lib/word-gates.ts`), computed lazily once and shared by every inspector that gates regexes on keywords.
   * Absent: inspectors compute their own.
   */
  readonly views?: { words(i: number): WordBits };
}

/** A risk inspector. Stateless and deterministic; must not mutate its input or throw on hostile input. */
export interface Inspector {
  /** Stable id: appears in findings (`<id>.<kind>`), rules (`signals.<id>`) and audit records. */
  readonly id: string;
  readonly version: string;
  /**
   * The keyword lists it gates regexes on (`lib/word-gates.ts`), as data: the registry instance builds one
   * frozen vocabulary from every inspector's lists at construction.
   */
  readonly gateWords?: readonly GateWords[];
  inspect(input: InspectionInput): readonly Finding[];
}

/** Builds a finding with the inspector's id and tags filled in. */
export function makeFinding(
  inspector: { readonly id: string },
  kind: string,
  severity: Severity,
  leafPath: string,
  evidence: string,
  tags: { readonly owasp: readonly string[]; readonly atlas: readonly string[] },
  count?: number,
): Finding {
  // One object, `count` appended last (where a spread would place it) only when there is one.
  const finding: { -readonly [K in keyof Finding]: Finding[K] } = {
    id: `${inspector.id}.${kind}`,
    inspector: inspector.id,
    severity,
    path: leafPath,
    evidence,
    owasp: tags.owasp,
    atlas: tags.atlas,
  };
  if (count !== undefined) finding.count = count;
  return finding;
}
