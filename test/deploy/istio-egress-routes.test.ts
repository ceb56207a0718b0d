/**
 * No route around writ: for every agent namespace, governed host, port and protocol, the path Istio builds
 * from the manifests (test/deploy/istio-routing.ts) ends at writ-check or is refused, in the sidecar layout
 * and in the ambient one, for the files in istio/ and for what the chart renders.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { buildHelmRender, renderChart } from './helm.js';
import { MeshModel, type MeshFacts, type Probe, type Protocol, type Route } from './istio-routing.js';
import type { Manifest } from './k8s-validate.js';
import { ofKind, parseManifests, readManifests, type Loose } from './manifests.js';
import { repoPath } from './paths.js';

const FACTS: MeshFacts = {
  outboundTrafficPolicy: 'REGISTRY_ONLY',
  rootNamespace: 'istio-system',
  // What `istioctl install` (or the istio/gateway chart named istio-egressgateway) creates.
  gatewayWorkloads: [
    {
      service: 'istio-egressgateway.istio-system.svc.cluster.local',
      namespace: 'istio-system',
      labels: { istio: 'egressgateway' },
    },
  ],
  // The in-mesh MCP tool istio/egress.yaml routes to: the users' own Service.
  meshServices: [
    { host: 'mcp.tools.svc.cluster.local', namespace: 'tools', ports: [{ number: 8080, protocol: 'HTTP' }] },
  ],
  agentPodLabels: { 'writ.dev/role': 'agent', app: 'any-agent' },
};

const PROTOCOLS: Protocol[] = ['http', 'tls', 'tcp'];
/** Ports tried on every host: HTTP, HTTPS, common alternates, SSH, and every port any manifest declares. */
const BASE_PORTS = [80, 443, 8080, 8443, 22, 3306, 5432];
/** Hosts no manifest governs: they must be unreachable, not merely ungoverned. */
const UNGOVERNED = ['example.com', '203.0.113.9', 'metadata.google.internal'];

const read = (...files: string[]): Manifest[] =>
  files.flatMap((f) => readManifests(repoPath('istio', f), `istio/${f}`));

/** The sidecar layout as docs/istio.md applies it, and the ambient one. */
const SIDECAR_FILES = [
  'namespaces.yaml',
  'peer-authentication.yaml',
  'egress.yaml',
  'authorization-policies.yaml',
  'agent-network-policy.yaml',
];
const AMBIENT_FILES = ['ambient.yaml', 'peer-authentication.yaml', 'agent-network-policy.yaml'];

function probesFor(model: MeshModel, manifests: readonly Manifest[]): Probe[] {
  const declared = ofKind(manifests, 'ServiceEntry').flatMap((se) =>
    (se.spec.ports as { number: number; targetPort?: number }[]).flatMap((p) => [
      p.number,
      p.targetPort ?? p.number,
    ]),
  );
  const ports = [
    ...new Set([
      ...BASE_PORTS,
      ...declared,
      ...FACTS.meshServices.flatMap((s) => s.ports.map((p) => p.number)),
    ]),
  ];
  const hosts = [...model.governedHosts(), ...UNGOVERNED];
  const probes: Probe[] = [];
  for (const namespace of model.agentNamespaces())
    for (const host of hosts)
      for (const port of ports)
        for (const protocol of PROTOCOLS) {
          probes.push({ namespace, host, port, protocol });
          probes.push({ namespace, host, port, protocol, uncaptured: true });
        }
  return probes;
}

const describeProbe = (p: Probe) =>
  `${p.namespace} -> ${p.protocol}://${p.host}:${p.port}${p.uncaptured ? ' (not captured by the mesh)' : ''}`;
const describeRoute = (r: Route) => `${r.end}: ${r.hops.join(' -> ')}`;

/** Every probe whose path can end anywhere but writ-check, a refusal, or an in-mesh tool's writ-verify. */
function bypasses(model: MeshModel, probes: readonly Probe[], meshOnly = false): string[] {
  const out: string[] = [];
  for (const p of probes) {
    const routes = meshOnly ? model.followMeshOnly(p) : model.follow(p);
    for (const r of routes)
      if (r.end === 'internet') out.push(`${describeProbe(p)}  =>  ${describeRoute(r)}`);
  }
  return out;
}

/** Every governed external host must still be usable: plain HTTP on port 80 ends at writ-check, always. */
function governedHttpNotDecided(model: MeshModel): string[] {
  const out: string[] = [];
  for (const namespace of model.agentNamespaces())
    for (const host of model.governedHosts().filter((h) => !h.endsWith('.svc.cluster.local'))) {
      const routes = model.follow({ namespace, host, port: 80, protocol: 'http' });
      if (routes.length === 0 || routes.some((r) => r.end !== 'writ-check'))
        out.push(`${namespace} -> http://${host}: ${routes.map(describeRoute).join(' | ')}`);
    }
  return out;
}

function checkLayout(name: string, manifests: () => Manifest[], mode: 'sidecar' | 'ambient') {
  describe(name, () => {
    const docs = manifests();
    const model = new MeshModel(docs, FACTS);
    const probes = probesFor(model, docs);

    it('has agent namespaces and governed hosts to try', () => {
      expect(model.agentNamespaces().length).toBeGreaterThan(0);
      expect(model.governedHosts().filter((h) => !h.endsWith('.svc.cluster.local')).length).toBeGreaterThan(
        0,
      );
      expect(probes.length).toBeGreaterThan(100);
    });

    it('ends every path of every agent namespace, host, port and protocol at writ-check or a refusal', () => {
      expect(bypasses(model, probes)).toEqual([]);
    });

    it('decides plain HTTP to each governed host at writ-check (the governed path works)', () => {
      expect(governedHttpNotDecided(model)).toEqual([]);
    });

    it('refuses TLS from an agent straight to a governed host (no SNI-only route out)', () => {
      for (const namespace of model.agentNamespaces())
        for (const host of model.governedHosts())
          for (const r of model.follow({ namespace, host, port: 443, protocol: 'tls' }))
            expect(r.end, describeRoute(r)).toBe('refused');
    });

    if (mode === 'sidecar') {
      it('holds in the mesh alone, before any NetworkPolicy (defence in depth, not the only wall)', () => {
        expect(
          bypasses(
            model,
            probes.filter((p) => !p.uncaptured),
            true,
          ),
        ).toEqual([]);
      });
    }

    it('refuses what the mesh does not capture (proxy UID, excluded ranges) by NetworkPolicy', () => {
      const uncaptured = probes.filter((p) => p.uncaptured);
      expect(uncaptured.length).toBeGreaterThan(0);
      expect(bypasses(model, uncaptured)).toEqual([]);
    });
  });
}

checkLayout('istio/ sidecar layout', () => read(...SIDECAR_FILES), 'sidecar');
checkLayout('istio/ ambient layout', () => read(...AMBIENT_FILES), 'ambient');

describe('the routing model catches the routes out it is meant to catch', () => {
  const sidecar = () => structuredClone(read(...SIDECAR_FILES));
  const ambient = () => structuredClone(read(...AMBIENT_FILES));
  const countBypasses = (docs: Manifest[], meshOnly = false) => {
    const model = new MeshModel(docs, FACTS);
    return bypasses(
      model,
      probesFor(model, docs).filter((p) => !p.uncaptured),
      meshOnly,
    ).length;
  };
  const edit = (docs: Manifest[], kind: string, fn: (d: Loose) => void) => {
    for (const m of docs) if (m.doc.kind === kind) fn(m.doc);
    return docs;
  };

  it('finds the HTTPS bypass of issue 18: a governed ServiceEntry that declares 443 to every namespace', () => {
    const docs = edit(sidecar(), 'ServiceEntry', (se) => {
      delete se.spec.exportTo;
      se.spec.ports.push({ number: 443, name: 'https', protocol: 'HTTPS' });
    });
    expect(countBypasses(docs, true)).toBeGreaterThan(0);
  });

  it('finds a bypass when the agents have no Sidecar and the mesh allows any host', () => {
    const docs = sidecar().filter((m) => m.doc.kind !== 'Sidecar');
    const model = new MeshModel(docs, { ...FACTS, outboundTrafficPolicy: 'ALLOW_ANY' });
    expect(
      bypasses(
        model,
        probesFor(model, docs).filter((p) => !p.uncaptured),
        true,
      ).length,
    ).toBeGreaterThan(0);
  });

  it('finds a bypass when the mesh route to the gateway is removed', () => {
    const docs = edit(sidecar(), 'VirtualService', (vs) => {
      vs.spec.http = vs.spec.http.filter((r: Loose) => !JSON.stringify(r.match ?? []).includes('"mesh"'));
    });
    expect(countBypasses(docs, true)).toBeGreaterThan(0);
  });

  it('finds an ungoverned path when writ-check is not on the gateway', () => {
    const docs = sidecar().filter(
      (m) => !(m.doc.kind === 'AuthorizationPolicy' && JSON.stringify(m.doc).includes('writ-check')),
    );
    expect(countBypasses(docs, true)).toBeGreaterThan(0);
  });

  it('finds the ambient bypass of issue 18: a ServiceEntry bound to no waypoint', () => {
    const docs = edit(ambient(), 'ServiceEntry', (se) => {
      delete se.metadata.labels;
    });
    expect(countBypasses(docs, true)).toBeGreaterThan(0);
  });

  it('finds the uncaptured bypass when the agents have no egress NetworkPolicy', () => {
    const docs = sidecar().filter((m) => m.doc.kind !== 'NetworkPolicy');
    const model = new MeshModel(docs, FACTS);
    expect(
      bypasses(
        model,
        probesFor(model, docs).filter((p) => p.uncaptured),
      ).length,
    ).toBeGreaterThan(0);
  });
});

const renderer = buildHelmRender();
const bin = 'bin' in renderer ? renderer.bin : null;
if (!bin) {
  const reason = 'missing' in renderer ? renderer.missing : '';
  if (process.env.CI === 'true') it('has Go to render the chart', () => expect.fail(reason));
  else console.warn(`skipping the chart's egress routes: ${reason}`);
}

describe.skipIf(!bin)('charts/writ rendered', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'writ-routes-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const render = (name: string, values: Record<string, unknown>): Manifest[] => {
    const file = path.join(tmp, name);
    writeFileSync(file, stringify(values));
    const docs = parseManifests(renderChart(bin!, file), name);
    // The chart does not own the namespaces; label them as istio/namespaces.yaml and istio/ambient.yaml do.
    const ambientMode = JSON.stringify(values).includes('"ambient"');
    const ns = (name: string, labels: Record<string, string>): Manifest => ({
      label: `namespace ${name}`,
      doc: { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } },
    });
    const mesh = ambientMode ? { 'istio.io/dataplane-mode': 'ambient' } : { 'istio-injection': 'enabled' };
    return [...docs, ns('agents', { ...mesh, 'writ.dev/role': 'agents' }), ns('tools', mesh)];
  };
  const tools = [{ host: 'api.github.com' }, { host: 'api.openai.com' }];
  checkLayout(
    'sidecar',
    () => (bin ? render('sidecar.yaml', { istio: { enabled: true, externalTools: tools } }) : []),
    'sidecar',
  );
  checkLayout(
    'ambient',
    () =>
      bin ? render('ambient.yaml', { istio: { enabled: true, mode: 'ambient', externalTools: tools } }) : [],
    'ambient',
  );
});
