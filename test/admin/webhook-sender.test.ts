/** Webhook delivery against a real node:http receiver that checks the HMAC and fails the first attempts. */
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { MetricsRegistry } from '../../src/admin/metrics.js';
import {
  createWebhookSender,
  signWebhook,
  verifyWebhookSignature,
  type WebhookTarget,
} from '../../src/admin/webhook-sender.js';
import { candidate } from '../state/store.case.js';

const SECRET = 'webhook-secret-for-tests-0123456789';
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A receiver that answers 500 to the first `failures` requests and verifies every signature. */
async function receiver(failures: number) {
  const seen: { valid: boolean; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString('utf8')));
    req.on('end', () => {
      const valid = verifyWebhookSignature(
        SECRET,
        body,
        String(req.headers['x-writ-signature']),
        Math.floor(Date.now() / 1000),
      );
      seen.push({ valid, body });
      res.writeHead(!valid ? 401 : seen.length <= failures ? 500 : 200).end();
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { seen, url: `http://127.0.0.1:${(server.address() as { port: number }).port}/hook` };
}

const logs: { level: string; msg: string }[] = [];
const log = {
  info: (_o: object, msg?: string) => logs.push({ level: 'info', msg: msg ?? '' }),
  warn: (_o: object, msg?: string) => logs.push({ level: 'warn', msg: msg ?? '' }),
  error: (_o: object, msg?: string) => logs.push({ level: 'error', msg: msg ?? '' }),
};

function sender(metrics: MetricsRegistry, maxAttempts = 4) {
  return createWebhookSender({
    secret: SECRET,
    log,
    maxAttempts,
    baseDelayMs: 5,
    attemptFailures: metrics.counter('writ_webhook_attempt_failures_total', 'x', ['target']),
    deliveryFailures: metrics.counter('writ_webhook_delivery_failures_total', 'x', ['target']),
    deliveries: metrics.counter('writ_webhook_deliveries_total', 'x', ['target']),
    consoleUrl: 'https://writ.example/console',
  });
}

describe('webhook sender', () => {
  it('retries with backoff until the receiver accepts, every attempt validly signed', async () => {
    const r = await receiver(2);
    const metrics = new MetricsRegistry();
    const s = sender(metrics);
    const targets: WebhookTarget[] = [{ url: r.url, format: 'json' }];
    s.notify(candidate('spiffe://td/sa/a', 'ah-1'), targets);
    await s.idle();
    expect(r.seen).toHaveLength(3);
    expect(r.seen.every((x) => x.valid)).toBe(true);
    const host = new URL(r.url).host;
    expect(metrics.value('writ_webhook_attempt_failures_total', { target: host })).toBe(2);
    expect(metrics.value('writ_webhook_deliveries_total', { target: host })).toBe(1);
    expect(JSON.parse(r.seen[2]!.body)).toMatchObject({
      type: 'approval.requested',
      console_url: 'https://writ.example/console',
    });
  });

  it('gives up after bounded attempts: counted in metrics and logged as an error', async () => {
    const r = await receiver(100);
    const metrics = new MetricsRegistry();
    const s = sender(metrics, 3);
    logs.length = 0;
    s.notify(candidate('spiffe://td/sa/a', 'ah-2'), [{ url: r.url, format: 'slack' }]);
    await s.idle();
    expect(r.seen).toHaveLength(3);
    const host = new URL(r.url).host;
    expect(metrics.value('writ_webhook_delivery_failures_total', { target: host })).toBe(1);
    expect(await metrics.render()).toContain(`writ_webhook_delivery_failures_total{target="${host}"} 1`);
    expect(logs.some((l) => l.level === 'error' && l.msg === 'approval webhook gave up')).toBe(true);
    // Slack's shape: text plus blocks, with attacker-controlled values escaped for mrkdwn.
    expect(JSON.parse(r.seen[0]!.body)).toMatchObject({
      text: expect.stringContaining('send_email'),
      blocks: expect.any(Array),
    });
  });

  it('rejects a stale timestamp and a body changed by one byte', () => {
    const body = '{"a":1}';
    const now = 1_800_000_000;
    const sig = signWebhook(SECRET, body, now);
    expect(verifyWebhookSignature(SECRET, body, sig, now)).toBe(true);
    expect(verifyWebhookSignature(SECRET, '{"a":2}', sig, now)).toBe(false);
    expect(verifyWebhookSignature(SECRET, body, sig, now + 301)).toBe(false);
  });
});
