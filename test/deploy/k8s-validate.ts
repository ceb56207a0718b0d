/**
 * Validates Kubernetes, Istio, Gateway API and Prometheus Operator manifests with the schemas shipped in
 * the kubernetes-models packages, twice: the models' own validate() (types, enums, required fields), and
 * the TypeScript compiler's excess-property check against the models' interfaces, because the JSON
 * schemas allow unknown fields and a misspelled field would otherwise pass.
 */
import path from 'node:path';
import ts from 'typescript';
import { repoRoot } from './paths.js';

/** One manifest to check, with a label for messages (file and document index). */
export interface Manifest {
  label: string;
  doc: Record<string, unknown>;
}

interface ModelRef {
  /** Module specifier and export of the model class. */
  module: string;
  className: string;
  /** TypeScript type the document must satisfy (an expression over `M`, the imported module). */
  tsType: string;
}

const MODELS: Record<string, ModelRef> = {};
function add(apiVersion: string, kind: string, module: string, tsType = `M.I${kind}`): void {
  MODELS[`${apiVersion}/${kind}`] = { module, className: kind, tsType };
}
add('v1', 'ConfigMap', 'kubernetes-models/v1/ConfigMap');
add('v1', 'Service', 'kubernetes-models/v1/Service');
add('v1', 'ServiceAccount', 'kubernetes-models/v1/ServiceAccount');
add('v1', 'Namespace', 'kubernetes-models/v1/Namespace');
add('v1', 'Pod', 'kubernetes-models/v1/Pod');
add('apps/v1', 'Deployment', 'kubernetes-models/apps/v1/Deployment');
add('policy/v1', 'PodDisruptionBudget', 'kubernetes-models/policy/v1/PodDisruptionBudget');
add('autoscaling/v2', 'HorizontalPodAutoscaler', 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler');
add('networking.k8s.io/v1', 'NetworkPolicy', 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy');
add(
  'monitoring.coreos.com/v1',
  'ServiceMonitor',
  '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor',
);
add(
  'monitoring.coreos.com/v1',
  'PrometheusRule',
  '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule',
);
add(
  'gateway.networking.k8s.io/v1',
  'Gateway',
  '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/Gateway',
);
// Istio 1.29's CRDs (@kubernetes-models/istio 3.x; its engines field says Node 22, it loads and validates on Node 20 too): the v1 APIs only, so
// a manifest still at v1beta1 has no schema here and fails. EnvoyFilter exists only as v1alpha3.
const ISTIO = '@kubernetes-models/istio';
add('security.istio.io/v1', 'AuthorizationPolicy', `${ISTIO}/security.istio.io/v1/AuthorizationPolicy`);
add('security.istio.io/v1', 'PeerAuthentication', `${ISTIO}/security.istio.io/v1/PeerAuthentication`);
for (const kind of ['Gateway', 'Sidecar', 'ServiceEntry', 'VirtualService', 'DestinationRule']) {
  add('networking.istio.io/v1', kind, `${ISTIO}/networking.istio.io/v1/${kind}`);
}
add('networking.istio.io/v1alpha3', 'EnvoyFilter', `${ISTIO}/networking.istio.io/v1alpha3/EnvoyFilter`);
// The operator CRD preserves unknown fields and the model has no spec type: mesh-config-schema.ts checks it.
add(
  'install.istio.io/v1alpha1',
  'IstioOperator',
  `${ISTIO}/install.istio.io/v1alpha1/IstioOperator`,
  'M.IIstioOperator & { spec: unknown }',
);

function modelFor(doc: Record<string, unknown>): ModelRef | undefined {
  return MODELS[`${String(doc.apiVersion)}/${String(doc.kind)}`];
}

/** Every apiVersion/kind this module can validate. */
export function knownKinds(): string[] {
  return Object.keys(MODELS);
}

/** Runs each model's validate(); returns "label: message" for each failure or unknown kind. */
export async function validateWithModels(manifests: readonly Manifest[]): Promise<string[]> {
  const problems: string[] = [];
  for (const { label, doc } of manifests) {
    const ref = modelFor(doc);
    if (!ref) {
      problems.push(`${label}: no schema for ${String(doc.apiVersion)} ${String(doc.kind)}`);
      continue;
    }
    const mod = (await import(ref.module)) as Record<string, new (d: unknown) => { validate(): void }>;
    const Model = mod[ref.className];
    if (!Model) throw new TypeError(`${ref.module} has no export ${ref.className}`);
    try {
      new Model(doc).validate();
    } catch (err) {
      problems.push(`${label}: ${(err as Error).message}`);
    }
  }
  return problems;
}

/**
 * Type-checks each manifest as an object literal of its model's interface; returns "label: message" for
 * each diagnostic, so unknown (misspelled) fields and wrong types fail.
 */
export function typeCheckManifests(manifests: readonly Manifest[]): string[] {
  const dir = path.join(repoRoot, 'test', 'deploy', '__virtual__');
  const files = new Map<string, { label: string; text: string }>();
  manifests.forEach(({ label, doc }, i) => {
    const ref = modelFor(doc);
    if (!ref) return; // reported by validateWithModels
    const text = `import type * as M from '${ref.module}';\nexport const doc: ${ref.tsType} = ${JSON.stringify(doc, null, 2)};\n`;
    files.set(path.join(dir, `doc-${i}.ts`), { label, text });
  });
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
  };
  const host = ts.createCompilerHost(options);
  const real = ts.createCompilerHost(options);
  host.fileExists = (f) => files.has(path.resolve(f)) || real.fileExists(f);
  host.readFile = (f) => files.get(path.resolve(f))?.text ?? real.readFile(f);
  host.getSourceFile = (f, lang, onError, create) => {
    const virtual = files.get(path.resolve(f));
    return virtual
      ? ts.createSourceFile(f, virtual.text, lang)
      : real.getSourceFile(f, lang, onError, create);
  };
  // The virtual files sit inside the repository, so NodeNext resolves the models' package exports.
  const program = ts.createProgram([...files.keys()], options, host);
  const problems: string[] = [];
  for (const diag of ts.getPreEmitDiagnostics(program)) {
    const file = diag.file ? files.get(path.resolve(diag.file.fileName)) : undefined;
    const where =
      file && diag.file && diag.start !== undefined
        ? diag.file.getLineAndCharacterOfPosition(diag.start)
        : null;
    const line = where && diag.file ? diag.file.text.split('\n')[where.line]?.trim() : '';
    const message = ts.flattenDiagnosticMessageText(diag.messageText, '\n').split('\n').slice(-1)[0] ?? '';
    problems.push(
      `${file?.label ?? diag.file?.fileName ?? 'program'}: ${message}${line ? ` (at ${line})` : ''}`,
    );
  }
  return problems;
}
