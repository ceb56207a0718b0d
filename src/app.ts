/** The composition root: builds the pipeline's dependencies from configuration and starts the listeners. */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Server } from 'node:http';
import { pino, type Logger } from 'pino';
import { startAdminServer } from './admin/admin-server.js';
import { createApprovalApi } from './admin/approval-api.js';
import { createApproverAuth, loadApiKeyFile } from './admin/approver-auth.js';
import { MetricsRegistry } from './admin/metrics.js';
import { RecentDecisions } from './admin/recent-decisions.js';
import {
  createWebhookSender,
  parseWebhookTarget,
  type WebhookSender,
  type WebhookTarget,
} from './admin/webhook-sender.js';
import { loadOrCreateWebhookSecret } from './admin/webhook-secret.js';
import { startExtProc, type RunningExtProc } from './extproc/ext-proc-server.js';
import type { ServerConfig } from './config.js';
import { startTransport, type RoleListener, type RunningTransport } from './extauthz/server.js';
import { createIdentityDeps } from './identity/from-config.js';
import type { JwksCache } from './identity/jwt-verifier.js';
import { KeyRing, type RootSigner } from './keys/key-ring.js';
import { createRootSigner } from './keys/root-signer.js';
import type { SinkStats } from './audit/siem/exporter.js';
import { siemExporterFromConfig } from './audit/siem/from-config.js';
import type { Signer } from './keys/signer.js';
import type { PipelineDeps, QuarantineSignals } from './pipeline/deps.js';
import { SEVERITY_ORDER, type Severity } from './pipeline/model/finding.js';
import { createPipeline, type Pipeline } from './pipeline/index.js';
import { DEFAULT_INSPECTORS, inspectAction } from './pipeline/inspect/registry.js';
import { loadPolicyFolder, watchPolicyFolder } from './policy-files.js';
import type { ShadowDiff } from './pipeline/policy/shadow.js';
import type { Role } from './pipeline/model/raw-request.js';
import type { PolicySet } from './pipeline/policy/types.js';
import type { AuditLog } from './pipeline/audit-record/audit-log.js';
import { openFileAuditLog } from './audit/file-audit-log.js';
import { withCheckpoints, type AnchoringStats, type CheckpointingAuditLog } from './audit/checkpointer.js';
import { createTsaClient } from './audit/anchoring/tsa-client.js';
import { createMemoryStore } from './state/memory-store.js';
import { createRedisStore } from './state/redis-store.js';
import type { StateStore } from './state/store.js';

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
  readonly audit: AuditLog;
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

/** `severity:<level>` entries set the floor; every other entry is a finding id or id prefix. */
export function quarantineSignals(entries: readonly string[]): QuarantineSignals {
  let minSeverity: Severity | null = null;
  const findings: string[] = [];
  for (const e of entries) {
    if (!e.startsWith('severity:')) {
      findings.push(e);
      continue;
    }
    const level = e.slice('severity:'.length) as Severity;
    if (!SEVERITY_ORDER.includes(level)) throw new TypeError(`--quarantine-on: unknown severity "${level}"`);
    minSeverity = level;
  }
  return { findings, minSeverity };
}

/** The configured listeners: check and verify always, inbound when its port is set. */
export function configuredListeners(config: ServerConfig): RoleListener[] {
  const out: RoleListener[] = [
    { role: 'check', host: config.listenHost, port: config.checkPort },
    { role: 'verify', host: config.listenHost, port: config.verifyPort },
  ];
  if (config.inboundPort !== 0)
    out.push({ role: 'inbound', host: config.listenHost, port: config.inboundPort });
  return out;
}

/** Loads policy and keys, opens the audit log, and starts serving. Throws on invalid policy or config. */
export async function startWrit(opts: WritOptions): Promise<WritInstance> {
  const { config } = opts;
  const now = opts.now ?? Date.now;
  const logger =
    opts.logger ?? pino({ level: config.logLevel, base: { service: 'writ' } }, pino.destination(2));
  // Trust domains, XFCC, JWT issuers and API keys (docs/identity.md); a bad issuers or key file stops startup
  // here, before any watcher or file is opened.
  const identity = createIdentityDeps(
    config,
    opts.jwksCache === undefined ? {} : { jwksCache: opts.jwksCache },
  );
  // An invalid policy stops startup here, with file:line and reason (PolicyLoadError).
  // Rules may name only inspectors that exist: `signals.prompt-injecton` is a load error, not a silent no-match.
  const knownInspectors = new Set(DEFAULT_INSPECTORS.map((i) => i.id));
  const policySet = loadPolicyFolder(config.policyDir, { knownInspectors });
  // Hot reload: a new valid set is swapped in atomically between decisions; an invalid one is reported and ignored.
  const policyWatcher = watchPolicyFolder(config.policyDir, {
    initial: policySet,
    knownInspectors,
    onReload: (next, prev) =>
      logger.info({ from: prev.version, to: next.version, rules: next.rules.length }, 'policy reloaded'),
    onError: (err) =>
      logger.error(
        { err: err instanceof Error ? err.message : String(err) },
        'policy reload failed; keeping the last good set',
      ),
  });
  logger.info(
    { policyDir: config.policyDir, version: policySet.version, rules: policySet.rules.length },
    'policy loaded',
  );
  mkdirSync(dirname(config.auditFile), { recursive: true, mode: 0o700 });
  const rawAudit = openFileAuditLog({
    path: config.auditFile,
    fsyncIntervalMs: config.auditFsyncMs,
    nowMs: now,
    onRecovery: (r) =>
      logger.error(r, 'audit log had a torn last line: moved aside and recorded in the chain'),
  });
  // Key changes go into the chain; before the checkpointing wrapper exists they go to the file directly.
  const chain: { audit?: CheckpointingAuditLog } = {};
  const root = opts.root ?? (await createRootSigner(config, opts.signer));
  const keyRing = await KeyRing.create({
    root,
    now,
    tokenTtlSeconds: config.tokenTtlSeconds,
    skewSeconds: config.clockSkewSeconds,
    rotateEveryMs: config.keyRotationS * 1000,
    onKeyEvent: (event) => (chain.audit ?? rawAudit).append(event, now()),
    onError: (err) => logger.error({ err, alert: 'key-certification-failed' }, 'key rotation postponed'),
  });
  const signer = keyRing.signer;
  const siem = siemExporterFromConfig(config, (sink, err) =>
    logger.warn({ err, sink, alert: 'siem-export-failed' }, 'SIEM export failed; retrying'),
  );
  const audit = withCheckpoints(rawAudit, {
    ...(siem === null
      ? {}
      : { tap: (rec, event, timeMs) => siem.enqueue({ seq: rec.seq, hash: rec.hash, timeMs, event }) }),
    signer: () => signer,
    origin: `writ-audit/${config.replicaId}`,
    everyRecords: config.checkpointEvery,
    everyMs: config.checkpointIntervalS * 1000,
    ...(config.tsaUrl === ''
      ? {}
      : {
          tsa: createTsaClient({
            url: config.tsaUrl,
            trustedCaPem: readFileSync(config.tsaCaFile, 'utf8'),
          }),
        }),
    now,
    log: logger,
  });
  chain.audit = audit;
  const metrics = new MetricsRegistry();
  const storeUp = metrics.gauge(
    'writ_state_store_up',
    'whether the shared state store answers (1) or not (0)',
  );
  let store: StateStore;
  if (opts.store !== undefined) store = opts.store;
  else if (config.redisUrl !== null) {
    const redis = createRedisStore({
      url: config.redisUrl,
      prefix: config.redisPrefix,
      onStateChange: (up, err) => {
        storeUp.set(up ? 1 : 0);
        if (up) logger.info('redis connected');
        else logger.error({ err }, 'redis unavailable: decisions that need shared state are denied');
      },
    });
    // writ starts even while Redis is down (every stateful decision is then a deny) and recovers by itself.
    if (!(await redis.waitUntilReady(2000)))
      logger.error({ redis: 'down' }, 'redis not reachable at startup');
    store = redis;
  } else {
    store = createMemoryStore(now);
    storeUp.set(1);
  }
  const webhookSecretNeeded =
    config.approvalWebhooks.length > 0 || policySet.rules.some((r) => (r.approval?.webhooks.length ?? 0) > 0);
  const webhooks = createWebhookSender({
    secret: webhookSecretNeeded ? loadOrCreateWebhookSecret(config.webhookSecretFile) : 'unused-no-webhooks',
    log: logger,
    attemptFailures: metrics.counter(
      'writ_webhook_attempt_failures_total',
      'approval webhook attempts that failed',
    ),
    deliveryFailures: metrics.counter(
      'writ_webhook_delivery_failures_total',
      'approval webhooks that failed every attempt (alert on any increase)',
    ),
    deliveries: metrics.counter('writ_webhook_deliveries_total', 'approval webhooks delivered'),
    ...(opts.webhookRetry ?? {}),
    ...(config.consoleUrl === null ? {} : { consoleUrl: config.consoleUrl }),
  });
  const configuredTargets = config.approvalWebhooks.map(parseWebhookTarget);
  const approvalsCreated = metrics.counter('writ_approvals_created_total', 'pending approvals created');
  const quarantines = metrics.counter('writ_quarantines_total', 'sessions or subjects quarantined');
  // Shadow mode: a candidate folder, watched like the live one, decides beside it and never enforces.
  const shadowDiffs = metrics.counter(
    'writ_shadow_differences_total',
    'decisions where the shadow policy differs, by kind',
  );
  const shadowWatcher =
    config.shadowPolicyDir === ''
      ? undefined
      : watchPolicyFolder(config.shadowPolicyDir, {
          initial: loadPolicyFolder(config.shadowPolicyDir, { knownInspectors }),
          knownInspectors,
          onError: (err) =>
            logger.error(
              { err: err instanceof Error ? err.message : String(err) },
              'shadow policy reload failed',
            ),
        });
  const deps: PipelineDeps = {
    policy: () => policyWatcher.current(),
    identity,
    ...(shadowWatcher === undefined
      ? {}
      : {
          shadow: {
            policy: () => shadowWatcher.current(),
            record: (diff: ShadowDiff | null) => {
              if (diff === null) return;
              shadowDiffs.inc({ kind: diff.kind });
              logger.warn({ shadow: diff }, 'shadow policy differs');
            },
          },
        }),
    inspect: (action, headers, cfg) => inspectAction(action, headers, cfg).findings,
    signer,
    keys: keyRing,
    store,
    audit,
    now,
    newTraceId: () => randomUUID(),
    log: logger,
    settings: {
      maxBodyBytes: config.maxBodyBytes,
      tokenTtlSeconds: config.tokenTtlSeconds,
      clockSkewSeconds: config.clockSkewSeconds,
      trustAgentHeaders: config.trustAgentHeaders,
      deadlineMs: config.deadlineMs,
      quarantineOn: quarantineSignals(config.quarantineOn),
      ...(config.mcpEndpoints === null ? {} : { mcpEndpoints: config.mcpEndpoints }),
    },
    hooks: {
      approvalCreated: (record, policyWebhooks) => {
        approvalsCreated.inc();
        const targets: WebhookTarget[] = [...configuredTargets];
        for (const w of policyWebhooks) {
          try {
            targets.push(parseWebhookTarget(w));
          } catch (err) {
            logger.error({ err, webhook: w }, 'policy names an invalid approval webhook');
          }
        }
        webhooks.notify(record, targets);
      },
      quarantined: (record) => {
        quarantines.inc();
        logger.warn(record, 'quarantined');
      },
    },
  };
  const core = createPipeline(deps);
  // Anchoring and SIEM keep their own counters; copy them into /metrics at scrape time.
  const anchorGauge = metrics.gauge(
    'writ_audit_anchoring',
    'checkpoint and RFC 3161 anchoring state, by field',
  );
  const siemGauge = metrics.gauge('writ_siem_export', 'SIEM export counters, by sink and field');
  metrics.collect(() => {
    const a = audit.stats();
    anchorGauge.set(a.checkpoints, { field: 'checkpoints' });
    anchorGauge.set(a.anchored, { field: 'anchored' });
    anchorGauge.set(a.anchorFailures, { field: 'anchor_failures' });
    // Non-zero: the TSA is failing now. Alert on this one.
    anchorGauge.set(a.consecutiveFailures, { field: 'consecutive_failures' });
    anchorGauge.set(a.backlog, { field: 'backlog' });
    for (const [sink, st] of Object.entries(siem?.stats() ?? {})) {
      siemGauge.set(st.sent, { sink, field: 'sent' });
      siemGauge.set(st.dropped, { sink, field: 'dropped' });
      siemGauge.set(st.failures, { sink, field: 'failures' });
      siemGauge.set(st.queued, { sink, field: 'queued' });
    }
  });
  const recent = new RecentDecisions();
  // The console's recent-decisions view sees exactly what the transport answered.
  const pipeline: Pipeline = {
    run: async (raw) => {
      const v = await core.run(raw);
      recent.push(v);
      return v;
    },
    reject: (role, code, message, raw) => {
      const v = core.reject(role, code, message, raw);
      recent.push(v);
      return v;
    },
  };
  let transport: RunningTransport | undefined;
  let admin: Server | undefined;
  let extproc: RunningExtProc | undefined;
  const ports: Partial<Record<Role | 'admin' | 'extproc', number>> = {};
  try {
    transport = await startTransport({
      listeners: opts.listeners ?? configuredListeners(config),
      pipeline,
      log: logger,
      now,
      newRequestId: () => randomUUID(),
      // Room for the body plus headers and framing, so an oversize body is denied with a reason.
      maxMessageBytes: config.maxBodyBytes * 2 + 1024 * 1024,
    });
    Object.assign(ports, transport.ports);
    if (opts.admin ?? config.adminPort !== 0) {
      const started = await startAdminServer({
        host: config.listenHost,
        port: config.adminPort,
        publicKeys: () => [signer.publicKey],
        jwks: () => keyRing.jwks(),
        ready: () => true,
        metrics,
        api: createApprovalApi({
          store,
          auth: createApproverAuth(
            config.approverKeysFile === null ? [] : loadApiKeyFile(config.approverKeysFile),
            config.oidc ?? undefined,
          ),
          // Approver decisions, releases and pin resets go into the same chain as the decisions they affect.
          audit: deps.audit,
          recent,
          now,
          log: logger,
          decisions: metrics.counter(
            'writ_approval_api_decisions_total',
            'approval API decisions by outcome',
          ),
        }),
      });
      admin = started.server;
      ports.admin = started.port;
    }
    const extprocAt =
      opts.extproc ??
      (opts.listeners === undefined && config.extprocPort !== 0
        ? { host: config.listenHost, port: config.extprocPort }
        : undefined);
    if (extprocAt !== undefined) {
      const masked = metrics.counter('writ_extproc_masked_total', 'values masked in responses, by kind');
      const toolLists = metrics.counter(
        'writ_mcp_tool_lists_total',
        'MCP tools/list responses checked, by outcome (changed: a rug pull; alert on any but passed)',
      );
      extproc = await startExtProc({
        ...extprocAt,
        keys: deps.keys,
        store,
        // Blocks, masked bodies and first-time pins go into the same chain as the decisions.
        audit: deps.audit,
        now,
        clockSkewSeconds: config.clockSkewSeconds,
        log: logger,
        onMasked: (fields, pii) => {
          masked.inc({ kind: 'field' }, fields);
          masked.inc({ kind: 'pii' }, pii);
        },
        // By outcome only: the server is the agent's chosen authority, an unbounded label.
        onToolList: (_server, outcome) => toolLists.inc({ outcome }),
      });
      ports.extproc = extproc.port;
    }
  } catch (err) {
    await transport?.shutdown(0);
    await extproc?.shutdown(0);
    await new Promise<void>((resolve) => (admin === undefined ? resolve() : admin.close(() => resolve())));
    policyWatcher.close();
    webhooks.close();
    await store.close();
    audit.close();
    await siem?.close();
    throw err;
  }
  keyRing.start();
  logger.info({ ports, kid: signer.kid, audit: config.auditFile }, 'writ serving');
  return {
    ports,
    pipeline,
    policy: () => policyWatcher.current(),
    signer,
    keyRing,
    audit,
    anchoring: () => audit.stats(),
    siem: () => siem?.stats() ?? {},
    logger,
    store,
    metrics,
    webhooks,
    async close() {
      policyWatcher.close();
      shadowWatcher?.close();
      keyRing.stop();
      await transport?.shutdown(2000);
      await extproc?.shutdown(2000);
      webhooks.close();
      await new Promise<void>((resolve) => (admin === undefined ? resolve() : admin.close(() => resolve())));
      await store.close();
      audit.close();
      await siem?.close();
    },
  };
}
