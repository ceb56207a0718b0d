/**
 * The admin listener binds its own address (--admin-host, loopback by default) apart from the gRPC roles'
 * --host, and a policy with REQUIRE_APPROVAL rules but no approver configured is said aloud: a warning in
 * the log and in /readyz (the console shows /readyz's warnings: test/browser/console.test.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { startWrit } from '../../src/app.js';
import { resolveConfig } from '../../src/config.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function start(flags: Record<string, string>) {
  const home = mkdtempSync(join(tmpdir(), 'writ-admin-'));
  dirs.push(home);
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split('\n'))
        if (l) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  const config = resolveConfig(
    {
      home,
      'check-port': '0',
      'verify-port': '0',
      'inbound-port': '0',
      'extproc-port': '0',
      'admin-port': '0',
      ...flags,
    },
    {},
  );
  // admin: true with port 0: an ephemeral admin port (0 alone disables it).
  const writ = await startWrit({ config, admin: true, logger: pino({ level: 'info' }, sink) });
  return { writ, config, lines, home };
}

const reach = async (host: string, port: number) => {
  try {
    const res = await fetch(`http://${host}:${port}/readyz`);
    return { status: res.status, body: (await res.json()) as { status: string; warnings: string[] } };
  } catch {
    return null;
  }
};

describe('--admin-host', () => {
  it('defaults to loopback whatever --host the gRPC roles bind', async () => {
    const { writ, config } = await start({ host: '127.0.0.3' });
    try {
      expect(config.adminHost).toBe('127.0.0.1');
      expect(await reach('127.0.0.1', writ.ports.admin!)).not.toBeNull();
      expect(await reach('127.0.0.3', writ.ports.admin!)).toBeNull();
    } finally {
      await writ.close();
    }
  });

  it('binds the address it is given, and only that one', async () => {
    const { writ } = await start({ 'admin-host': '127.0.0.2' });
    try {
      expect(await reach('127.0.0.2', writ.ports.admin!)).not.toBeNull();
      expect(await reach('127.0.0.1', writ.ports.admin!)).toBeNull();
    } finally {
      await writ.close();
    }
  });
});

describe('REQUIRE_APPROVAL with no approver', () => {
  it('warns in the log and in /readyz, naming the rules and the settings that fix it', async () => {
    // The default pack has require_approval rules; no --approver-keys-file, no --oidc-issuer.
    const { writ, lines } = await start({});
    try {
      const warning = lines.find((l) => l['alert'] === 'no-approver');
      expect(warning?.['level']).toBe(40);
      expect(String(warning?.['msg'])).toMatch(
        /require approval but no approver is configured \(--approver-keys-file or --oidc-issuer\)/,
      );
      const ready = await reach('127.0.0.1', writ.ports.admin!);
      expect(ready?.status).toBe(200);
      expect(ready?.body.warnings).toEqual([warning?.['msg']]);
    } finally {
      await writ.close();
    }
  });

  it('says nothing once an approver can sign in', async () => {
    const keys = join(mkdtempSync(join(tmpdir(), 'writ-approvers-')), 'approvers.txt');
    dirs.push(join(keys, '..'));
    writeFileSync(keys, `alice ${'a'.repeat(64)} security-oncall\n`);
    const { writ, lines } = await start({ 'approver-keys-file': keys });
    try {
      expect(lines.filter((l) => l['alert'] === 'no-approver')).toEqual([]);
      expect((await reach('127.0.0.1', writ.ports.admin!))?.body.warnings).toEqual([]);
    } finally {
      await writ.close();
    }
  });

  it('says nothing for a policy without REQUIRE_APPROVAL rules', async () => {
    const policyDir = mkdtempSync(join(tmpdir(), 'writ-policy-'));
    dirs.push(policyDir);
    writeFileSync(
      join(policyDir, 'p.yaml'),
      'apiVersion: writ.dev/v1\nkind: PolicySet\nrules:\n  - id: deny-all\n    effect: deny\n',
    );
    const { writ, lines } = await start({ 'policy-dir': policyDir });
    try {
      expect(lines.filter((l) => l['alert'] === 'no-approver')).toEqual([]);
      expect((await reach('127.0.0.1', writ.ports.admin!))?.body.warnings).toEqual([]);
    } finally {
      await writ.close();
    }
  });
});
