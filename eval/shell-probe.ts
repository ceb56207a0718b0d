/**
 * `node --import tsx eval/shell-probe.ts [--list]`: sends every F4 hostile shell line (eval/shell-hostile.ts)
 * and every tldr-pages command to a real writ over gRPC (check role, default pack) as `run_shell` calls, and
 * prints how many of each were allowed: hostile per family, benign tldr overall. `--list` prints the lines.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { startWrit } from '../src/app.js';
import { connectCheckClient, type CheckClient } from '../src/cli/check-client.js';
import { scenarioCheckRequest } from '../src/cli/scenario.js';
import { resolveConfig } from '../src/config.js';
import { BENIGN_SHELL, hostileShellCommands } from './shell-hostile.js';

import { DATA } from './corpora.js';

const TLDR = join(DATA, 'tldr-pages', 'commands.jsonl');

/** tldr commands with `{{placeholders}}` replaced by their inner text, as eval/corpora.ts reads them. */
function tldrCommands(): string[] {
  return readFileSync(TLDR, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => (JSON.parse(l) as { command: string }).command.replace(/\{\{([^}]*)\}\}/g, '$1'));
}

async function allowed(client: CheckClient, command: string): Promise<boolean> {
  const res = await client.check(
    scenarioCheckRequest({ mcp: { tool: 'run_shell', arguments: { command } } }),
  );
  return res.status.code === 0;
}

/** Runs `fn` over `items` with `width` calls in flight. */
async function mapLimited<T, R>(items: readonly T[], width: number, fn: (x: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}

async function main(): Promise<void> {
  const list = process.argv.includes('--list');
  const home = mkdtempSync(join(tmpdir(), 'writ-probe-'));
  const config = resolveConfig({ home, 'admin-port': '0', 'max-body-bytes': String(4 * 1024 * 1024) }, {});
  const writ = await startWrit({
    config,
    logger: pino({ level: 'silent' }),
    listeners: [{ role: 'check', host: '127.0.0.1', port: 0 }],
    admin: false,
    now: () => Date.UTC(2026, 0, 5, 10, 0, 0),
  });
  const client = connectCheckClient(`127.0.0.1:${writ.ports.check}`);
  try {
    const hostile = hostileShellCommands();
    const verdicts = await mapLimited(hostile, 16, (h) => allowed(client, h.command));
    const families = new Map<string, { total: number; allowed: number }>();
    hostile.forEach((h, i) => {
      const f = families.get(h.family) ?? { total: 0, allowed: 0 };
      f.total++;
      if (verdicts[i] === true) {
        f.allowed++;
        if (list) console.log(`ALLOWED hostile [${h.family}] ${JSON.stringify(h.command.slice(0, 200))}`);
      }
      families.set(h.family, f);
    });
    let total = 0;
    let allowedTotal = 0;
    for (const [name, f] of families) {
      console.log(`hostile ${name}: ${f.allowed}/${f.total} allowed`);
      total += f.total;
      allowedTotal += f.allowed;
    }
    console.log(`hostile F4 total: ${allowedTotal}/${total} allowed`);
    const benign = await mapLimited(BENIGN_SHELL, 8, (c) => allowed(client, c));
    BENIGN_SHELL.forEach((c, i) => {
      if (benign[i] !== true) console.log(`DENIED benign ${JSON.stringify(c)}`);
    });
    console.log(`benign list: ${benign.filter(Boolean).length}/${BENIGN_SHELL.length} allowed`);
    const tldr = tldrCommands();
    const started = Date.now();
    const tv = await mapLimited(tldr, 16, (c) => allowed(client, c));
    if (list) tldr.forEach((c, i) => tv[i] === true && console.log(`ALLOWED tldr ${JSON.stringify(c)}`));
    console.log(
      `tldr-pages: ${tv.filter(Boolean).length}/${tldr.length} allowed (${Date.now() - started} ms)`,
    );
  } finally {
    client.close();
    await writ.close();
    rmSync(home, { recursive: true, force: true });
  }
}

await main();
