/** /metrics on the admin port exposes the anchoring state (the TSA alert) next to the decision counters. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWrit, type WritInstance } from '../../src/app.js';
import { resolveConfig } from '../../src/config.js';

const home = mkdtempSync(join(tmpdir(), 'writ-metrics-'));
let writ: WritInstance;
beforeAll(async () => {
  writ = await startWrit({
    config: resolveConfig({ home, 'admin-port': '0', 'inbound-port': '0' }, {}),
    logger: pino({ level: 'silent' }),
    listeners: [{ role: 'check', host: '127.0.0.1', port: 0 }],
    admin: true,
  });
});
afterAll(async () => {
  await writ.close();
  rmSync(home, { recursive: true, force: true });
});

describe('admin metrics', () => {
  it('renders anchoring gauges in the Prometheus text format', async () => {
    const res = await fetch(`http://127.0.0.1:${writ.ports.admin}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('# TYPE writ_audit_anchoring gauge');
    expect(text).toMatch(/^writ_audit_anchoring\{field="consecutive_failures"\} 0$/m);
    expect(text).toMatch(/^writ_audit_anchoring\{field="backlog"\} \d+$/m);
  });
});
