/** Hot reload: a ConfigMap-style `..data` symlink swap goes live; a broken set keeps the last good one. */
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadPolicyFolder } from '../../src/pipeline/policy/load.js';
import { watchPolicyFolder, type PolicyWatcher } from '../../src/policy-watcher.js';

const policy = (id: string) =>
  `apiVersion: writ.dev/v1\nrules:\n  - {id: ${id}, effect: allow, when: {action.tool: x}}\n`;
const until = async (cond: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

let tmp = '';
let w: PolicyWatcher | undefined;
afterEach(() => {
  w?.close();
  if (tmp !== '') rmSync(tmp, { recursive: true, force: true });
});

/** Lays out a folder the way kubelet mounts a ConfigMap: files are symlinks into `..data/`. */
function configMap(root: string, gen: string, text: string) {
  const dir = join(root, gen);
  mkdirSync(dir);
  writeFileSync(join(dir, 'default.yaml'), text);
  symlinkSync(gen, join(root, '..data_tmp'));
  renameSync(join(root, '..data_tmp'), join(root, '..data'));
}

describe('watchPolicyFolder', () => {
  it('swaps in a ConfigMap update and keeps the last good set when the next one is invalid', async () => {
    tmp = mkdtempSync(join(tmpdir(), 'writ-watch-'));
    const root = join(tmp, 'policies');
    mkdirSync(root);
    configMap(root, '..2026_01', policy('first'));
    symlinkSync('..data/default.yaml', join(root, 'default.yaml'));
    const initial = loadPolicyFolder(root);
    const reloads: string[] = [];
    const errors: string[] = [];
    w = watchPolicyFolder(root, {
      initial,
      debounceMs: 50,
      onReload: (next) => reloads.push(next.rules[0]!.id),
      onError: (err) => errors.push(String(err)),
    });
    expect(w.current().rules[0]!.id).toBe('first');

    configMap(root, '..2026_02', policy('second'));
    await until(() => reloads.length === 1);
    expect(w.current().rules[0]!.id).toBe('second');
    expect(w.current().version).not.toBe(initial.version);

    configMap(root, '..2026_03', 'apiVersion: writ.dev/v1\nrules:\n  - {id: third, efect: allow}\n');
    await until(() => errors.length > 0);
    expect(errors[0]).toMatch(/unknown field "efect" in rule "third"/);
    expect(w.current().rules[0]!.id).toBe('second');
  });

  it('reload() reports whether a new version went live', () => {
    tmp = mkdtempSync(join(tmpdir(), 'writ-watch-'));
    writeFileSync(join(tmp, 'p.yaml'), policy('a'));
    w = watchPolicyFolder(tmp, { initial: loadPolicyFolder(tmp), debounceMs: 10_000 });
    expect(w.reload()).toBe(false);
    writeFileSync(join(tmp, 'p.yaml'), policy('b'));
    expect(w.reload()).toBe(true);
    expect(w.current().rules[0]!.id).toBe('b');
  });
});
