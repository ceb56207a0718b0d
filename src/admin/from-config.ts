/**
 * The approval side of writ from configuration: the webhook sender and the hooks the pipeline calls when
 * it creates an approval or quarantines a caller, and the admin HTTP listener (health, JWKS, metrics,
 * approval API and console).
 */
import type { Server } from 'node:http';
import type { ServerConfig } from '../config.js';
import type { KeyRing } from '../keys/key-ring.js';
import type { Signer } from '../keys/signer.js';
import type { AuditLog } from '../pipeline/audit-record/audit-log.js';
import type { EnforceHooks, PipelineLogger } from '../pipeline/deps.js';
import type { PolicySet } from '../pipeline/policy/types.js';
import type { StateStore } from '../state/store.js';
import { startAdminServer } from './admin-server.js';
import { createApprovalApi } from './approval-api.js';
import { createApproverAuth, loadApiKeyFile } from './approver-auth.js';
import type { MetricsRegistry } from './metrics.js';
import type { RecentDecisions } from './recent-decisions.js';
import {
  createWebhookSender,
  parseWebhookTarget,
  type WebhookSender,
  type WebhookTarget,
} from './webhook-sender.js';
import { loadOrCreateWebhookSecret } from './webhook-secret.js';

/** The webhook sender and the pipeline's enforcement hooks that use it. */
export interface ApprovalHooks {
  readonly webhooks: WebhookSender;
  readonly hooks: EnforceHooks;
}

/** Builds the webhook sender (its secret is created only when some webhook is configured) and the hooks. */
export function approvalHooksFromConfig(
  config: ServerConfig,
  ctx: {
    readonly policy: PolicySet;
    readonly log: PipelineLogger;
    readonly metrics: MetricsRegistry;
    readonly retry?: { readonly baseDelayMs: number; readonly maxAttempts: number };
  },
): ApprovalHooks {
  const { metrics, log } = ctx;
  const secretNeeded =
    config.approvalWebhooks.length > 0 ||
    ctx.policy.rules.some((r) => (r.approval?.webhooks.length ?? 0) > 0);
  const configuredTargets = config.approvalWebhooks.map(parseWebhookTarget);
  const webhooks = createWebhookSender({
    secret: secretNeeded ? loadOrCreateWebhookSecret(config.webhookSecretFile) : 'unused-no-webhooks',
    log,
    attemptFailures: metrics.counter(
      'writ_webhook_attempt_failures_total',
      'approval webhook attempts that failed',
      ['target'],
    ),
    deliveryFailures: metrics.counter(
      'writ_webhook_delivery_failures_total',
      'approval webhooks that failed every attempt (alert on any increase)',
      ['target'],
    ),
    deliveries: metrics.counter('writ_webhook_deliveries_total', 'approval webhooks delivered', ['target']),
    ...(ctx.retry ?? {}),
    ...(config.consoleUrl === null ? {} : { consoleUrl: config.consoleUrl }),
  });
  const approvalsCreated = metrics.counter('writ_approvals_created_total', 'pending approvals created');
  const quarantines = metrics.counter('writ_quarantines_total', 'sessions or subjects quarantined');
  return {
    webhooks,
    hooks: {
      approvalCreated: (record, policyWebhooks) => {
        approvalsCreated.inc();
        const targets: WebhookTarget[] = [...configuredTargets];
        for (const w of policyWebhooks) {
          try {
            targets.push(parseWebhookTarget(w));
          } catch (err) {
            log.error({ err, webhook: w }, 'policy names an invalid approval webhook');
          }
        }
        webhooks.notify(record, targets);
      },
      quarantined: (record) => {
        quarantines.inc();
        log.warn(record, 'quarantined');
      },
    },
  };
}

/** Starts the admin listener on the configured host and port; resolves with the server and its port. */
export function startAdminFromConfig(
  config: ServerConfig,
  ctx: {
    readonly signer: Signer;
    readonly keyRing: KeyRing;
    readonly metrics: MetricsRegistry;
    readonly store: StateStore;
    /**
     * Why writ cannot serve decisions now, or null (reported by /readyz): a state store that cannot keep
     * state, or an inspection thread that failed, which denies every costly request.
     */
    readonly degraded: () => string | null;
    readonly audit: AuditLog;
    readonly recent: RecentDecisions;
    readonly now: () => number;
    readonly log: PipelineLogger;
    /** Dead ends to show on /readyz and the console (approvals nobody can give). */
    readonly warnings?: () => readonly string[];
  },
): Promise<{ server: Server; port: number }> {
  return startAdminServer({
    // Its own address, loopback by default: the console and approval API are not the gRPC roles' business.
    host: config.adminHost,
    port: config.adminPort,
    publicKeys: () => [ctx.signer.publicKey],
    jwks: () => ctx.keyRing.jwks(),
    ready: () => true,
    ...(ctx.warnings === undefined ? {} : { warnings: ctx.warnings }),
    degraded: ctx.degraded,
    metrics: ctx.metrics,
    api: createApprovalApi({
      store: ctx.store,
      auth: createApproverAuth(
        config.approverKeysFile === null ? [] : loadApiKeyFile(config.approverKeysFile),
        config.oidc ?? undefined,
      ),
      // Approver decisions, releases and pin resets go into the same chain as the decisions they affect.
      audit: ctx.audit,
      recent: ctx.recent,
      now: ctx.now,
      log: ctx.log,
      decisions: ctx.metrics.counter(
        'writ_approval_api_decisions_total',
        'approval API decisions by outcome',
        ['outcome'],
      ),
    }),
  });
}
