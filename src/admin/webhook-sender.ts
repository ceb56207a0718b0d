/**
 * Approval webhooks: a generic JSON payload and a Slack-compatible one, each signed with HMAC-SHA256
 * over `timestamp + "." + raw body` (the scheme GitHub and Stripe use), delivered with bounded retries,
 * exponential backoff and full jitter. A target that keeps failing shows in metrics and logs.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Counter } from './metrics.js';
import type { PipelineLogger } from '../pipeline/deps.js';
import { WEBHOOK_SIGNATURE_HEADER } from '../pipeline/headers.js';
import type { ApprovalRecord } from '../state/store.js';

/** One webhook target: `slack` gets Slack's message shape, `json` writ's own event. */
export interface WebhookTarget {
  readonly url: string;
  readonly format: 'json' | 'slack';
}

export interface WebhookSenderOptions {
  /** The HMAC key shared with every receiver. */
  readonly secret: Uint8Array | string;
  readonly log: PipelineLogger;
  /** Counts failed attempts and deliveries that gave up, labelled by target host. */
  readonly attemptFailures?: Counter;
  readonly deliveryFailures?: Counter;
  readonly deliveries?: Counter;
  /** Attempts per delivery, the first included (default 5). */
  readonly maxAttempts?: number;
  /** Backoff base and cap in ms (default 500 ms and 30 s): delay = random(0, min(cap, base * 2^n)). */
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Per-attempt timeout in ms (default 5 s). */
  readonly timeoutMs?: number;
  /** Where approvers decide, linked from the payloads. */
  readonly consoleUrl?: string;
  readonly now?: () => number;
  readonly random?: () => number;
}

/** Parses `slack+https://...` as a Slack target and anything else as a JSON target. */
export function parseWebhookTarget(spec: string): WebhookTarget {
  const slack = spec.startsWith('slack+');
  const url = slack ? spec.slice('slack+'.length) : spec;
  const parsed = new URL(url);
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    throw new TypeError(`webhook "${spec}" must be an http(s) URL`);
  return { url, format: slack ? 'slack' : 'json' };
}

/** The `x-writ-signature` value for a body at a time. */
export function signWebhook(secret: Uint8Array | string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

/**
 * Checks a signature as a receiver should: recompute over the raw body, compare in constant time, and
 * refuse timestamps older than `toleranceSeconds` (replays).
 */
export function verifyWebhookSignature(
  secret: Uint8Array | string,
  body: string,
  header: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  const parts = new Map(
    header.split(',').map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]),
  );
  const t = Number(parts.get('t'));
  const v1 = parts.get('v1') ?? '';
  if (!Number.isSafeInteger(t) || Math.abs(nowSeconds - t) > toleranceSeconds || !/^[0-9a-f]{64}$/.test(v1))
    return false;
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(v1, 'hex'));
}

/** writ's own event for a new approval. */
export function approvalEvent(r: ApprovalRecord, consoleUrl?: string): object {
  return {
    type: 'approval.requested',
    approval: {
      id: r.id,
      subject: r.subject,
      agent: r.agent,
      action_hash: r.actionHash,
      tool: r.action.tool,
      operation: r.action.operation,
      method: r.action.method,
      host: r.action.host,
      path: r.action.path,
      rules: r.rules,
      approvers: r.approvers,
      findings: r.findings.map((f) => ({ id: f.id, severity: f.severity })),
      trace_id: r.traceId,
      created_at: new Date(r.createdAt).toISOString(),
      expires_at: new Date(r.expiresAt).toISOString(),
    },
    ...(consoleUrl === undefined ? {} : { console_url: consoleUrl }),
  };
}

// Slack renders mrkdwn: neutralize its control characters in attacker-controlled values.
const slackText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A Slack incoming-webhook message for a new approval. */
export function slackMessage(r: ApprovalRecord, consoleUrl?: string): object {
  const summary = `writ: approval needed for \`${slackText(r.action.tool)}\` (${slackText(r.action.operation)}) by ${slackText(r.agent ?? r.subject)}`;
  const lines = [
    `*Approval* \`${r.id}\` expires ${new Date(r.expiresAt).toISOString()}`,
    `*Rules:* ${slackText(r.rules.join(', '))}`,
    `*Findings:* ${slackText(r.findings.map((f) => `${f.id} (${f.severity})`).join(', ') || 'none')}`,
    ...(consoleUrl === undefined ? [] : [`<${consoleUrl}|Open the approval console>`]),
  ];
  return {
    text: summary,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: summary } },
      { type: 'section', text: { type: 'mrkdwn', text: lines.join('\n') } },
    ],
  };
}

/** Sends approval webhooks in the background; `notify` never throws and never blocks its caller. */
export interface WebhookSender {
  notify(record: ApprovalRecord, targets: readonly WebhookTarget[]): void;
  /** Resolves when every delivery in flight has finished (tests, shutdown). */
  idle(): Promise<void>;
  /** Stops retrying: pending backoffs end without another attempt. */
  close(): void;
}

/** Creates a webhook sender. */
export function createWebhookSender(opts: WebhookSenderOptions): WebhookSender {
  const maxAttempts = opts.maxAttempts ?? 5;
  const base = opts.baseDelayMs ?? 500;
  const cap = opts.maxDelayMs ?? 30_000;
  const timeoutMs = opts.timeoutMs ?? 5000;
  const now = opts.now ?? Date.now;
  const random = opts.random ?? Math.random;
  const inFlight = new Set<Promise<void>>();
  const stop = new AbortController();

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      stop.signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    });

  const deliver = async (target: WebhookTarget, body: string, approvalId: string): Promise<void> => {
    const host = new URL(target.url).host;
    let lastError = '';
    for (let attempt = 1; attempt <= maxAttempts && !stop.signal.aborted; attempt++) {
      // Each attempt is signed afresh: its timestamp must be recent when the receiver checks it.
      const signature = signWebhook(opts.secret, body, Math.floor(now() / 1000));
      try {
        const res = await fetch(target.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            [WEBHOOK_SIGNATURE_HEADER]: signature,
            'user-agent': 'writ-webhook/1',
          },
          body,
          redirect: 'error',
          signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), stop.signal]),
        });
        await res.body?.cancel();
        if (res.ok) {
          opts.deliveries?.inc({ target: host });
          return;
        }
        lastError = `HTTP ${res.status}`;
      } catch (err) {
        lastError = err instanceof Error ? err.message : String(err);
      }
      opts.attemptFailures?.inc({ target: host });
      opts.log.warn({ target: host, approvalId, attempt, err: lastError }, 'approval webhook attempt failed');
      if (attempt < maxAttempts) await sleep(random() * Math.min(cap, base * 2 ** (attempt - 1)));
    }
    opts.deliveryFailures?.inc({ target: host });
    opts.log.error(
      { target: host, approvalId, attempts: maxAttempts, err: lastError },
      'approval webhook gave up',
    );
  };

  return {
    notify(record, targets) {
      for (const t of targets) {
        const payload =
          t.format === 'slack'
            ? slackMessage(record, opts.consoleUrl)
            : approvalEvent(record, opts.consoleUrl);
        const p = deliver(t, JSON.stringify(payload), record.id).catch((err: unknown) =>
          opts.log.error({ err, approvalId: record.id }, 'approval webhook crashed'),
        );
        inFlight.add(p);
        void p.finally(() => inFlight.delete(p));
      }
    },
    async idle() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
    close() {
      stop.abort();
    },
  };
}
