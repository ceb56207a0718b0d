/**
 * What the kubelet would hand writ: a container's env resolved as Kubernetes does (fieldRef, secretKeyRef,
 * `$(VAR)` references to earlier variables), and the mounts a path lands on. Lets the chart tests feed the
 * rendered Deployment to writ's own configuration parser.
 */
import type { Loose } from './manifests.js';

/** The pod name the tests pretend the kubelet gave (a Deployment pod: <name>-<hash>-<suffix>). */
export const POD_NAME = 'writ-6d5f8b7c9d-q2x7z';

/**
 * Resolves a container's env list. `secrets` maps "secret/key" to the value the Secret would hold; a
 * reference to a Secret the test did not provide throws, so a renamed key cannot slip through.
 */
export function resolveContainerEnv(
  env: readonly Loose[],
  secrets: Readonly<Record<string, string>>,
  podName = POD_NAME,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of env) {
    const name = String(e.name);
    if (name in out) throw new Error(`env ${name} is set twice`);
    if ('value' in e) {
      // Kubernetes expands $(VAR) for variables defined earlier in the list; $$ escapes a dollar.
      out[name] = String(e.value).replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, ref?: string) =>
        m === '$$' ? '$' : ref !== undefined && ref in out ? out[ref]! : m,
      );
    } else if (e.valueFrom?.fieldRef) {
      const field = String(e.valueFrom.fieldRef.fieldPath);
      if (field !== 'metadata.name') throw new Error(`env ${name}: fieldRef ${field} is not simulated`);
      out[name] = podName;
    } else if (e.valueFrom?.secretKeyRef) {
      const ref = `${String(e.valueFrom.secretKeyRef.name)}/${String(e.valueFrom.secretKeyRef.key)}`;
      const value = secrets[ref];
      if (value === undefined) throw new Error(`env ${name}: no test value for Secret key ${ref}`);
      out[name] = value;
    } else throw new Error(`env ${name}: unsupported source ${JSON.stringify(e)}`);
  }
  return out;
}

/** The volume mount a path lies under (the longest mountPath that is a folder prefix of it), or undefined. */
export function mountFor(mounts: readonly Loose[], file: string): Loose {
  return mounts
    .filter((m) => file === m.mountPath || file.startsWith(`${String(m.mountPath)}/`))
    .sort((a, b) => String(b.mountPath).length - String(a.mountPath).length)[0];
}

/** Whether two label selectors (in one namespace) can select the same pod: no key with different values. */
export function selectorsCanOverlap(
  a: Readonly<Record<string, string>>,
  b: Readonly<Record<string, string>>,
): boolean {
  return Object.entries(a).every(([k, v]) => !(k in b) || b[k] === v);
}

/**
 * Pairs of CUSTOM AuthorizationPolicies that could apply to one workload (Istio allows one CUSTOM provider
 * per workload): same namespace and overlapping selectors, or the same targetRefs.
 */
export function customPolicyOverlaps(policies: readonly Record<string, Loose>[]): string[] {
  const custom = policies.filter((p) => p.spec?.action === 'CUSTOM');
  const out: string[] = [];
  custom.forEach((a, i) => {
    for (const b of custom.slice(i + 1)) {
      if (a.metadata.namespace !== b.metadata.namespace) continue;
      const clash =
        a.spec.targetRefs || b.spec.targetRefs
          ? JSON.stringify(a.spec.targetRefs) === JSON.stringify(b.spec.targetRefs)
          : selectorsCanOverlap(a.spec.selector?.matchLabels ?? {}, b.spec.selector?.matchLabels ?? {});
      if (clash)
        out.push(`${String(a.metadata.name)} / ${String(b.metadata.name)} in ${a.metadata.namespace}`);
    }
  });
  return out;
}
