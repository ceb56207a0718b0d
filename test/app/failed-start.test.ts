/**
 * A failed start closes everything it opened (issue 14): policy and shadow watchers, the audit file, the
 * key ring, listeners. Startup is made to fail after the watchers are open, at two different points.
 */
import { createServer, type Server } from 'node:net';
import { cpSync, mkdtempSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startWrit } from '../../src/app.js';
import { resolveConfig } from '../../src/config.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

let home = '';
let busy: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (busy === undefined ? resolve() : busy.close(() => resolve())));
  busy = undefined;
  if (home !== '') rmSync(home, { recursive: true, force: true });
});

/** The files this process holds open (Linux /proc). */
function openFiles(): string[] {
  return readdirSync('/proc/self/fd').flatMap((fd) => {
    try {
      return [readlinkSync(`/proc/self/fd/${fd}`)];
    } catch {
      return [];
    }
  });
}

/** A home with a live and a shadow policy folder, and a logger that keeps every line. */
function setUp() {
  home = mkdtempSync(join(tmpdir(), 'writ-failed-start-'));
  const live = join(home, 'live');
  const shadow = join(home, 'shadow');
  cpSync(join(ROOT, 'policies'), live, { recursive: true });
  cpSync(join(ROOT, 'policies'), shadow, { recursive: true });
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, { write: (s: string) => lines.push(s) });
  return { live, shadow, lines, logger };
}

/** Edits both folders, waits past the watchers' quiet period, and returns what the log said since. */
async function editAfterFailure(live: string, shadow: string, lines: string[]): Promise<string[]> {
  const before = lines.length;
  const text = `apiVersion: writ.dev/v1\nrules:\n  - {id: edited, effect: allow, when: {action.tool: x}}\n`;
  writeFileSync(join(live, 'extra.yaml'), text);
  writeFileSync(
    join(shadow, 'default.yaml'),
    'apiVersion: writ.dev/v1\nrules: [{id: broken, efect: allow}]\n',
  );
  await new Promise((r) => setTimeout(r, 800));
  return lines.slice(before);
}

describe('a failed start', () => {
  it('closes the watchers, the audit file and the key ring when a listener cannot bind', async () => {
    const { live, shadow, lines, logger } = setUp();
    busy = createServer();
    const port = await new Promise<number>((resolve) =>
      busy!.listen(0, '127.0.0.1', () => resolve((busy!.address() as { port: number }).port)),
    );
    const config = resolveConfig(
      { home, 'policy-dir': live, 'shadow-policy-dir': shadow, 'admin-port': '0' },
      {},
    );
    await expect(
      startWrit({ config, logger, listeners: [{ role: 'check', host: '127.0.0.1', port }], admin: false }),
    ).rejects.toThrow();
    // The watchers had started (the policy was loaded) before the listener failed.
    expect(lines.some((l) => l.includes('"policy loaded"'))).toBe(true);
    expect(openFiles().filter((f) => f === config.auditFile)).toEqual([]);
    const after = await editAfterFailure(live, shadow, lines);
    expect(
      after.filter((l) => /policy reloaded|shadow policy reload failed|policy reload failed/.test(l)),
    ).toEqual([]);
  });

  it('closes what it opened when checkpoint anchoring cannot start (no TSA CA file)', async () => {
    const { live, shadow, lines, logger } = setUp();
    const config = resolveConfig(
      {
        home,
        'policy-dir': live,
        'shadow-policy-dir': shadow,
        'admin-port': '0',
        'tsa-url': 'http://127.0.0.1:9/tsa',
        'tsa-ca-file': join(home, 'missing-ca.pem'),
      },
      {},
    );
    await expect(
      startWrit({ config, logger, listeners: [{ role: 'check', host: '127.0.0.1', port: 0 }], admin: false }),
    ).rejects.toThrow(/missing-ca\.pem/);
    expect(openFiles().filter((f) => f === config.auditFile)).toEqual([]);
    const after = await editAfterFailure(live, shadow, lines);
    expect(after.filter((l) => /reload/.test(l))).toEqual([]);
    // The same home starts cleanly afterwards, and closes cleanly.
    const writ = await startWrit({
      config: resolveConfig({ home, 'policy-dir': live, 'admin-port': '0' }, {}),
      logger,
      listeners: [{ role: 'check', host: '127.0.0.1', port: 0 }],
      admin: false,
    });
    expect(writ.ports.check).toBeGreaterThan(0);
    await writ.close();
    expect(openFiles().filter((f) => f === config.auditFile)).toEqual([]);
  });
});
