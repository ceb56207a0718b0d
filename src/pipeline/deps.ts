/** What the pipeline needs from the outside world, injected so the core stays pure and testable. */
import { DEFAULT_MCP_ENDPOINTS, parseMcpEndpoints } from './normalize/mcp-endpoint.js';
import { DEFAULT_A2A_ENDPOINTS, parseA2aEndpoints } from './normalize/a2a/endpoints.js';
import { canonicalResourceName } from './normalize/resource-name.js';
import { apiHostListsFrom } from './normalize/api/api-hosts.js';
import type { KeySet, Signer } from '../keys/signer.js';
import type { ApprovalRecord, QuarantineRecord, StateStore } from '../state/store.js';
import type { InspectorConfig } from './inspect/inspector.js';
import type { NormalizeConfig } from './normalize/index.js';
import type { NormalizeMemo } from './normalize/normalize-memo.js';
import type { ShellReader } from './shell/shell-reader.js';
import type { Action } from './model/action.js';
import type { KeepArguments } from './kept-arguments.js';
import type { RawRequest } from './model/raw-request.js';
import type { IdentityDeps } from './identity/stage.js';
import type { Finding, Severity } from './model/finding.js';
import type { ShadowDiff } from './policy/shadow.js';
import type { PolicySet } from './policy/types.js';
import type { AuditLog } from './audit-record/audit-log.js';

/** The minimal logger surface writ uses (pino's Logger satisfies it). */
export interface PipelineLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface PipelineSettings {
  /** Bodies larger than this are denied (ERR_BODY_TOO_LARGE); Envoy's max_request_bytes must match. */
  readonly maxBodyBytes: number;
  readonly tokenTtlSeconds: number;
  readonly clockSkewSeconds: number;
  /** Trust x-writ-agent/-tenant/-session headers (only behind a proxy that sets them); never x-writ-origin (originHops). */
  readonly trustAgentHeaders: boolean;
  /** A decision not made within this many ms is a deny (ERR_TIMEOUT). */
  readonly deadlineMs: number;
  /** Findings that quarantine the session (or subject) on sight; none by default. */
  readonly quarantineOn?: QuarantineSignals;
  /** MCP endpoints (`host[:port]/path`) from `--mcp-endpoints`; when set, they replace the policy set's list. */
  readonly mcpEndpoints?: readonly string[];
  /** A2A endpoints (`host[:port]/path`) from `--a2a-endpoints`; when set, they replace the policy set's list. */
  readonly a2aEndpoints?: readonly string[];
  /**
   * Workload identities that present tokens on an agent's behalf (the egress gateway whose own check role
   * minted them). The verify role accepts such a presenter for the subject the token names; anyone else
   * must be that subject (`ERR_TOKEN_SUBJECT`).
   */
  readonly tokenForwarders?: readonly string[];
  /**
   * Workload identities trusted to name where the content driving a call came from (`x-writ-origin`,
   * `context.origin`; `--origin-hops`). From any other peer the header is ignored. Absent: always ignored.
   */
  readonly originHops?: readonly string[];
  /** The longest `retry_after_s` a pending approval asks a client to wait (default 30). */
  readonly approvalRetryAfterSeconds?: number;
  /** How long a session taint lasts after its last mark, in ms (`--taint-ttl`; default one hour). */
  readonly taintTtlMs?: number;
}

/** Which findings quarantine a session: finding ids (or id prefixes such as `secrets`), or a severity floor. */
export interface QuarantineSignals {
  readonly findings: readonly string[];
  readonly minSeverity: Severity | null;
}

/** Side effects of enforcement the core only announces; the composition root does the I/O. */
export interface EnforceHooks {
  /**
   * A new pending approval: send the webhooks (the configured ones plus those the policy names). Must
   * not throw or block: the decision does not wait for delivery.
   */
  readonly approvalCreated?: (record: ApprovalRecord, webhooks: readonly string[]) => void;
  /** A session or subject was just quarantined. */
  readonly quarantined?: (record: QuarantineRecord) => void;
}

export const DEFAULT_SETTINGS: PipelineSettings = {
  maxBodyBytes: 1024 * 1024,
  tokenTtlSeconds: 60,
  clockSkewSeconds: 5,
  trustAgentHeaders: false,
  deadlineMs: 250,
};

export interface PipelineDeps {
  /** The live policy set; a getter so a hot reload swaps it atomically between decisions. */
  readonly policy: () => PolicySet;
  /** Runs the inspectors (with decoding) over a frozen action. */
  readonly inspect: (
    action: Action,
    headers: Readonly<Record<string, string>>,
    config: InspectorConfig,
    /** Set for a costly request: awaited between inspection steps (src/pipeline/pace.ts). */
    between?: () => Promise<void>,
  ) => readonly Finding[] | Promise<readonly Finding[]>;
  /**
   * Normalizes a costly request away from the decision's thread (src/inspect-worker/): parsing and reading a
   * worst-case body are the longest steps no checkpoint can cut. Absent: costly requests are normalized in line.
   */
  readonly normalizeCostly?: (
    raw: RawRequest,
    config: NormalizeConfig,
    between: () => Promise<void>,
    /**
     * Leave a single action's arguments and payload on that thread: the action comes back with stand-ins that
     * answer only the facts the decision's stages read (src/pipeline/kept-arguments.ts); `until-inspected`,
     * and `inspect` with `between` inspects it there.
     */
    keepArguments: KeepArguments,
  ) => Promise<Action>;
  readonly signer: Signer;
  readonly keys: KeySet;
  readonly store: StateStore;
  readonly audit: AuditLog;
  readonly now: () => number;
  readonly newTraceId: () => string;
  readonly log: PipelineLogger;
  readonly settings: PipelineSettings;
  /** A candidate policy set evaluated beside the live one: differences are recorded, never enforced. */
  readonly shadow?: {
    readonly policy: () => PolicySet;
    readonly record: (diff: ShadowDiff | null) => void;
  };
  readonly hooks?: EnforceHooks;
  /** Identity (trust domains, JWT issuers, API keys, delegation); absent: the peer principal only, no inbound role. */
  readonly identity?: IdentityDeps;
}

/** The normalization settings every role uses: the policy set's lists plus the header trust setting. */
export function normalizeConfigFrom(
  cfg: InspectorConfig,
  settings: PipelineSettings,
  memo?: NormalizeMemo,
  shell?: ShellReader,
): NormalizeConfig {
  return Object.freeze({
    internalDomains: cfg.internalDomains,
    productionDatabases: cfg.productionDatabases,
    trustAgentHeaders: settings.trustAgentHeaders,
    maxBodyBytes: settings.maxBodyBytes,
    mcpEndpoints: parseMcpEndpoints(settings.mcpEndpoints ?? cfg.mcpEndpoints ?? DEFAULT_MCP_ENDPOINTS),
    a2aEndpoints: parseA2aEndpoints(settings.a2aEndpoints ?? cfg.a2aEndpoints ?? DEFAULT_A2A_ENDPOINTS),
    ...(cfg.apiHosts === undefined ? {} : { apiHosts: cfg.apiHosts }),
    ...(memo === undefined ? {} : { memo }),
    ...(shell === undefined ? {} : { shell }),
  });
}

/** The inspector settings a policy set's named lists define. */
export function inspectorConfigFrom(set: PolicySet): InspectorConfig {
  return Object.freeze({
    egressAllowlist: set.lists['egress_allowlist'] ?? [],
    internalDomains: set.lists['internal_domains'] ?? [],
    // Compared with resource.database, which is in canonical form (normalize/resource-name.ts).
    productionDatabases: (set.lists['production_databases'] ?? []).flatMap(
      (d) => canonicalResourceName(d) ?? [],
    ),
    protectedBranches: set.lists['protected_branches'] ?? ['main', 'master'],
    ...(set.paranoia === undefined ? {} : { paranoia: set.paranoia }),
    ...(set.lists['mcp_endpoints'] === undefined ? {} : { mcpEndpoints: set.lists['mcp_endpoints'] }),
    ...(set.lists['a2a_endpoints'] === undefined ? {} : { a2aEndpoints: set.lists['a2a_endpoints'] }),
    apiHosts: apiHostListsFrom(set.lists),
  });
}
