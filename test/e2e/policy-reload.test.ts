/** Hot reload and shadow mode through a running server: a valid change swaps in, an invalid one never does, a shadow set never enforces. */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { structField } from '../../src/cli/check-client.js';
import { scenarioCheckRequest } from '../../src/cli/scenario.js';
import { startTestWrit, type TestWrit } from '../support/writ-server.js';

const root = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'writ-reload-'));
const live = join(dir, 'live');
const shadow = join(dir, 'shadow');
let t: TestWrit;

beforeAll(async () => {
  cpSync(join(root, 'policies', 'default.yaml'), join(live, 'default.yaml'));
  // The candidate set denies GitHub reads that the live set allows.
  const candidate = readFileSync(join(root, 'policies', 'default.yaml'), 'utf8').replace(
    /(- id: github-read\n(?:.*\n)*?\s+effect: )allow/,
    '$1deny',
  );
  expect(candidate).toMatch(/id: github-read\n(?:.*\n)*?\s+effect: deny/);
  cpSync(join(root, 'policies', 'default.yaml'), join(shadow, 'default.yaml'));
  writeFileSync(join(shadow, 'default.yaml'), candidate);
  t = await startTestWrit({ 'policy-dir': live, 'shadow-policy-dir': shadow });
});
afterAll(async () => {
  await t?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const github = scenarioCheckRequest({ method: 'GET', authority: 'api.github.com', path: '/repos/acme/app' });

async function decide() {
  const res = await t.check.check(github);
  return { decision: structField(res, 'writ_decision'), version: structField(res, 'writ_policy_version') };
}

async function until<T>(probe: () => Promise<T>, ok: (v: T) => boolean, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('policy hot reload and shadow mode', () => {
  it('shadow differences are counted but never enforced', async () => {
    const before = t.writ.metrics.value('writ_shadow_differences_total', { kind: 'tightened' });
    expect((await decide()).decision).toBe('ALLOW');
    expect(t.writ.metrics.value('writ_shadow_differences_total', { kind: 'tightened' })).toBe(before + 1);
  });

  it('an invalid policy file is reported and the last good set stays', async () => {
    const first = await decide();
    writeFileSync(join(live, 'broken.yaml'), 'apiVersion: writ.dev/v1\nrules:\n  - id: x\n    efect: deny\n');
    await new Promise((r) => setTimeout(r, 700));
    expect(await decide()).toEqual(first);
    rmSync(join(live, 'broken.yaml'));
  });

  it('a valid change is swapped in atomically and names its new version', async () => {
    const first = await decide();
    const text = readFileSync(join(live, 'default.yaml'), 'utf8').replace(
      /(- id: github-read\n(?:.*\n)*?\s+effect: )allow/,
      '$1deny',
    );
    writeFileSync(join(live, 'default.yaml'), text);
    const after = await until(decide, (d) => d.decision === 'DENY');
    expect(after.decision).toBe('DENY');
    expect(after.version).not.toBe(first.version);
  });
});
