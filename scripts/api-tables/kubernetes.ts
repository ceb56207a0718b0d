/** Kubernetes: every built-in kind that kubernetes-models ships (group, version, kind). */
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { generatedHeader, packageDir, packageVersion } from './package-source.js';
import type { ApiTable } from './table.js';

const require = createRequire(import.meta.url);

interface KubeModelClass {
  readonly apiVersion?: unknown;
  readonly kind?: unknown;
}

/** Every top-level kind kubernetes-models ships, as `[group, version, kind]`, List kinds left out. */
export function kubernetesKinds(): Array<[string, string, string]> {
  const root = packageDir('kubernetes-models');
  const out: Array<[string, string, string]> = [];
  const seen = new Set<string>();
  for (const groupDir of readdirSync(root, { withFileTypes: true })) {
    if (!groupDir.isDirectory() || groupDir.name.startsWith('_') || groupDir.name === 'node_modules')
      continue;
    const versions =
      groupDir.name === 'v1'
        ? ['v1']
        : readdirSync(join(root, groupDir.name), { withFileTypes: true })
            .filter((d) => d.isDirectory())
            .map((d) => d.name);
    for (const version of versions) {
      const dir = groupDir.name === 'v1' ? 'v1' : `${groupDir.name}/${version}`;
      const mod = require(`kubernetes-models/${dir}`) as Record<string, unknown>;
      for (const value of Object.values(mod)) {
        if (typeof value !== 'function') continue;
        const { apiVersion, kind } = value as KubeModelClass;
        if (typeof apiVersion !== 'string' || typeof kind !== 'string' || kind.endsWith('List')) continue;
        const slash = apiVersion.indexOf('/');
        const group = slash === -1 ? '' : apiVersion.slice(0, slash);
        const v = slash === -1 ? apiVersion : apiVersion.slice(slash + 1);
        const key = `${group}/${v}/${kind}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push([group, v, kind]);
      }
    }
  }
  return out.sort((a, b) => a.join('/').localeCompare(b.join('/')));
}

function renderKubernetes(): string {
  const version = packageVersion('kubernetes-models');
  const kinds = kubernetesKinds();
  const lines = kinds.map(
    ([g, v, k]) => `  [${JSON.stringify(g)}, ${JSON.stringify(v)}, ${JSON.stringify(k)}],`,
  );
  const text =
    generatedHeader(
      `kubernetes-models ${version}`,
      'Every built-in kind as [group ("" for core), version, kind]; the resource name is derived (kubernetes-api.ts).',
    ) +
    `\n/** The source package and version the table was generated from. */\n` +
    `export const KUBERNETES_MODELS_VERSION = ${JSON.stringify(version)};\n\n` +
    `/** [group, version, kind] for every built-in top-level kind. */\n` +
    `export const KUBERNETES_KINDS: ReadonlyArray<readonly [group: string, version: string, kind: string]> = [\n${lines.join('\n')}\n];\n`;
  return text;
}

/** The Kubernetes kind table. */
export const kubernetesTable: ApiTable = { file: 'kubernetes-kinds.ts', render: renderKubernetes };
