/**
 * The Dockerfile builds on Node 24 and runs as a numeric non-root user, and the chart runs that image
 * locked down. Docker cannot run here, so the file is parsed, not built.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
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

const steps = parseDockerfile(readFileSync(repoPath('Dockerfile'), 'utf8'));
const stages = steps.filter((s) => s.op === 'FROM').map((s) => s.args);
const finalStage = steps.slice(steps.map((s) => s.op).lastIndexOf('FROM'));

describe('Dockerfile', () => {
  it('builds in a Node 24 stage and runs on a Node 24 base', () => {
    expect(stages).toHaveLength(2);
    expect(stages[0]).toMatch(/^node:24[-.\w]* AS build$/);
    expect(stages[1]).toMatch(/(^node:24[-.\w]*$)|(^gcr\.io\/distroless\/nodejs24-debian\d+(:[\w.-]+)?$)/);
    const run = steps
      .filter((s) => s.op === 'RUN')
      .map((s) => s.args)
      .join(' && ');
    expect(run).toContain('npm ci');
    expect(run).toContain('npm run build');
    expect(run).toContain('npm prune --omit=dev');
  });

  it('runs as a numeric non-root user with writ listening on all interfaces', () => {
    const users = finalStage.filter((s) => s.op === 'USER').map((s) => s.args);
    expect(users).toHaveLength(1);
    const [uid, gid] = users[0]!.split(':').map(Number);
    expect(uid).toBeGreaterThan(0);
    expect(gid ?? uid).toBeGreaterThan(0);
    const env = finalStage
      .filter((s) => s.op === 'ENV')
      .map((s) => s.args)
      .join(' ');
    expect(env).toContain('WRIT_LISTEN_HOST=0.0.0.0');
    expect(env).toContain('WRIT_HOME=/var/lib/writ');
    const exposed = finalStage.filter((s) => s.op === 'EXPOSE').flatMap((s) => s.args.split(/\s+/));
    expect(exposed.sort()).toEqual(['9190', '9191', '9192', '9193', '9194']);
    const cmd = finalStage.filter((s) => s.op === 'CMD');
    expect(JSON.parse(cmd[0]!.args)).toEqual(['--max-semi-space-size=64', '/app/dist/cli/main.js', 'serve']);
  });

  it('has a .dockerignore that keeps secrets, state and dependencies out of the context', () => {
    const ignored = readFileSync(repoPath('.dockerignore'), 'utf8').split('\n');
    for (const entry of ['.git', 'node_modules', '.writ', '.env*']) expect(ignored).toContain(entry);
  });
});

describe('charts/writ runs the image locked down', () => {
  // The template text, so this holds with or without Go to render it (helm-chart.test.ts renders it).
  const template = readFileSync(repoPath('charts/writ/templates/deployment.yaml'), 'utf8');
  const container = template.slice(template.indexOf('containers:'));

  it('sets a read-only root, non-root user, no privilege escalation and drops every capability', () => {
    const block = container.slice(container.indexOf('securityContext:'), container.indexOf('ports:'));
    expect(parse(block)).toEqual({
      securityContext: {
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        capabilities: { drop: ['ALL'] },
      },
    });
    const user = /runAsUser: (\d+)/.exec(template)?.[1];
    const dockerUser = finalStage.find((s) => s.op === 'USER')!.args.split(':')[0];
    expect(user).toBe(dockerUser);
  });

  it('starts the same command as the image', () => {
    expect(container).toContain('args: [--max-semi-space-size=64, /app/dist/cli/main.js, serve]');
  });
});
