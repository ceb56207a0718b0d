/**
 * charts/writ renders (with Helm's engine rebuilt in tools/helm-render) into manifests that pass the
 * Kubernetes, Istio and Prometheus Operator schemas, for default and production values.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { buildHelmRender, renderChart } from './helm.js';
import { typeCheckManifests, validateWithModels, type Manifest } from './k8s-validate.js';
import { ofKind, parseManifests, readManifests, type Loose } from './manifests.js';
import { repoPath } from './paths.js';
import { EnvoyProtoSet, checkMessage } from './proto-strict.js';

const chart = (f: string) => repoPath('charts', 'writ', f);
const readYaml = (f: string) => parse(readFileSync(f, 'utf8')) as Record<string, Loose>;

/** Helm's coalescing of a values file over the chart's defaults (maps merge, null deletes). */
function coalesce(base: Record<string, Loose>, over: Record<string, Loose>): Record<string, Loose> {
  const out = structuredClone(base);
  for (const [k, v] of Object.entries(over)) {
    if (v === null) delete out[k];
    else if (isMap(v) && isMap(out[k])) out[k] = coalesce(out[k], v);
    else out[k] = v;
  }
  return out;
}
const isMap = (v: unknown): v is Record<string, Loose> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const defaults = readYaml(chart('values.yaml'));
const production = coalesce(defaults, readYaml(chart('values-production.yaml')));

describe('values.schema.json', () => {
  // Helm validates with a draft-07 validator; "type": [a, b] unions are valid draft-07.
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
  const validate = ajv.compile(JSON.parse(readFileSync(chart('values.schema.json'), 'utf8')) as object);

  it('accepts the default and the production values', () => {
    expect(validate(defaults), ajv.errorsText(validate.errors)).toBe(true);
    expect(validate(production), ajv.errorsText(validate.errors)).toBe(true);
  });

  it('rejects a misspelled key and a bad signer', () => {
    expect(validate({ ...defaults, replicaCont: 2 })).toBe(false);
    expect(validate({ ...defaults, signer: { type: 'vault' } })).toBe(false);
  });
});

const renderer = buildHelmRender();
const bin = 'bin' in renderer ? renderer.bin : null;
if (!bin) {
  const reason = 'missing' in renderer ? renderer.missing : '';
  // CI must prove the chart renders; a developer without Go is told why the chart tests did not run.
  if (process.env.CI === 'true') it('has Go to render the chart', () => expect.fail(reason));
  else console.warn(`skipping chart rendering: ${reason}`);
}

describe.skipIf(!bin)('charts/writ rendered', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'writ-chart-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const valuesFile = (name: string, values: Record<string, unknown>) => {
    const file = path.join(tmp, name);
    writeFileSync(file, stringify(values));
    return file;
  };
  const render = (file?: string): Manifest[] => parseManifests(renderChart(bin!, file), file ?? 'defaults');
  const defaultDocs = bin ? render() : [];
  const prodDocs = bin ? render(chart('values-production.yaml')) : [];

  it.each([
    [
      'default values',
      defaultDocs,
      ['ConfigMap', 'Deployment', 'NetworkPolicy', 'Service', 'ServiceAccount'],
    ],
    [
      'production values',
      prodDocs,
      [
        'AuthorizationPolicy',
        'ConfigMap',
        'Deployment',
        'DestinationRule',
        'EnvoyFilter',
        'Gateway',
        'HorizontalPodAutoscaler',
        'NetworkPolicy',
        'PeerAuthentication',
        'PodDisruptionBudget',
        'Service',
        'ServiceAccount',
        'ServiceEntry',
        'ServiceMonitor',
        'Sidecar',
        'VirtualService',
      ],
    ],
  ] as const)('%s: every manifest passes its schema, strictly', async (_name, docs, kinds) => {
    expect([...new Set(docs.map((d) => String(d.doc.kind)))].sort()).toEqual(kinds);
    expect(await validateWithModels(docs)).toEqual([]);
    expect(typeCheckManifests(docs)).toEqual([]);
  });

  it('catches a misspelled field in a rendered Deployment', () => {
    const dep = structuredClone(ofKind(defaultDocs, 'Deployment')[0]!);
    dep.spec.template.spec.containers[0].imagee = dep.spec.template.spec.containers[0].image;
    expect(typeCheckManifests([{ label: 'typo', doc: dep }]).join('\n')).toMatch(/'"imagee"' does not exist/);
  });

  it('runs writ locked down, on its ports, probed over gRPC health', () => {
    const dep = ofKind(defaultDocs, 'Deployment')[0]!;
    const pod = dep.spec.template.spec;
    const c = pod.containers[0];
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001 });
    expect(c.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(Object.fromEntries(c.ports.map((p: Loose) => [String(p.name), Number(p.containerPort)]))).toEqual({
      'http-admin': 9190,
      'grpc-check': 9191,
      'grpc-verify': 9192,
      'grpc-inbound': 9193,
      'grpc-extproc': 9194,
    });
    const env = Object.fromEntries(
      c.env.filter((e: Loose) => 'value' in e).map((e: Loose) => [String(e.name), String(e.value)]),
    );
    expect(env).toMatchObject({
      WRIT_LISTEN_HOST: '0.0.0.0',
      WRIT_HOME: '/var/lib/writ',
      WRIT_POLICY_DIR: '/etc/writ/policies',
      // Not 1.048576e+06: Helm reads numbers as floats (the renderer does too).
      WRIT_MAX_BODY_BYTES: '1048576',
    });
    expect(c.args).toEqual(['/app/dist/cli/main.js', 'serve']);
    expect(c.readinessProbe.grpc).toEqual({ port: 9191, service: 'writ.check' });
    expect(c.livenessProbe.grpc).toEqual({ port: 9191, service: '' });
    // Writable places only on volumes; policies without subPath so the ConfigMap symlink swap arrives.
    const mounts = Object.fromEntries(c.volumeMounts.map((m: Loose) => [String(m.mountPath), m as unknown]));
    expect(Object.keys(mounts).sort()).toEqual(['/etc/writ/policies', '/tmp', '/var/lib/writ']);
    expect(mounts['/etc/writ/policies'].subPath).toBeUndefined();
  });

  it('ships policies that writ itself loads', async () => {
    const { compilePolicySources } = await import('../../src/pipeline/policy/load.js');
    const cm = ofKind(defaultDocs, 'ConfigMap')[0]!;
    const files = Object.entries(cm.data as Record<string, string>).map(([name, text]) => ({ name, text }));
    expect(files.length).toBeGreaterThan(0);
    expect(() => compilePolicySources(files)).not.toThrow();
  });

  it('production: replicas spread by HPA and anti-affinity, Redis and KMS with workload identity', () => {
    const dep = ofKind(prodDocs, 'Deployment')[0]!;
    const pod = dep.spec.template.spec;
    expect(dep.spec.replicas).toBeUndefined(); // owned by the HPA
    expect(pod.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution).toHaveLength(1);
    const env = Object.fromEntries(pod.containers[0].env.map((e: Loose) => [String(e.name), e as unknown]));
    expect(env.WRIT_REDIS_URL.valueFrom.secretKeyRef).toEqual({ name: 'writ-redis', key: 'redis-url' });
    expect(env.WRIT_SIGNER.value).toBe('gcp-kms');
    expect(env.WRIT_GCP_KMS_KEY.value).toMatch(/cryptoKeyVersions\/1$/);
    const sa = ofKind(prodDocs, 'ServiceAccount')[0]!;
    expect(sa.metadata.annotations['iam.gke.io/gcp-service-account']).toBe(
      'writ-signer@acme-prod.iam.gserviceaccount.com',
    );
    expect(ofKind(prodDocs, 'HorizontalPodAutoscaler')[0]!.spec.minReplicas).toBeGreaterThanOrEqual(3);
    expect(ofKind(prodDocs, 'PodDisruptionBudget')[0]!.spec.maxUnavailable).toBe(1);
    expect(ofKind(prodDocs, 'ServiceMonitor')[0]!.spec.endpoints[0]).toMatchObject({
      port: 'http-admin',
      path: '/metrics',
    });
  });

  it('production: the Istio resources name the providers of istio/mesh-config.yaml', () => {
    const operator = ofKind(readManifests(repoPath('istio/mesh-config.yaml'), 'mesh'), 'IstioOperator')[0]!;
    const providers = new Map<string, number>(
      operator.spec.meshConfig.extensionProviders.map((p: Loose) => [
        String(p.name),
        Number(p.envoyExtAuthzGrpc.port),
      ]),
    );
    const service = ofKind(prodDocs, 'Service')[0]!;
    const servicePorts = new Set(service.spec.ports.map((p: Loose) => Number(p.port)));
    for (const p of ofKind(prodDocs, 'AuthorizationPolicy')) {
      expect(p.spec.action).toBe('CUSTOM');
      expect(servicePorts.has(providers.get(p.spec.provider.name))).toBe(true);
    }
    expect(ofKind(prodDocs, 'PeerAuthentication').every((pa) => pa.spec.mtls.mode === 'STRICT')).toBe(true);
    const filter = ofKind(prodDocs, 'EnvoyFilter')[0]!;
    const value = filter.spec.configPatches[0].patch.value;
    expect(
      checkMessage(
        new EnvoyProtoSet(),
        'envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter',
        value,
      ),
    ).toEqual([]);
    expect(value.typed_config.grpc_service.envoy_grpc.cluster_name).toBe(
      `outbound|9194||${String(operator.spec.meshConfig.extensionProviders[0].envoyExtAuthzGrpc.service)}`,
    );
  });

  it('ambient mode: waypoints and targetRefs instead of selectors and Sidecars', async () => {
    const docs = render(valuesFile('ambient.yaml', { istio: { enabled: true, mode: 'ambient' } }));
    expect(await validateWithModels(docs)).toEqual([]);
    expect(typeCheckManifests(docs)).toEqual([]);
    expect(ofKind(docs, 'Sidecar')).toEqual([]);
    const waypoints = ofKind(docs, 'Gateway').filter((g) => g.spec.gatewayClassName === 'istio-waypoint');
    expect(waypoints.map((w) => String(w.metadata.namespace)).sort()).toEqual(['agents', 'tools']);
    const byNs = ofKind(docs, 'AuthorizationPolicy').filter((p) => p.metadata.namespace !== 'istio-system');
    for (const p of byNs) {
      expect(p.spec.selector).toBeUndefined();
      expect(p.spec.targetRefs).toEqual([
        { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'waypoint' },
      ]);
    }
  });

  it.each([
    [{ replicaCount: 3 }, 'more than one replica needs redis.url'],
    [{ replicaCount: 2, redis: { url: 'redis://redis:6379/0' } }, 'needs signer.local.existingSecret'],
    [{ signer: { type: 'aws-kms' } }, 'needs signer.awsKms.keyId and signer.awsKms.region'],
  ])('refuses to render %j', (values, message) => {
    expect(() => renderChart(bin!, valuesFile('bad.yaml', values))).toThrow(message);
  });
});
