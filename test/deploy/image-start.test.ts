/**
 * The container image starts: its final stage's file tree, ENV, USER and CMD are laid out under a temp
 * folder (every absolute image path P becomes <root>/P) and `serve` is started exactly as the CMD says, as
 * the image's numeric user, then asked through the image's own HEALTHCHECK command. No Docker daemon runs
 * here; this is the Dockerfile read as data and executed on this machine's Node (the image runs Node 24).
 * Needs dist (`npm run build`).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoPath } from './paths.js';

interface Instruction {
  op: string;
  args: string;
}

/** Dockerfile instructions with line continuations joined and comments dropped. */
function parseDockerfile(text: string): Instruction[] {
  return text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const [op = '', ...rest] = l.split(/\s+/);
      return { op: op.toUpperCase(), args: rest.join(' ') };
    });
}

/** ENV's key=value pairs (the form this Dockerfile uses; quotes not needed). */
function envPairs(args: string): [string, string][] {
  return args.split(/\s+/).map((kv) => {
    const i = kv.indexOf('=');
    if (i <= 0) throw new Error(`ENV ${kv}: only key=value is simulated`);
    return [kv.slice(0, i), kv.slice(i + 1)];
  });
}

interface ImageLayout {
  root: string;
  cwd: string;
  env: Record<string, string>;
  uid: number;
  gid: number;
  /** The process to run: node's arguments (the distroless entrypoint is node). */
  cmd: string[];
  healthcheck: string[];
}

/** The image's final stage laid out under `root`; build-stage paths /src/X are the repository's X. */
function layOutImage(dockerfile: string, root: string): ImageLayout {
  const steps = parseDockerfile(dockerfile);
  const finalFrom = steps.map((s) => s.op).lastIndexOf('FROM');
  const build = steps.slice(0, finalFrom);
  const final = steps.slice(finalFrom + 1);
  const made = build
    .filter((s) => s.op === 'RUN')
    .flatMap((s) => [...s.args.matchAll(/mkdir -p (\S+)/g)].map((m) => m[1]!));
  const at = (p: string) => path.join(root, p);
  let workdir = '/';
  const env: Record<string, string> = {};
  let user = '0:0';
  let cmd: string[] = [];
  let healthcheck: string[] = [];
  for (const { op, args } of final) {
    if (op === 'WORKDIR') {
      workdir = path.posix.resolve(workdir, args);
      mkdirSync(at(workdir), { recursive: true });
    } else if (op === 'COPY') {
      const words = args.split(/\s+/);
      const flags = Object.fromEntries(
        words.filter((w) => w.startsWith('--')).map((w) => w.slice(2).split('=') as [string, string]),
      );
      const [src, dest] = words.filter((w) => !w.startsWith('--')) as [string, string];
      const target = at(path.posix.resolve(workdir, dest));
      let from: string | null;
      if (flags['from'] === 'build') {
        if (!src.startsWith('/src/')) throw new Error(`COPY --from=build ${src}: not under /src`);
        const rel = src.slice('/src/'.length);
        from = made.includes(src) ? null : repoPath(rel);
      } else from = repoPath(src);
      mkdirSync(path.dirname(target), { recursive: true });
      if (from === null) mkdirSync(target, { recursive: true });
      // The image's node_modules is the pruned production set; the repository's holds it (and more).
      else if (path.basename(from) === 'node_modules') symlinkSync(from, target);
      else cpSync(from, target, { recursive: true });
      if (flags['chown']) {
        const [u, g] = flags['chown'].split(':').map(Number);
        chownSync(target, u!, g ?? u!);
      }
    } else if (op === 'ENV') {
      for (const [k, v] of envPairs(args)) env[k] = v;
    } else if (op === 'USER') user = args;
    else if (op === 'CMD') cmd = JSON.parse(args) as string[];
    else if (op === 'HEALTHCHECK') {
      const json = args.slice(args.indexOf('CMD ') + 4);
      healthcheck = JSON.parse(json) as string[];
    } else if (op === 'RUN') throw new Error(`RUN in the final stage: distroless has no shell (${args})`);
  }
  const [uid, gid] = user.split(':').map(Number);
  // Absolute image paths in ENV and the commands live under the root here.
  const mapPath = (v: string) => (v.startsWith('/') ? at(v) : v);
  return {
    root,
    cwd: at(workdir),
    env: Object.fromEntries(Object.entries(env).map(([k, v]) => [k, mapPath(v)])),
    uid: uid!,
    gid: gid ?? uid!,
    cmd: cmd.map(mapPath),
    // The HEALTHCHECK names distroless's node; here it is this machine's.
    healthcheck: healthcheck.slice(1).map(mapPath),
  };
}

async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve) => {
          const s = createServer();
          s.listen(0, '127.0.0.1', () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'writ-image-'));
// The runtime user must be able to walk to its files, as in the image (root-owned, world-readable).
chmodSync(tmp, 0o755);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const dockerfile = readFileSync(repoPath('Dockerfile'), 'utf8');
const canRunAsImageUser = process.getuid?.() === 0;
const built = existsSync(repoPath('dist', 'cli', 'main.js'));

async function portEnv(): Promise<Record<string, string>> {
  const [admin, check, verify, inbound, extproc] = await freePorts(5);
  return {
    WRIT_ADMIN_PORT: String(admin),
    WRIT_CHECK_PORT: String(check),
    WRIT_VERIFY_PORT: String(verify),
    WRIT_INBOUND_PORT: String(inbound),
    WRIT_EXTPROC_PORT: String(extproc),
  };
}

function start(
  layout: ImageLayout,
  extraEnv: Record<string, string>,
): { child: ChildProcess; stderr: () => string } {
  const child = spawn(process.execPath, layout.cmd, {
    cwd: layout.cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...layout.env, ...extraEnv },
    uid: layout.uid,
    gid: layout.gid,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  child.stdout.resume();
  return { child, stderr: () => err };
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });

/**
 * The image runs its own node; here the test's node runs as the image user. A node the image user cannot
 * execute (Node 24 from `npx -p node@24` lives in root's private npm cache) cannot stand in for it.
 */
const nodeRunsAsImageUser = (() => {
  if (!canRunAsImageUser) return false;
  const { uid, gid } = layOutImage(dockerfile, path.join(tmp, 'probe'));
  return spawnSync(process.execPath, ['--version'], { uid, gid }).status === 0;
})();

const skipReason = !built
  ? 'no dist (npm run build)'
  : !canRunAsImageUser
    ? 'not root, so the image user cannot be taken'
    : !nodeRunsAsImageUser
      ? `the image user cannot execute this node (${process.execPath})`
      : null;
if (skipReason !== null) console.warn(`skipping the image start: ${skipReason}`);

describe.skipIf(skipReason !== null)("the image's tree, ENV, USER and CMD", () => {
  it('starts serve and answers its own HEALTHCHECK, then drains on SIGTERM', async () => {
    const layout = layOutImage(dockerfile, path.join(tmp, 'good'));
    expect(layout.uid).toBeGreaterThan(0);
    const ports = await portEnv();
    const { child, stderr } = start(layout, ports);
    try {
      let health = { status: -1 as number | null, stdout: '' };
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline && child.exitCode === null) {
        const r = spawnSync(process.execPath, layout.healthcheck, {
          cwd: layout.cwd,
          env: { ...layout.env, ...ports },
          uid: layout.uid,
          gid: layout.gid,
          encoding: 'utf8',
          timeout: 10_000,
        });
        health = { status: r.status, stdout: r.stdout };
        if (r.status === 0) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(child.exitCode, stderr()).toBeNull();
      expect(health).toEqual({ status: 0, stdout: 'SERVING\n' });
      // The policy came from WRIT_POLICY_DIR, and the key and audit log went to WRIT_HOME. The health
      // service can answer SERVING before the process's log line naming the folder reaches the pipe.
      const logDeadline = Date.now() + 10_000;
      while (!stderr().includes(layout.env['WRIT_POLICY_DIR']!) && Date.now() < logDeadline)
        await new Promise((r) => setTimeout(r, 100));
      expect(stderr()).toContain(layout.env['WRIT_POLICY_DIR']);
      expect(existsSync(path.join(layout.env['WRIT_HOME']!, 'keys', 'signing-key.pem'))).toBe(true);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited(child)).toBe(0);
  }, 60_000);

  const refusal = async (name: string, edit: (text: string) => string, remove?: string) => {
    const layout = layOutImage(edit(dockerfile), path.join(tmp, name));
    if (remove) rmSync(path.join(layout.root, remove), { recursive: true, force: true });
    if (remove) mkdirSync(path.join(layout.root, remove), { recursive: true });
    const { child, stderr } = start(layout, await portEnv());
    const code = await exited(child);
    return { code, lines: stderr().trim().split('\n'), policyDir: layout.env['WRIT_POLICY_DIR']! };
  };

  it("refuses in one line naming the path when the policies are not where WRIT_POLICY_DIR says (issue 18's image)", async () => {
    const r = await refusal('moved', (t) =>
      t.replace('COPY policies /etc/writ/policies', 'COPY policies ./policies'),
    );
    expect(r.code).toBe(2);
    expect(r.lines).toEqual([
      `writ: invalid policy, refusing to start: policy folder "${r.policyDir}" does not exist`,
    ]);
  }, 30_000);

  it('refuses in one line naming the path when the policy folder is empty', async () => {
    const r = await refusal('empty', (t) => t, 'etc/writ/policies');
    expect(r.code).toBe(2);
    expect(r.lines).toEqual([
      `writ: invalid policy, refusing to start: policy folder "${r.policyDir}" holds no policy file (*.yaml)`,
    ]);
  }, 30_000);
});

describe('the Dockerfile as data', () => {
  it('labels the image with the OCI annotations and declares a health check in exec form', () => {
    const steps = parseDockerfile(dockerfile);
    const final = steps.slice(steps.map((s) => s.op).lastIndexOf('FROM'));
    const labels = final
      .filter((s) => s.op === 'LABEL')
      .map((s) => s.args)
      .join(' ');
    for (const key of ['title', 'description', 'licenses', 'version', 'revision', 'source'])
      expect(labels).toContain(`org.opencontainers.image.${key}=`);
    const hc = final.find((s) => s.op === 'HEALTHCHECK')!;
    expect(JSON.parse(hc.args.slice(hc.args.indexOf('CMD ') + 4))).toEqual([
      '/nodejs/bin/node',
      '/app/dist/cli/main.js',
      'health',
    ]);
  });
});
