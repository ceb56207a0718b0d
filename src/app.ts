/** The composition root: builds the pipeline's dependencies from configuration and starts the listeners. */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Server } from 'node:http';
import { pino, type Logger } from 'pino';
import { startAdminServer } from './admin/admin-server.js';
import type { ServerConfig } from './config.js';
import { startTransport, type RoleListener, type RunningTransport } from './extauthz/server.js';
import { loadOrCreateLocalKey, staticKeySet } from './keys/local-key.js';
import type { Signer } from './keys/signer.js';
import type { PipelineDeps } from './pipeline/deps.js';
import { createPipeline, type Pipeline } from './pipeline/index.js';
import { inspectAction } from './pipeline/inspect/registry.js';
import type { Role } from './pipeline/model/raw-request.js';
import { loadPolicyFolder } from './pipeline/policy/load.js';
import type { PolicySet } from './pipeline/policy/types.js';
import type { AuditLog } from './pipeline/trace/audit-log.js';
import { openFileAuditLog } from './pipeline/trace/file-audit-log.js';
import { withCheckpoints, type AnchoringStats } from './pipeline/trace/checkpointer.js';
import { createTsaClient } from './anchoring/tsa-client.js';
import { createMemoryStore } from './state/memory-store.js';
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
  /** Start the admin HTTP server (default: when adminPort is not 0). */
  readonly admin?: boolean;
}

export interface WritInstance {
  readonly ports: Readonly<Partial<Record<Role | 'admin', number>>>;
  readonly pipeline: Pipeline;
  readonly policy: () => PolicySet;
  readonly signer: Signer;
  readonly audit: AuditLog;
  /** Checkpoint and anchoring counters (for /metrics: a non-zero consecutiveFailures is an alert). */
  readonly anchoring: () => AnchoringStats;
  readonly logger: Logger;
  close(): Promise<void>;
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
  // An invalid policy stops startup here, with file:line and reason (PolicyLoadError).
  const policySet = loadPolicyFolder(config.policyDir);
  logger.info(
    { policyDir: config.policyDir, version: policySet.version, rules: policySet.rules.length },
    'policy loaded',
  );
  const signer = opts.signer ?? loadOrCreateLocalKey(config.signingKeyFile);
  mkdirSync(dirname(config.auditFile), { recursive: true, mode: 0o700 });
  const audit = withCheckpoints(
    openFileAuditLog({
      path: config.auditFile,
      fsyncIntervalMs: config.auditFsyncMs,
      nowMs: now,
      onRecovery: (r) =>
        logger.error(r, 'audit log had a torn last line: moved aside and recorded in the chain'),
    }),
    {
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
    },
  );
  const store = opts.store ?? createMemoryStore(now);
  const deps: PipelineDeps = {
    policy: () => policySet,
    inspect: (action, headers, cfg) => inspectAction(action, headers, cfg).findings,
    signer,
    keys: staticKeySet([signer.publicKey]),
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
    },
  };
  const pipeline = createPipeline(deps);
  let transport: RunningTransport | undefined;
  let admin: Server | undefined;
  const ports: Partial<Record<Role | 'admin', number>> = {};
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
        ready: () => true,
      });
      admin = started.server;
      ports.admin = started.port;
    }
  } catch (err) {
    await transport?.shutdown(0);
    audit.close();
    throw err;
  }
  logger.info({ ports, kid: signer.kid, audit: config.auditFile }, 'writ serving');
  return {
    ports,
    pipeline,
    policy: () => policySet,
    signer,
    audit,
    anchoring: () => audit.stats(),
    logger,
    async close() {
      await transport?.shutdown(2000);
      await new Promise<void>((resolve) => (admin === undefined ? resolve() : admin.close(() => resolve())));
      await store.close();
      audit.close();
    },
  };
}
