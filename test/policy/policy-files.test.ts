/**
 * Hot reload: a ConfigMap-style `..data` symlink swap goes live as one version; a broken set keeps the last
 * good one; a sealed file cut short or missing never goes live (issue 15 F9).
 */
import { spawn } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { compilePolicySources } from '../../src/pipeline/policy/load.js';
import {
  loadPolicyFolder,
  readPolicyFolder,
  watchPolicyFolder,
  type PolicyWatcher,
} from '../../src/policy-files.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

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

/** A one-rule policy allowing the tool named like the rule. */
const toolPolicy = (id: string) =>
  `apiVersion: writ.dev/v1\nrules:\n  - {id: ${id}, effect: allow, when: {action.tool: ${id}}}\n`;

/** The repository's policy files, each ending with the end marker `...`. */
const POLICY_FILES = [
  join(ROOT, 'policies', 'default.yaml'),
  join(ROOT, 'scenarios', 'identity', 'policies', 'delegation.yaml'),
];

/** The first `n` lines of a text, each with its newline: a write cut at a line boundary. */
const firstLines = (text: string, n: number) =>
  text
    .split('\n')
    .slice(0, n)
    .map((l) => `${l}\n`)
    .join('');

describe('a partial write never goes live (issue 15 F9)', () => {
  it('refuses every file of the packs cut at every line boundary, and only the complete file goes live', () => {
    tmp = mkdtempSync(join(tmpdir(), 'writ-cut-'));
    const texts = new Map(POLICY_FILES.map((f) => [basename(f), readFileSync(f, 'utf8')]));
    for (const [name, text] of texts) writeFileSync(join(tmp, name), text);
    const initial = loadPolicyFolder(tmp);
    expect(initial.sealedFiles).toHaveLength(texts.size);
    const errors: string[] = [];
    w = watchPolicyFolder(tmp, { initial, debounceMs: 60_000, onError: (e) => errors.push(String(e)) });
    let cuts = 0;
    let wouldCompile = 0;
    for (const [name, text] of texts) {
      const lines = text.split('\n').length;
      for (let n = 0; n < lines - 1; n++) {
        const cut = firstLines(text, n);
        if (cut === text) continue;
        writeFileSync(join(tmp, name), cut);
        cuts++;
        // What the compiler alone would have done with this cut: many of them are valid sets. Compiling the
        // whole pack costs ~100 ms and the pack grows, so the compiler is asked only until the bar below is
        // passed; every cut is still offered to the watcher.
        if (wouldCompile <= 10) {
          try {
            compilePolicySources(readPolicyFolder(tmp));
            wouldCompile++;
          } catch {
            // an invalid cut was never the danger
          }
        }
        expect(w.reload(), `${name} cut after ${n} lines`).toBe(false);
        expect(w.current().version).toBe(initial.version);
      }
      writeFileSync(join(tmp, name), text);
      expect(w.reload()).toBe(false);
    }
    // The test means something only if cuts that compile were offered: the 130-line cut of the issue did.
    expect(wouldCompile).toBeGreaterThan(10);
    expect(cuts).toBeGreaterThan(200);
    expect(errors.some((e) => /no longer ends with the end marker/.test(e))).toBe(true);
    // A complete new version (marker kept) still goes live.
    const [name, text] = [...texts][0]!;
    writeFileSync(join(tmp, name), text.replace(/^\.\.\.$/m, '# edited\n...'));
    expect(w.reload()).toBe(true);
  });

  it('refuses cuts inside a line too (generated)', () => {
    tmp = mkdtempSync(join(tmpdir(), 'writ-cut-'));
    const text = readFileSync(POLICY_FILES[0]!, 'utf8');
    writeFileSync(join(tmp, 'default.yaml'), text);
    const initial = loadPolicyFolder(tmp);
    w = watchPolicyFolder(tmp, { initial, debounceMs: 60_000 });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: text.length - 5 }), (at) => {
        writeFileSync(join(tmp, 'default.yaml'), text.slice(0, at));
        expect(w!.reload()).toBe(false);
        expect(w!.current().version).toBe(initial.version);
      }),
      { numRuns: 150 },
    );
  });

  it('keeps the last good set while a sealed file is deleted and written again (editor save)', () => {
    tmp = mkdtempSync(join(tmpdir(), 'writ-cut-'));
    writeFileSync(join(tmp, 'a.yaml'), `${toolPolicy('a')}...\n`);
    writeFileSync(join(tmp, 'b.yaml'), `${toolPolicy('b')}...\n`);
    const initial = loadPolicyFolder(tmp);
    const errors: string[] = [];
    w = watchPolicyFolder(tmp, { initial, debounceMs: 60_000, onError: (e) => errors.push(String(e)) });
    rmSync(join(tmp, 'b.yaml'));
    expect(w.reload()).toBe(false);
    expect(errors.at(-1)).toMatch(/b\.yaml.*disappeared/);
    writeFileSync(join(tmp, 'b.yaml'), `${toolPolicy('b2')}...\n`);
    expect(w.reload()).toBe(true);
    expect(
      w
        .current()
        .rules.map((r) => r.id)
        .sort(),
    ).toEqual(['a', 'b2']);
    // An unsealed file is as before: its edits go live (the marker is what makes a cut detectable).
    writeFileSync(join(tmp, 'c.yaml'), toolPolicy('c'));
    expect(w.reload()).toBe(true);
    writeFileSync(join(tmp, 'c.yaml'), toolPolicy('c2'));
    expect(w.reload()).toBe(true);
  });

  it('through the watcher: a truncated write is reported and the full write goes live', async () => {
    tmp = mkdtempSync(join(tmpdir(), 'writ-cut-'));
    const text = readFileSync(POLICY_FILES[0]!, 'utf8');
    writeFileSync(join(tmp, 'default.yaml'), text);
    const initial = loadPolicyFolder(tmp);
    const reloads: string[] = [];
    const errors: string[] = [];
    w = watchPolicyFolder(tmp, {
      initial,
      debounceMs: 50,
      onReload: (next) => reloads.push(next.version),
      onError: (err) => errors.push(String(err)),
    });
    // As in the issue (130 lines of the pack then), the longest cut that still compiles: fewer rules.
    const lines = text.split('\n').length;
    let n = lines - 2;
    for (; n > 0; n--) {
      try {
        compilePolicySources([{ name: 'default.yaml', text: firstLines(text, n) }]);
        break;
      } catch {
        // not a valid set: an older cut would not have gone live either
      }
    }
    expect(n).toBeGreaterThan(lines / 2);
    writeFileSync(join(tmp, 'default.yaml'), firstLines(text, n));
    await until(() => errors.length > 0);
    expect(errors[0]).toMatch(/default\.yaml.*no longer ends with the end marker/);
    expect(w.current().version).toBe(initial.version);
    writeFileSync(join(tmp, 'default.yaml'), text.replace('# ', '#  '));
    await until(() => reloads.length === 1);
    expect(w.current().rules).toHaveLength(initial.rules.length);
  });
});

describe('readPolicyFolder on a ConfigMap volume', () => {
  it('reads one version while kubelet swaps ..data, never a mix of two', async () => {
    tmp = mkdtempSync(join(tmpdir(), 'writ-cm-'));
    const root = join(tmp, 'policies');
    mkdirSync(root);
    for (const gen of ['..g1', '..g2']) {
      mkdirSync(join(root, gen));
      for (const f of ['a.yaml', 'b.yaml', 'c.yaml']) writeFileSync(join(root, gen, f), `# ${gen}\n`);
    }
    symlinkSync('..g1', join(root, '..data'));
    for (const f of ['a.yaml', 'b.yaml', 'c.yaml']) symlinkSync(`..data/${f}`, join(root, f));
    // A second process swaps ..data as kubelet does (symlink to a temporary name, then rename over).
    const swapper = spawn(process.execPath, [
      '-e',
      `const fs=require('node:fs'),p=require('node:path');const r=${JSON.stringify(root)};` +
        `for(let i=0;i<200000;i++){const t=p.join(r,'..data_tmp');try{fs.unlinkSync(t)}catch{}` +
        `fs.symlinkSync(i%2?'..g1':'..g2',t);fs.renameSync(t,p.join(r,'..data'));}`,
    ]);
    const exited = new Promise((resolve) => swapper.on('exit', resolve));
    try {
      await new Promise((r) => setTimeout(r, 100));
      let reads = 0;
      const seen = new Set<string>();
      const end = Date.now() + 1500;
      while (Date.now() < end && swapper.exitCode === null) {
        let files;
        try {
          files = readPolicyFolder(root, root);
        } catch (err) {
          // Three swaps during one read is refused as a load error, never read as a mix.
          expect(String(err)).toMatch(/kept changing/);
          continue;
        }
        const gens = new Set(files.map((f) => f.text));
        expect(files.map((f) => f.name)).toEqual(['a.yaml', 'b.yaml', 'c.yaml']);
        expect(gens.size, JSON.stringify(files)).toBe(1);
        seen.add([...gens][0]!);
        reads++;
      }
      expect(reads).toBeGreaterThan(50);
      expect(seen.size).toBe(2);
    } finally {
      swapper.kill();
      await exited;
    }
  });
});
