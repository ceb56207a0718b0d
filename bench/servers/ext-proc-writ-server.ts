/**
 * writ's ext_proc role (the response path) alone in its own process, for the ext_proc bench: `startWrit`
 * with a temporary WRIT_HOME, the default policies (their response rules), the audit log on disk, a silent
 * logger and no check listener. Prints `{"ready":true,"port":N}` (the ext_proc port) and exits on SIGTERM.
 * Run: node --import tsx bench/servers/ext-proc-writ-server.ts [--port 0] [--app dist|src] [--home DIR]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { startWrit as StartWrit } from '../../src/app.js';
import type { resolveConfig as ResolveConfig } from '../../src/config.js';
import { announce, serverArgs } from '../lib/server-stats.js';

const args = serverArgs(process.argv.slice(2));
const base = args.app === 'dist' ? '../../dist' : '../../src';
const app = (await import(`${base}/app.js`)) as { startWrit: typeof StartWrit };
const cfg = (await import(`${base}/config.js`)) as { resolveConfig: typeof ResolveConfig };

const ownHome = args.home === undefined;
const home = args.home ?? mkdtempSync(join(tmpdir(), 'writ-bench-extproc-'));
// An empty environment: no WRIT_* variable of the shell may change what is measured.
const config = cfg.resolveConfig({ home, 'admin-port': '0', 'log-level': 'silent' }, {});
const writ = await app.startWrit({
  config,
  logger: pino({ level: 'silent' }),
  listeners: [],
  extproc: { host: '127.0.0.1', port: args.port },
  admin: false,
});
announce(writ.ports.extproc ?? 0, async () => {
  await writ.close();
  if (ownHome) rmSync(home, { recursive: true, force: true });
});
