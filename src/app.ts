/**
 * The composition root, read as the list of writ's parts: each is built from configuration by its own
 * `from-config` module, in order, and everything opened is closed again in reverse, on a failed start too.
 */
import { randomUUID } from 'node:crypto';
import { pino, type Logger } from 'pino';
import { approvalWarnings, approversConfigured } from './admin/approval-readiness.js';
import { approvalHooksFromConfig, startAdminFromConfig } from './admin/from-config.js';
import { meteredPipeline, policyMetricsOf } from './admin/decision-metrics.js';
import { MetricsRegistry } from './admin/metrics.js';
import { RecentDecisions } from './admin/recent-decisions.js';
import type { WebhookSender } from './admin/webhook-sender.js';
import type { AnchoringStats, CheckpointingAuditLog } from './audit/checkpointer.js';
import { openAuditFromConfig } from './audit/from-config.js';
import type { SinkStats } from './audit/siem/exporter.js';
import type { ServerConfig } from './config.js';
import { configuredListeners } from './extauthz/from-config.js';
import { startTransport, type RoleListener } from './extauthz/server.js';
import { extProcAddress, startExtProcFromConfig } from './extproc/from-config.js';
import { createIdentityDeps } from './identity/from-config.js';
import type { JwksCache } from './identity/jwt-verifier.js';
import { keyRingFromConfig } from './keys/from-config.js';
import type { KeyRing, RootSigner } from './keys/key-ring.js';
import type { Signer } from './keys/signer.js';
import { OpenedParts } from './opened-parts.js';
import type { PipelineDeps } from './pipeline/deps.js';
import { createPipeline, type Pipeline } from './pipeline/index.js';
import { InspectWorker } from './inspect-worker/pool.js';
import { DEFAULT_INSPECTORS, InspectorRegistry } from './pipeline/inspect/registry.js';
import type { Role } from './pipeline/model/raw-request.js';
import type { PolicySet } from './pipeline/policy/types.js';
import { pipelineSettingsFromConfig, shadowFromConfig } from './core-from-config.js';
import { openPolicyFromConfig } from './policy-files.js';
import { storeFromConfig } from './state/from-config.js';
import type { StateStore } from './state/store.js';
import { inspectionThreadFailure, warmUpDecisionPath } from './warm-up.js';

export interface WritOptions {
  readonly config: ServerConfig;
  /** Injected clock (tests); defaults to Date.now. */
  readonly now?: () => number;
  readonly logger?: Logger;
  /** Override the listeners (tests bind port 0); defaults to the configured ports. */
  readonly listeners?: readonly RoleListener[];
  readonly store?: StateStore;
  readonly signer?: Signer;
  /** A root key to use instead of the configured one (tests: a KMS signer against a loopback fake). */
  readonly root?: RootSigner;
  /** Start the admin HTTP server (default: when adminPort is not 0). */
  readonly admin?: boolean;
  /** Where the ext_proc role listens; default: the configured port, unless `listeners` is overridden. */
  readonly extproc?: { readonly host: string; readonly port: number };
  /** The JWKS cache of the JWT issuers (tests: a short refresh cooldown, to exercise key rotation). */
  readonly jwksCache?: JwksCache;
  /** Webhook retry timing (tests shorten it). */
  readonly webhookRetry?: { readonly baseDelayMs: number; readonly maxAttempts: number };
}

export interface WritInstance {
  readonly ports: Readonly<Partial<Record<Role | 'admin' | 'extproc', number>>>;
  readonly pipeline: Pipeline;
  readonly policy: () => PolicySet;
  readonly signer: Signer;
  /** Current, next and retired token keys; `rotate()` switches keys without downtime. */
  readonly keyRing: KeyRing;
  /** The hash-chained audit log, with signed checkpoints (`checkpoint()` writes one now). */
  readonly audit: CheckpointingAuditLog;
  /** Checkpoint and anchoring counters (for /metrics: a non-zero consecutiveFailures is an alert). */
  readonly anchoring: () => AnchoringStats;
  /** SIEM export counters per sink (sent, dropped, failures, queued), for /metrics. */
  readonly siem: () => Readonly<Record<string, SinkStats>>;
  readonly logger: Logger;
  readonly store: StateStore;
  readonly metrics: MetricsRegistry;
  /** Approval webhooks in flight; `idle()` waits for them (tests). */
  readonly webhooks: WebhookSender;
  close(): Promise<void>;
}

/** Loads policy and keys, opens the audit log, and starts serving. Throws on invalid policy or config. */
export async function startWrit(opts: WritOptions): Promise<WritInstance> {
  const { config } = opts;
  const now = opts.now ?? Date.now;
  const logger =
    opts.logger ?? pino({ level: config.logLevel, base: { service: 'writ' } }, pino.destination(2));
  const parts = new OpenedParts(logger);
  try {
    return await startParts(opts, config, now, logger, parts);
  } catch (err) {
    // SECURITY: a failed start leaves nothing running: no watcher, listener, open audit file or timer.
    await parts.closeAll(0);
    throw err;
  }
}

async function startParts(
  opts: WritOptions,
  config: ServerConfig,
  now: () => number,
  logger: Logger,
  parts: OpenedParts,
): Promise<WritInstance> {
  // Trust domains, XFCC, JWT issuers and API keys (docs/identity.md); a bad issuers or key file stops here.
  const identity = createIdentityDeps(
    config,
    opts.jwksCache === undefined ? {} : { jwksCache: opts.jwksCache },
  );
  // Rules may name only inspectors that exist: `signals.prompt-injecton` is a load error, not a silent no-match.
  const knownInspectors = new Set(DEFAULT_INSPECTORS.map((i) => i.id));
  // REQUIRE_APPROVAL rules with nobody able to approve are a dead end: said at start, on reload, in /readyz.
  const canApprove = approversConfigured(config);
  const metrics = new MetricsRegistry();
  const policyMetrics = policyMetricsOf(metrics);
  const policy = parts.add(
    'policy',
    openPolicyFromConfig(config, {
      knownInspectors,
      log: logger,
      onLive: (set) => {
        policyMetrics.live(set);
        for (const warning of approvalWarnings(set, canApprove))
          logger.warn({ alert: 'no-approver' }, warning);
      },
      onReloadError: () => policyMetrics.reloadFailed(),
    }),
    (p) => p.close(),
  );
  const audit = parts.add('audit', openAuditFromConfig(config, { now, log: logger }), (a) => a.close());
  // Key changes go into the chain: into the file until checkpoints wrap it.
  const keyRing = parts.add(
    'keys',
    await keyRingFromConfig(config, {
      ...(opts.root === undefined ? {} : { root: opts.root }),
      ...(opts.signer === undefined ? {} : { signer: opts.signer }),
      now,
      log: logger,
      onKeyEvent: (event) => audit.log.append(event, now()),
      signerErrors: metrics.counter(
        'writ_signer_errors_total',
        'short-lived key certifications the root signer (local or KMS) failed; alert on any increase',
      ),
    }),
    (k) => k.stop(),
  );
  // Rotation runs from the certification of the first keys, not from the end of a start that may take seconds
  // (warm-up): a key kept current past its certification is refused by other replicas (ERR_TOKEN_CERT_EXPIRED).
  keyRing.start();
  const signer = keyRing.signer;
  const chain = audit.startCheckpoints(() => signer);
  audit.collectMetrics(metrics);
  const storeUp = metrics.gauge(
    'writ_state_store_up',
    'whether the shared state store answers (1) or not (0)',
  );
  const opened =
    opts.store === undefined
      ? await storeFromConfig(config, {
          now,
          log: logger,
          up: storeUp,
          audit: (event) => chain.append(event, now()),
        })
      : { store: opts.store, degraded: () => null };
  const store = parts.add('store', opened.store, (s) => s.close());
  const approvals = approvalHooksFromConfig(config, {
    policy: policy.current(),
    log: logger,
    metrics,
    ...(opts.webhookRetry === undefined ? {} : { retry: opts.webhookRetry }),
  });
  parts.add('webhooks', approvals.webhooks, (w) => w.close());
  const inspectWorker = parts.add('inspect-worker', new InspectWorker(), (w) => w.close());
  // The pipeline's inspectors, with the one vocabulary of their keyword gates (built here, once).
  const inspectors = new InspectorRegistry();
  const deps: PipelineDeps = {
    policy: () => policy.current(),
    identity,
    ...shadowFromConfig(policy.shadow, metrics, logger),
    // A costly request (one that is paced) is normalized and inspected on its own thread; the main thread
    // keeps answering.
    inspect: (action, headers, cfg, between) =>
      between === undefined
        ? inspectors.inspect(action, headers, cfg).findings
        : inspectWorker.inspect(action, headers, cfg, between),
    normalizeCostly: (raw, cfg, between, keep) => inspectWorker.normalize(raw, cfg, between, keep),
    signer,
    keys: keyRing,
    store,
    audit: chain,
    now,
    newTraceId: () => randomUUID(),
    log: logger,
    settings: pipelineSettingsFromConfig(config),
    hooks: approvals.hooks,
  };
  // The first decisions' one-off costs are paid before any caller waits on them (src/warm-up.ts).
  warmUpDecisionPath(deps);
  // The issuers' keys too: the first token after a start would otherwise wait on the IdP inside its deadline.
  for (const failure of await identity.prefetchKeys())
    logger.warn({ failure }, 'jwt issuer keys not prefetched; fetched again on first use');
  const threadFailure = await inspectionThreadFailure(deps);
  const recent = new RecentDecisions();
  // The console's recent-decisions view and the metrics see exactly what the transport answered.
  const pipeline = meteredPipeline(createPipeline(deps), metrics, recent);
  const ports: Partial<Record<Role | 'admin' | 'extproc', number>> = {};
  const transport = parts.add(
    'transport',
    await startTransport({
      listeners: opts.listeners ?? configuredListeners(config),
      pipeline,
      log: logger,
      now,
      newRequestId: () => randomUUID(),
      // Room for the body plus headers and framing, so an oversize body is denied with a reason.
      maxMessageBytes: config.maxBodyBytes * 2 + 1024 * 1024,
    }),
    (t, graceMs) => t.shutdown(graceMs),
  );
  Object.assign(ports, transport.ports);
  if (opts.admin ?? config.adminPort !== 0) {
    const admin = parts.add(
      'admin',
      await startAdminFromConfig(config, {
        signer,
        keyRing,
        metrics,
        store,
        degraded: () => opened.degraded() ?? threadFailure,
        audit: chain,
        recent,
        now,
        log: logger,
        warnings: () => approvalWarnings(policy.current(), canApprove),
      }),
      (a) => new Promise<void>((resolve) => a.server.close(() => resolve())),
    );
    ports.admin = admin.port;
  }
  const extprocAt = extProcAddress(config, opts.extproc, opts.listeners !== undefined);
  if (extprocAt !== undefined) {
    const extproc = parts.add(
      'extproc',
      await startExtProcFromConfig(
        config,
        extprocAt,
        { keys: keyRing, store, audit: chain, now, log: logger, policy: () => policy.current() },
        metrics,
      ),
      (e, graceMs) => e.shutdown(graceMs),
    );
    ports.extproc = extproc.port;
  }
  logger.info({ ports, kid: signer.kid, audit: config.auditFile }, 'writ serving');
  return {
    ports,
    pipeline,
    policy: () => policy.current(),
    signer,
    keyRing,
    audit: chain,
    anchoring: () => audit.anchoring(),
    siem: () => audit.siem(),
    logger,
    store,
    metrics,
    webhooks: approvals.webhooks,
    close: () => parts.closeAll(2000),
  };
}
