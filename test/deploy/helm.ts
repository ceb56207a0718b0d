/**
 * Builds tools/helm-render (Go text/template + sprig, Helm's engine rebuilt) and renders charts with it.
 * No helm binary can be installed here; see tools/helm-render/main.go for what is reproduced.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, renameSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoPath } from './paths.js';

/** Where the test builds the renderer (ignored by git). */
const BIN_DIR = repoPath('tools', 'helm-render', 'bin');

/** Builds the renderer; returns its path, or the reason it cannot be built (Go or a library missing). */
export function buildHelmRender(): { bin: string } | { missing: string } {
  try {
    execFileSync('go', ['version'], { stdio: 'pipe' });
  } catch {
    return { missing: 'Go is not installed (run .ci/setup/deploy.sh)' };
  }
  mkdirSync(BIN_DIR, { recursive: true });
  const bin = path.join(BIN_DIR, 'helm-render');
  // Build to a private name, then rename: test files running in parallel never see a half-written binary.
  const tmp = `${bin}.${process.pid}`;
  const env = {
    ...process.env,
    GOPATH: '/usr/share/gocode',
    GO111MODULE: 'off',
    GOFLAGS: '',
    GOCACHE: process.env.GOCACHE ?? path.join(os.tmpdir(), 'writ-gocache'),
  };
  const built = spawnSync('go', ['build', '-o', tmp, './tools/helm-render'], {
    cwd: repoPath(),
    env,
    encoding: 'utf8',
  });
  if (built.status !== 0)
    return { missing: `go build failed (Debian's sprig and sigs.k8s.io/yaml?): ${built.stderr}` };
  renameSync(tmp, bin);
  return { bin };
}

/** Renders the chart with an optional values file; throws with helm-render's message on failure. */
export function renderChart(bin: string, valuesFile?: string): string {
  const args = ['-chart', repoPath('charts', 'writ'), '-name', 'writ', '-namespace', 'writ'];
  if (valuesFile) args.push('-f', valuesFile);
  const run = spawnSync(bin, args, { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr.trim());
  return run.stdout;
}
