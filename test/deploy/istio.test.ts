/** The static Istio configuration in istio/ is valid for Istio's schemas and wires writ's roles as documented. */
import { readFileSync, readdirSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SETTINGS } from '../../src/config.js';
import { customPolicyOverlaps } from './chart-env.js';
import { typeCheckManifests, validateWithModels, type Manifest } from './k8s-validate.js';
import { ofKind, readManifests, type Loose } from './manifests.js';
import { istioOperatorSpecSchema, meshConfigSchema } from './mesh-config-schema.js';
import { repoPath } from './paths.js';
import { EnvoyProtoSet, checkMessage } from './proto-strict.js';

const ROLE_PORTS: Record<string, number> = { 'writ-check': 9191, 'writ-verify': 9192, 'writ-inbound': 9193 };
const ROLE_ENVS: Record<string, string> = {
  'writ-check': 'WRIT_CHECK_PORT',
  'writ-verify': 'WRIT_VERIFY_PORT',
  'writ-inbound': 'WRIT_INBOUND_PORT',
};
const WRIT_MAX_BODY_BYTES = 1048576;
const WRIT_SERVICE = 'writ.writ.svc.cluster.local';

const manifestFiles = readdirSync(repoPath('istio')).filter(
  (f) => f.endsWith('.yaml') && f !== 'istiod-values.yaml',
);
const all: Manifest[] = manifestFiles.flatMap((f) => readManifests(repoPath('istio', f), `istio/${f}`));
const byFile = (f: string) => all.filter((m) => m.label.startsWith(`istio/${f}#`));
const operator = ofKind(all, 'IstioOperator')[0]!;
const mesh = operator.spec.meshConfig as Record<string, Loose>;
const ajv = new Ajv({ allErrors: true, strict: true });

describe('istio/', () => {
  it('holds every file the layout needs', () => {
    expect(manifestFiles.sort()).toEqual([
      'agent-network-policy.yaml',
      'ambient.yaml',
      'authorization-policies.yaml',
      'egress.yaml',
      'ext-proc.yaml',
      'mesh-config.yaml',
      'namespaces.yaml',
      'peer-authentication.yaml',
    ]);
  });

  it('validates every manifest against the Istio, Gateway API and Kubernetes schemas', async () => {
    expect(await validateWithModels(all)).toEqual([]);
    expect(typeCheckManifests(all)).toEqual([]);
  });

  it('catches a misspelled field and a wrong enum value', async () => {
    const pa = structuredClone(ofKind(all, 'PeerAuthentication')[0]!);
    const typo = structuredClone(pa);
    typo.spec.mtsl = typo.spec.mtls;
    delete typo.spec.mtls;
    expect(typeCheckManifests([{ label: 'typo', doc: typo }]).join('\n')).toMatch(/'"mtsl"' does not exist/);
    pa.spec.mtls.mode = 'STRICTLY';
    expect(await validateWithModels([{ label: 'enum', doc: pa }])).toHaveLength(1);
  });
});

describe('meshConfig extension providers', () => {
  it('match the strict MeshConfig schema, and istiod-values.yaml carries the same meshConfig', () => {
    const validSpec = ajv.compile(istioOperatorSpecSchema);
    expect(validSpec(operator.spec), ajv.errorsText(validSpec.errors)).toBe(true);
    const helmValues = parse(readFileSync(repoPath('istio/istiod-values.yaml'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(Object.keys(helmValues)).toEqual(['meshConfig']);
    expect(helmValues.meshConfig).toEqual(mesh);
  });

  it('reject the HTTP-provider-only header fields on a gRPC provider', () => {
    const validMesh = ajv.compile(meshConfigSchema);
    const copy = structuredClone(mesh);
    copy.extensionProviders[0].envoyExtAuthzGrpc.headersToUpstreamOnAllow = ['x-writ-token'];
    expect(validMesh(copy)).toBe(false);
    expect(ajv.errorsText(validMesh.errors)).toContain('must NOT have additional properties');
  });

  it('has one fail-closed provider per role with the whole body as bytes', () => {
    expect(mesh.outboundTrafficPolicy).toEqual({ mode: 'REGISTRY_ONLY' });
    const providers = mesh.extensionProviders as { name: string; envoyExtAuthzGrpc: Record<string, Loose> }[];
    expect(providers.map((p) => p.name).sort()).toEqual(Object.keys(ROLE_PORTS).sort());
    for (const { name, envoyExtAuthzGrpc: p } of providers) {
      expect(p.service, name).toBe(WRIT_SERVICE);
      expect(p.port, name).toBe(ROLE_PORTS[name]);
      // writ's own defaults (src/config.ts): the provider's port is the port writ listens on.
      expect(String(p.port), name).toBe(SETTINGS.find((s) => s.env === ROLE_ENVS[name])?.fallback);
      const seconds = Number(String(p.timeout).replace(/s$/, ''));
      expect(seconds, name).toBeGreaterThan(0);
      expect(seconds, name).toBeLessThan(1);
      expect(p.failOpen, name).toBe(false);
      // A policy deny is writ's 403: an outage must be told apart.
      expect(p.statusOnError, name).toMatch(/^5\d\d$/);
      expect(p.includeRequestBodyInCheck, name).toEqual({
        maxRequestBytes: WRIT_MAX_BODY_BYTES,
        allowPartialMessage: false,
        packAsBytes: true,
      });
    }
    expect(operator.spec.components.egressGateways).toEqual([{ name: 'istio-egressgateway', enabled: true }]);
  });
});

describe('the governed layout', () => {
  const policies = ofKind(all, 'AuthorizationPolicy');

  it('names a known provider in every CUSTOM policy, with match-all rules and no principal conditions', () => {
    expect(policies.length).toBeGreaterThanOrEqual(5);
    for (const p of policies) {
      expect(p.spec.action).toBe('CUSTOM');
      expect(Object.keys(ROLE_PORTS)).toContain(p.spec.provider.name);
      expect(p.spec.rules).toEqual([{}]);
      expect(JSON.stringify(p.spec)).not.toMatch(/principals/i);
    }
  });

  it('gives each workload group exactly one provider', () => {
    const sidecar = ofKind(byFile('authorization-policies.yaml'), 'AuthorizationPolicy');
    const target = (p: Record<string, Loose>) =>
      `${p.metadata.namespace} ${JSON.stringify(p.spec.selector ?? p.spec.targetRefs)}`;
    const targets = sidecar.map(target);
    expect(new Set(targets).size).toBe(targets.length);
    expect(Object.fromEntries(sidecar.map((p) => [p.metadata.namespace, p.spec.provider.name]))).toEqual({
      'istio-system': 'writ-check',
      tools: 'writ-verify',
      agents: 'writ-inbound',
    });
    // Selectors that could match one pod count too, not only identical ones; ambient policies per waypoint.
    expect(customPolicyOverlaps(sidecar)).toEqual([]);
    expect(customPolicyOverlaps(ofKind(byFile('ambient.yaml'), 'AuthorizationPolicy'))).toEqual([]);
    const gw = sidecar.find((p) => p.spec.provider.name === 'writ-check')!;
    expect(gw.spec.selector.matchLabels).toEqual({ istio: 'egressgateway' });
  });

  it('is STRICT mTLS wherever writ reads principals, and the egress gateway takes mesh mTLS only', () => {
    const strict = ofKind(all, 'PeerAuthentication').filter((p) => p.spec.mtls.mode === 'STRICT');
    expect(strict.map((p) => String(p.metadata.namespace)).sort()).toEqual(['agents', 'tools', 'writ']);
    const [gateway] = ofKind(byFile('egress.yaml'), 'Gateway');
    for (const server of gateway!.spec.servers) expect(server.tls.mode).toBe('ISTIO_MUTUAL');
  });

  it('leaves agents no route out but the egress gateway', () => {
    const egress = byFile('egress.yaml');
    const [sidecar] = ofKind(egress, 'Sidecar');
    expect(sidecar!.metadata.namespace).toBe('agents');
    expect(sidecar!.spec.outboundTrafficPolicy.mode).toBe('REGISTRY_ONLY');
    expect(sidecar!.spec.egress).toEqual([{ hosts: ['./*', 'istio-system/*', 'tools/*'] }]);
    const entries = ofKind(egress, 'ServiceEntry');
    const gatewayHosts: string[] = ofKind(egress, 'Gateway')[0]!.spec.servers[0].hosts;
    for (const se of entries) {
      expect(se.spec.location).toBe('MESH_EXTERNAL');
      for (const host of se.spec.hosts as string[]) {
        expect(gatewayHosts).toContain(host);
        const vs = ofKind(egress, 'VirtualService').find((v) => v.spec.hosts.includes(host))!;
        // The mesh route goes to the gateway, never to the tool itself.
        const fromMesh = vs.spec.http.find((r: Loose) => r.match[0].gateways[0] === 'mesh');
        expect(fromMesh.route[0].destination.host).toBe('istio-egressgateway.istio-system.svc.cluster.local');
        const dr = ofKind(egress, 'DestinationRule').find((d) => d.spec.host === host)!;
        expect(dr.spec.trafficPolicy.portLevelSettings[0].tls.mode).toBe('SIMPLE');
        // Exported to the gateway and the agents only; istio-egress-routes.test.ts follows every route.
        expect(se.spec.exportTo).toEqual(['.', 'agents']);
      }
    }
  });

  it('attaches ambient policies to waypoints that exist, with targetRefs', () => {
    const ambient = byFile('ambient.yaml');
    const waypoints = ofKind(ambient, 'Gateway');
    for (const p of ofKind(ambient, 'AuthorizationPolicy')) {
      expect(p.spec.selector).toBeUndefined();
      const [ref] = p.spec.targetRefs;
      expect(ref).toMatchObject({ group: 'gateway.networking.k8s.io', kind: 'Gateway' });
      const wp = waypoints.find(
        (w) => w.metadata.name === ref.name && w.metadata.namespace === p.metadata.namespace,
      );
      expect(wp?.spec.gatewayClassName).toBe('istio-waypoint');
      // Inbound policies: the namespace sends its traffic to the waypoint. Egress (writ-check): the
      // ServiceEntries carry the label themselves (istio-egress-routes.test.ts follows them).
      const ns = ofKind(ambient, 'Namespace').find((n) => n.metadata.name === p.metadata.namespace);
      const bound =
        p.spec.provider.name === 'writ-check'
          ? ofKind(ambient, 'ServiceEntry').filter((se) => se.metadata.namespace === p.metadata.namespace)
          : [ns];
      expect(bound.length).toBeGreaterThan(0);
      for (const b of bound) expect(b?.metadata.labels['istio.io/use-waypoint']).toBe(ref.name);
    }
  });

  it('inserts a fail-closed ext_proc filter that loads into Envoy HttpFilter', () => {
    const [filter] = ofKind(byFile('ext-proc.yaml'), 'EnvoyFilter');
    const value = filter!.spec.configPatches[0].patch.value;
    const issues = checkMessage(
      new EnvoyProtoSet(),
      'envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter',
      value,
    );
    expect(issues).toEqual([]);
    expect(value.typed_config.failure_mode_allow).toBe(false);
    expect(value.typed_config.grpc_service.envoy_grpc.cluster_name).toBe(`outbound|9194||${WRIT_SERVICE}`);
    // writ reads x-writ-token on the request headers (src/extproc/ext-proc-server.ts) and asks for bodies
    // per request: with request headers skipped it would never see a token and never mask.
    expect(value.typed_config.processing_mode.request_header_mode).toBe('SEND');
    expect(value.typed_config.allow_mode_override).toBe(true);
  });

  it('runs the ext_proc filter on the workloads writ-check governs, so the token is there to read', () => {
    const [filter] = ofKind(byFile('ext-proc.yaml'), 'EnvoyFilter');
    const check = ofKind(byFile('authorization-policies.yaml'), 'AuthorizationPolicy').find(
      (p) => p.spec.provider.name === 'writ-check',
    )!;
    expect(filter!.metadata.namespace).toBe(check.metadata.namespace);
    expect(filter!.spec.workloadSelector.labels).toEqual(check.spec.selector.matchLabels);
    // Before the router: after the ext_authz filter Istio inserts for the CUSTOM policy.
    expect(filter!.spec.configPatches[0]).toMatchObject({
      applyTo: 'HTTP_FILTER',
      match: { listener: { filterChain: { filter: { subFilter: { name: 'envoy.filters.http.router' } } } } },
      patch: { operation: 'INSERT_BEFORE' },
    });
  });
});
