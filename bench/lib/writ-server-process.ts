/**
 * writ's check role in a process of its own (bench/servers/writ-server.ts on the default policies), as the
 * load benchmarks that drive it from outside start it: from `src` (tsx) or `dist`, answering its own CPU stats.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, type ServerProcess } from './server-process.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function startWritServer(app: string): Promise<ServerProcess> {
  return startServer({
    name: 'writ',
    command: process.execPath,
    args: [
      '--max-semi-space-size=64',
      '--import',
      'tsx',
      'bench/servers/writ-server.ts',
      '--port',
      '0',
      '--app',
      app,
    ],
    cwd: ROOT,
    answersStats: true,
  });
}
