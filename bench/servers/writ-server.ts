/**
 * writ's check role alone in its own process, for the bench: a temporary WRIT_HOME, a silent logger,
 * the default policies, one listener. Prints `{"ready":true,"port":N}` and exits on SIGTERM.
 * Run: node --import tsx bench/servers/writ-server.ts [--port 0] [--app dist|src] [--home DIR]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { startWrit as StartWrit } from '../../src/app.js';
import type { resolveConfig as ResolveConfig } from '../../src/config.js';
import { announce, serverArgs } from '../lib/server-stats.js';

const args = serverArgs(process.argv.slice(2));
// dist/ is what `npm start` runs; src/ (through tsx) is for checking that the two cost the same.
const base = args.app === 'dist' ? '../../dist' : '../../src';
const app = (await import(`${base}/app.js`)) as { startWrit: typeof StartWrit };
const cfg = (await import(`${base}/config.js`)) as { resolveConfig: typeof ResolveConfig };

const ownHome = args.home === undefined;
const home = args.home ?? mkdtempSync(join(tmpdir(), 'writ-bench-'));
// An empty environment: no WRIT_* variable of the shell may change what is measured.
const config = cfg.resolveConfig({ home, 'admin-port': '0', 'log-level': 'silent' }, {});
const writ = await app.startWrit({
  config,
  logger: pino({ level: 'silent' }),
  listeners: [{ role: 'check', host: '127.0.0.1', port: args.port }],
  admin: false,
});
announce(writ.ports.check ?? 0, async () => {
  await writ.close();
  if (ownHome) rmSync(home, { recursive: true, force: true });
});
