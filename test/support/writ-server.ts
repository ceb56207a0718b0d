/** Starts a real writ (gRPC on loopback, port 0) in a temporary home with an injectable clock. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { startWrit, type WritInstance } from '../../src/app.js';
import { connectCheckClient, type CheckClient } from '../../src/cli/check-client.js';
import type { ScenarioRequest } from '../../src/cli/scenario.js';
import { resolveConfig } from '../../src/config.js';

/** The allowed call most end-to-end tests send: an MCP `query_db` read on the analytics replica (default pack). */
export const ANALYTICS_READ: ScenarioRequest = {
  mcp: {
    tool: 'query_db',
    arguments: { database: 'analytics-replica', query: 'SELECT id, status FROM orders WHERE id = 42' },
  },
};

export interface TestWrit {
  readonly writ: WritInstance;
  readonly home: string;
  readonly check: CheckClient;
  readonly verify: CheckClient;
  readonly clock: { now: number };
  readonly auditFile: string;
  stop(): Promise<void>;
}

/** A running writ; `clock.now` (ms) drives every time decision. */
export async function startTestWrit(
  flags: Record<string, string> = {},
  startAt = Date.UTC(2026, 0, 5, 10, 0, 0),
): Promise<TestWrit> {
  const home = mkdtempSync(join(tmpdir(), 'writ-test-'));
  const clock = { now: startAt };
  const config = resolveConfig({ home, 'admin-port': '0', ...flags }, {});
  const writ = await startWrit({
    config,
    now: () => clock.now,
    logger: pino({ level: 'silent' }),
    listeners: [
      { role: 'check', host: '127.0.0.1', port: 0 },
      { role: 'verify', host: '127.0.0.1', port: 0 },
    ],
    admin: false,
  });
  const check = connectCheckClient(`127.0.0.1:${writ.ports.check}`);
  const verify = connectCheckClient(`127.0.0.1:${writ.ports.verify}`);
  return {
    writ,
    home,
    check,
    verify,
    clock,
    auditFile: config.auditFile,
    async stop() {
      check.close();
      verify.close();
      await writ.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}
