/**
 * A model of Istio's outbound routing, read from manifests: from a pod in an agent namespace to a host,
 * port and protocol, which proxies does a connection cross, and where does it end? It follows the rules
 * istiod applies when it builds a proxy's configuration (ServiceEntry and VirtualService exportTo, the
 * Sidecar resource's egress hosts and outboundTrafficPolicy, VirtualService http/tls/tcp matches by
 * gateway, port, SNI and source namespace, Gateway servers and their TLS mode, DestinationRule TLS
 * origination, CUSTOM AuthorizationPolicies by selector or targetRefs, ambient waypoint binding) and the
 * Kubernetes NetworkPolicies on the agents' pods. No Istio can run here: this is the written-down reading
 * of Istio's documented behaviour the deployment tests hold the manifests to (docs/istio.md, threat model).
 */
import type { Manifest } from './k8s-validate.js';
import { ofKind, type Loose } from './manifests.js';

/** What the agent speaks on the connection: plain HTTP, TLS with an SNI, or raw TCP. */
export type Protocol = 'http' | 'tls' | 'tcp';

/** One attempt to leave: from a pod in `namespace` to `host:port`. */
export interface Probe {
  namespace: string;
  host: string;
  port: number;
  protocol: Protocol;
  /**
   * The connection is not captured by the mesh at all: a container running as the proxy's UID (1337), an
   * `excludeOutboundIPRanges`/`excludeOutboundPorts` annotation, a pod with hostNetwork. Only
   * Kubernetes NetworkPolicy stands in the way then.
   */
  uncaptured?: boolean;
}

/** Where a connection ends. */
export type End =
  /** decided by writ's check role (the execution token is minted there) */
  | 'writ-check'
  /** reaches an in-mesh tool whose writ-verify policy refuses a call without a token minted by writ-check */
  | 'writ-verify'
  /** no route: black hole, reset, 404 from a gateway, a handshake that cannot succeed, a NetworkPolicy */
  | 'refused'
  /** reaches the destination with nobody deciding: a bypass */
  | 'internet';

/** One possible outcome of a probe, with the hops that lead to it (for messages and the docs). */
export interface Route {
  end: End;
  hops: string[];
}

/** Facts that live outside the manifests: the mesh-wide settings and what Istio itself installs. */
export interface MeshFacts {
  /** meshConfig.outboundTrafficPolicy.mode */
  outboundTrafficPolicy: 'REGISTRY_ONLY' | 'ALLOW_ANY';
  /** Istio's root namespace (a Sidecar there without a selector is the mesh default). */
  rootNamespace: string;
  /** Gateway deployments Istio installs: their Service host, namespace and pod labels. */
  gatewayWorkloads: { service: string; namespace: string; labels: Record<string, string> }[];
  /** Kubernetes Services of in-mesh tools the manifests route to (the users' own, not in the manifests). */
  meshServices: { host: string; namespace: string; ports: { number: number; protocol: string }[] }[];
  /** Labels the agents' pods carry (NetworkPolicy podSelector). */
  agentPodLabels: Record<string, string>;
}

const matchesLabels = (selector: Record<string, string> | undefined, labels: Record<string, string>) =>
  Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);

/** Istio host matching: exact, or a leading `*.` wildcard (and `*` alone). */
export function hostMatches(pattern: string, host: string): boolean {
  if (pattern === '*') return true;
  if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1));
  return pattern === host;
}

/** exportTo: absent means every namespace (Istio's default); '.' the config's own; '~' none. */
function exportedTo(config: Loose, namespace: string): boolean {
  const list: string[] = config.spec?.exportTo ?? ['*'];
  return list.some(
    (e) => e === '*' || e === namespace || (e === '.' && config.metadata.namespace === namespace),
  );
}

function portProtocol(port: Loose): string {
  const declared = String(port.protocol ?? '').toUpperCase();
  if (declared) return declared;
  const byName = String(port.name ?? '')
    .split('-')[0]!
    .toUpperCase();
  return byName || 'TCP';
}

/** The routing model over one set of manifests. */
export class MeshModel {
  private readonly serviceEntries: Loose[];
  private readonly virtualServices: Loose[];
  private readonly destinationRules: Loose[];
  private readonly gateways: Loose[];
  private readonly sidecars: Loose[];
  private readonly policies: Loose[];
  private readonly namespaces: Loose[];
  private readonly networkPolicies: Loose[];
  private readonly k8sGateways: Loose[];

  constructor(
    manifests: readonly Manifest[],
    private readonly facts: MeshFacts,
  ) {
    const nsOf = (d: Loose): Loose => ({ ...d, metadata: { namespace: 'default', ...d.metadata } });
    // Istio serves v1, v1beta1 and v1alpha3 of the same resources; the schema tests pin the version.
    const istio = (kind: string): Loose[] =>
      manifests
        .filter((m) => m.doc.kind === kind && /\.istio\.io\//.test(String(m.doc.apiVersion)))
        .map((m) => nsOf(m.doc) as Record<string, Loose>);
    this.serviceEntries = istio('ServiceEntry');
    this.virtualServices = istio('VirtualService');
    this.destinationRules = istio('DestinationRule');
    this.gateways = istio('Gateway');
    this.sidecars = istio('Sidecar');
    this.policies = istio('AuthorizationPolicy');
    this.namespaces = ofKind(manifests, 'Namespace');
    this.networkPolicies = ofKind(manifests, 'NetworkPolicy').map(nsOf);
    this.k8sGateways = ofKind(manifests, 'Gateway')
      .filter((g) => String(g.apiVersion).startsWith('gateway.networking.k8s.io/'))
      .map(nsOf);
  }

  /** Namespaces whose labels say they hold agents (`writ.dev/role: agents`). */
  agentNamespaces(): string[] {
    return this.namespaces
      .filter((n) => n.metadata.labels?.['writ.dev/role'] === 'agents')
      .map((n) => String(n.metadata.name));
  }

  /** Hosts the manifests govern: every external host a ServiceEntry declares, and every host a gateway serves. */
  governedHosts(): string[] {
    const hosts = new Set<string>();
    for (const se of this.serviceEntries) for (const h of se.spec.hosts as string[]) hosts.add(h);
    for (const gw of this.gateways)
      for (const s of gw.spec.servers ?? [])
        for (const h of s.hosts as string[]) hosts.add(h.replace(/^.*\//, ''));
    return [...hosts].sort();
  }

  /** Every possible end of a probe (several when a route's match depends on what the agent sends). */
  follow(probe: Probe): Route[] {
    const mode = this.dataplaneMode(probe.namespace);
    const meshRoutes: Route[] = probe.uncaptured
      ? [{ end: 'internet', hops: ['not captured by the mesh'] }]
      : mode === 'ambient'
        ? this.followAmbient(probe)
        : this.followSidecar(probe);
    // A connection the mesh lets out directly still leaves the pod: the agents' NetworkPolicy decides.
    return meshRoutes.map((r) =>
      r.end === 'internet' && this.networkPolicyRefusesExternal(probe)
        ? { end: 'refused', hops: [...r.hops, 'NetworkPolicy: no egress outside the cluster'] }
        : r,
    );
  }

  /** The same, without the NetworkPolicy layer: what the mesh alone does. */
  followMeshOnly(probe: Probe): Route[] {
    if (probe.uncaptured) return [{ end: 'internet', hops: ['not captured by the mesh'] }];
    return this.dataplaneMode(probe.namespace) === 'ambient'
      ? this.followAmbient(probe)
      : this.followSidecar(probe);
  }

  private dataplaneMode(namespace: string): 'ambient' | 'sidecar' {
    const ns = this.namespaces.find((n) => n.metadata.name === namespace);
    return ns?.metadata.labels?.['istio.io/dataplane-mode'] === 'ambient' ? 'ambient' : 'sidecar';
  }

  // ---- sidecar mode --------------------------------------------------------------------------------

  private sidecarFor(namespace: string): Loose {
    const own = this.sidecars.find((s) => s.metadata.namespace === namespace && !s.spec.workloadSelector);
    return (
      own ??
      this.sidecars.find((s) => s.metadata.namespace === this.facts.rootNamespace && !s.spec.workloadSelector)
    );
  }

  /** Does the Sidecar of `namespace` import this config (its namespace and one of its hosts)? */
  private imported(config: Loose, namespace: string, hosts: string[]): boolean {
    const sidecar = this.sidecarFor(namespace);
    if (!sidecar) return true;
    const egress: Loose[] = sidecar.spec.egress ?? [{ hosts: ['*/*'] }];
    return egress.some((listener) =>
      (listener.hosts as string[]).some((entry) => {
        const [ns, dns] = entry.includes('/') ? (entry.split('/', 2) as [string, string]) : ['*', entry];
        const nsOk =
          ns === '*' ||
          (ns === '.' && config.metadata.namespace === namespace) ||
          ns === config.metadata.namespace;
        return nsOk && hosts.some((h) => hostMatches(dns, h) || hostMatches(h, dns));
      }),
    );
  }

  private visibleToSidecar(config: Loose, namespace: string, host: string): boolean {
    return exportedTo(config, namespace) && this.imported(config, namespace, [host]);
  }

  private followSidecar(probe: Probe): Route[] {
    const sidecar = this.sidecarFor(probe.namespace);
    const policy: string = sidecar?.spec.outboundTrafficPolicy?.mode ?? this.facts.outboundTrafficPolicy;
    const hops = [`${probe.namespace} pod -> its sidecar`];
    const service = this.sidecarService(probe);
    if (!service) {
      return policy === 'REGISTRY_ONLY'
        ? [
            {
              end: 'refused',
              hops: [...hops, `no service for ${probe.host}:${probe.port}: BlackHoleCluster`],
            },
          ]
        : [{ end: 'internet', hops: [...hops, 'ALLOW_ANY: PassthroughCluster'] }];
    }
    const protocol = service.protocol;
    if (protocol === 'HTTP' || protocol === 'HTTP2' || protocol === 'GRPC') {
      if (probe.protocol !== 'http')
        return [{ end: 'refused', hops: [...hops, 'HTTP listener: not HTTP, reset'] }];
      return this.routeVirtualServices(probe, 'http', 'mesh', probe.namespace, hops, service);
    }
    if (protocol === 'HTTPS' || protocol === 'TLS') {
      if (probe.protocol !== 'tls') {
        // No SNI: the listener's SNI filter chains miss and the fallback follows the outbound policy.
        return policy === 'REGISTRY_ONLY'
          ? [{ end: 'refused', hops: [...hops, 'TLS listener without SNI: BlackHoleCluster'] }]
          : [{ end: 'internet', hops: [...hops, 'TLS listener without SNI: PassthroughCluster'] }];
      }
      return this.routeVirtualServices(probe, 'tls', 'mesh', probe.namespace, hops, service);
    }
    return this.routeVirtualServices(probe, 'tcp', 'mesh', probe.namespace, hops, service);
  }

  /** The service a sidecar knows for host:port: a visible ServiceEntry port, or an in-mesh Service. */
  private sidecarService(probe: Probe): { protocol: string; external: boolean } | undefined {
    for (const se of this.serviceEntries) {
      if (!(se.spec.hosts as string[]).some((h) => hostMatches(h, probe.host))) continue;
      if (!this.visibleToSidecar(se, probe.namespace, probe.host)) continue;
      const port = (se.spec.ports as Loose[]).find((p) => p.number === probe.port);
      if (port) return { protocol: portProtocol(port), external: se.spec.location !== 'MESH_INTERNAL' };
    }
    for (const svc of this.facts.meshServices) {
      if (svc.host !== probe.host) continue;
      const asConfig = { metadata: { namespace: svc.namespace }, spec: {} };
      if (!this.imported(asConfig, probe.namespace, [svc.host])) continue;
      const port = svc.ports.find((p) => p.number === probe.port);
      if (port) return { protocol: port.protocol.toUpperCase(), external: false };
    }
    return undefined;
  }

  /**
   * Applies the VirtualServices bound to `gateway` ('mesh' or "ns/name") for the probe's host: the first
   * matching route wins; a route whose match depends on request content the agent controls (uri, headers)
   * may or may not apply, so both outcomes are followed.
   */
  private routeVirtualServices(
    probe: Probe,
    kind: 'http' | 'tls' | 'tcp',
    gateway: string,
    sourceNamespace: string,
    hops: string[],
    service: { external: boolean } | undefined,
  ): Route[] {
    const candidates = this.virtualServices.filter((vs) => {
      if (!(vs.spec.hosts as string[]).some((h) => hostMatches(h, probe.host))) return false;
      const bound: string[] = vs.spec.gateways ?? ['mesh'];
      const boundHere = bound.some((g) => this.sameGateway(g, vs.metadata.namespace, gateway));
      if (!boundHere) return false;
      return gateway === 'mesh' ? this.visibleToSidecar(vs, sourceNamespace, probe.host) : true;
    });
    const out: Route[] = [];
    for (const vs of candidates) {
      for (const route of (vs.spec[kind] as Loose[] | undefined) ?? []) {
        const verdict = this.routeMatches(route, vs, probe, gateway, sourceNamespace, kind);
        if (verdict === 'no') continue;
        const dests: Loose[] = route.route ?? [];
        const routed = dests.flatMap((d) =>
          this.toDestination(probe, d.destination, [
            ...hops,
            `VirtualService ${vs.metadata.namespace}/${vs.metadata.name} ${kind} route -> ${d.destination.host}:${d.destination.port?.number ?? probe.port}`,
          ]),
        );
        out.push(...routed);
        if (verdict === 'yes') return out;
      }
    }
    // Nothing matched: the proxy's default route to the service itself.
    if (gateway !== 'mesh')
      return [...out, { end: 'refused', hops: [...hops, `gateway ${gateway}: no route, 404`] }];
    return [...out, ...this.direct(probe, hops, service)];
  }

  private direct(probe: Probe, hops: string[], service: { external: boolean } | undefined): Route[] {
    const mesh = this.facts.meshServices.find((s) => s.host === probe.host);
    if (mesh) return this.toMeshWorkload(mesh, [...hops, `direct to ${probe.host}:${probe.port}`]);
    const what = service?.external === false ? 'mesh-internal entry' : 'the internet';
    return [
      {
        end: 'internet',
        hops: [...hops, `default route: straight to ${probe.host}:${probe.port} (${what})`],
      },
    ];
  }

  private sameGateway(ref: string, vsNamespace: string, gateway: string): boolean {
    if (ref === 'mesh' || gateway === 'mesh') return ref === gateway;
    const full = ref.includes('/') ? ref : `${vsNamespace}/${ref}`;
    return full === gateway;
  }

  private routeMatches(
    route: Loose,
    vs: Loose,
    probe: Probe,
    gateway: string,
    sourceNamespace: string,
    kind: 'http' | 'tls' | 'tcp',
  ): 'yes' | 'maybe' | 'no' {
    const matches: Loose[] | undefined = route.match;
    if (!matches || matches.length === 0) return 'yes';
    let best: 'yes' | 'maybe' | 'no' = 'no';
    for (const m of matches) {
      if (
        m.gateways &&
        !(m.gateways as string[]).some((g) => this.sameGateway(g, vs.metadata.namespace, gateway))
      )
        continue;
      if (m.port !== undefined && m.port !== probe.port) continue;
      if (m.sourceNamespace !== undefined && m.sourceNamespace !== sourceNamespace) continue;
      if (kind === 'tls') {
        const sni: string[] = m.sniHosts ?? [];
        if (!sni.some((h) => hostMatches(h, probe.host))) continue;
      }
      const known = new Set(['gateways', 'port', 'sourceNamespace', 'sniHosts', 'name']);
      const contentDependent = Object.keys(m).some((k) => !known.has(k));
      if (!contentDependent) return 'yes';
      best = 'maybe';
    }
    return best;
  }

  /** Where a route's destination leads: an Istio gateway workload, an in-mesh tool, or out. */
  private toDestination(probe: Probe, destination: Loose, hops: string[]): Route[] {
    const host = String(destination.host);
    const port = Number(destination.port?.number ?? probe.port);
    const gw = this.facts.gatewayWorkloads.find((g) => g.service === host);
    if (gw) return this.atGateway(probe, gw, port, destination.subset, hops);
    const mesh = this.facts.meshServices.find((s) => s.host === host);
    if (mesh) return this.toMeshWorkload(mesh, hops);
    return [{ end: 'internet', hops: [...hops, `out to ${host}:${port}`] }];
  }

  private toMeshWorkload(svc: MeshFacts['meshServices'][number], hops: string[]): Route[] {
    // In-mesh tools: a CUSTOM writ-verify policy in their namespace refuses a call without a valid token.
    const verify = this.policies.some(
      (p) =>
        p.metadata.namespace === svc.namespace &&
        p.spec.action === 'CUSTOM' &&
        /verify/.test(p.spec.provider?.name),
    );
    return verify
      ? [
          {
            end: 'writ-verify',
            hops: [...hops, `${svc.namespace} tool: writ-verify (no token unless writ-check minted one)`],
          },
        ]
      : [{ end: 'internet', hops: [...hops, `${svc.namespace} workload with no writ-verify policy`] }];
  }

  /** A sidecar sends the request to an Istio gateway workload on `port`. */
  private atGateway(
    probe: Probe,
    gw: MeshFacts['gatewayWorkloads'][number],
    port: number,
    subset: string | undefined,
    hops: string[],
  ): Route[] {
    const servers = this.gateways.flatMap((g) =>
      g.metadata.namespace === gw.namespace && matchesLabels(g.spec.selector, gw.labels)
        ? (g.spec.servers as Loose[]).map((s) => ({ gateway: g, server: s }))
        : [],
    );
    const at = servers.find(({ server }) => server.port.number === port);
    if (!at) return [{ end: 'refused', hops: [...hops, `egress gateway: no server on port ${port}`] }];
    const { gateway, server } = at;
    const tlsMode: string | undefined = server.tls?.mode;
    const originated = this.sidecarTlsTo(gw.service, port, subset, gw.namespace);
    if (tlsMode === 'ISTIO_MUTUAL' && originated !== 'ISTIO_MUTUAL')
      return [
        {
          end: 'refused',
          hops: [...hops, 'egress gateway wants mesh mTLS, the sidecar does not originate it'],
        },
      ];
    if (tlsMode && tlsMode !== 'ISTIO_MUTUAL')
      return [
        {
          end: 'refused',
          hops: [...hops, `egress gateway server tls ${tlsMode}: not modelled, treated as refused`],
        },
      ];
    if (!(server.hosts as string[]).some((h) => hostMatches(h.replace(/^.*\//, ''), probe.host)))
      return [
        {
          end: 'refused',
          hops: [...hops, `egress gateway: ${probe.host} not among the server's hosts, 404`],
        },
      ];
    const gwHops = [...hops, `egress gateway ${gw.namespace} port ${port} (${tlsMode ?? 'plain'})`];
    const custom = this.policies.filter(
      (p) =>
        p.spec.action === 'CUSTOM' &&
        (p.metadata.namespace === this.facts.rootNamespace && !p.spec.selector && !p.spec.targetRefs
          ? true
          : p.metadata.namespace === gw.namespace &&
            p.spec.selector &&
            matchesLabels(p.spec.selector.matchLabels, gw.labels)),
    );
    const decider = custom.find((p) => p.spec.provider?.name === 'writ-check' && this.matchesEverything(p));
    const gatewayName = `${gateway.metadata.namespace}/${gateway.metadata.name}`;
    if (!decider) {
      return this.routeVirtualServices(
        probe,
        'http',
        gatewayName,
        gw.namespace,
        [...gwHops, 'no writ-check policy'],
        undefined,
      );
    }
    const after = this.routeVirtualServices(probe, 'http', gatewayName, gw.namespace, gwHops, undefined);
    // writ-check decides before the router runs; what follows an allow is the governed call.
    return after.map((r) =>
      r.end === 'refused'
        ? r
        : {
            end: 'writ-check',
            hops: [
              ...gwHops,
              'ext_authz writ-check decides',
              ...r.hops.slice(gwHops.length),
              this.tlsOrigination(probe.host, gw.namespace),
            ],
          },
    );
  }

  private matchesEverything(policy: Loose): boolean {
    const rules: Loose[] = policy.spec.rules ?? [];
    return rules.some((r) => Object.keys(r).length === 0);
  }

  /** The TLS a proxy in `namespace` originates to `host:port` (DestinationRule, subset first). */
  private sidecarTlsTo(
    host: string,
    port: number,
    subset: string | undefined,
    _gwNamespace: string,
  ): string | undefined {
    const dr = this.destinationRules.find((d) => d.spec.host === host);
    if (!dr) return undefined;
    const pick = (policy: Loose): string | undefined => {
      const byPort = (policy?.portLevelSettings as Loose[] | undefined)?.find((s) => s.port?.number === port);
      return (byPort?.tls?.mode ?? policy?.tls?.mode) as string | undefined;
    };
    const sub = (dr.spec.subsets as Loose[] | undefined)?.find((s) => s.name === subset);
    return pick(sub?.trafficPolicy) ?? pick(dr.spec.trafficPolicy);
  }

  private tlsOrigination(host: string, namespace: string): string {
    const dr = this.destinationRules.find((d) => d.spec.host === host && exportedTo(d, namespace));
    const modes = [
      dr?.spec.trafficPolicy?.tls?.mode,
      ...((dr?.spec.trafficPolicy?.portLevelSettings as Loose[] | undefined) ?? []).map(
        (s): unknown => s.tls?.mode,
      ),
    ].filter(Boolean);
    return modes.includes('SIMPLE') ? `TLS originated to ${host}` : `to ${host} without TLS origination`;
  }

  // ---- ambient mode --------------------------------------------------------------------------------

  private followAmbient(probe: Probe): Route[] {
    const hops = [`${probe.namespace} pod -> ztunnel (HBONE)`];
    for (const se of this.serviceEntries) {
      if (!(se.spec.hosts as string[]).some((h) => hostMatches(h, probe.host))) continue;
      // Sidecar resources do not apply in ambient mode; exportTo does.
      if (!exportedTo(se, probe.namespace)) continue;
      const port = (se.spec.ports as Loose[]).find((p) => p.number === probe.port);
      if (!port) continue;
      const waypoint = this.waypointOf(se);
      if (!waypoint)
        return [
          {
            end: 'internet',
            hops: [
              ...hops,
              `ServiceEntry ${se.metadata.namespace}/${se.metadata.name} has no waypoint: ztunnel goes straight out`,
            ],
          },
        ];
      const wpHops = [...hops, `waypoint ${waypoint.metadata.namespace}/${waypoint.metadata.name}`];
      const proto = portProtocol(port);
      if (proto !== 'HTTP')
        return [
          { end: 'refused', hops: [...wpHops, `port ${port.number} is ${proto}: no L7 decision modelled`] },
        ];
      if (probe.protocol !== 'http')
        return [{ end: 'refused', hops: [...wpHops, 'HTTP port: not HTTP, reset'] }];
      const decider = this.policies.find(
        (p) =>
          p.spec.action === 'CUSTOM' &&
          p.spec.provider?.name === 'writ-check' &&
          this.matchesEverything(p) &&
          ((p.spec.targetRefs as Loose[] | undefined) ?? []).some(
            (ref) =>
              (ref.kind === 'Gateway' &&
                ref.name === waypoint.metadata.name &&
                (ref.namespace ?? p.metadata.namespace) === waypoint.metadata.namespace &&
                p.metadata.namespace === waypoint.metadata.namespace) ||
              (ref.kind === 'ServiceEntry' &&
                ref.name === se.metadata.name &&
                p.metadata.namespace === se.metadata.namespace),
          ),
      );
      if (!decider) return [{ end: 'internet', hops: [...wpHops, 'no writ-check policy at the waypoint'] }];
      return [
        {
          end: 'writ-check',
          hops: [
            ...wpHops,
            'ext_authz writ-check decides',
            this.tlsOrigination(probe.host, se.metadata.namespace),
          ],
        },
      ];
    }
    const mesh = this.facts.meshServices.find((s) => s.host === probe.host);
    if (mesh && mesh.ports.some((p) => p.number === probe.port)) return this.toMeshWorkload(mesh, hops);
    // A Service's cluster IP answers only on the ports it declares.
    if (mesh) return [{ end: 'refused', hops: [...hops, `${probe.host} has no port ${probe.port}`] }];
    // ztunnel does not enforce REGISTRY_ONLY: an unknown destination is passed through.
    return [
      {
        end: 'internet',
        hops: [...hops, `no ServiceEntry for ${probe.host}:${probe.port}: ztunnel passes it through`],
      },
    ];
  }

  /** The waypoint a ServiceEntry is bound to: its own use-waypoint label, else its namespace's. */
  private waypointOf(se: Loose): Loose {
    const ns = this.namespaces.find((n) => n.metadata.name === se.metadata.namespace);
    const name: string | undefined =
      se.metadata.labels?.['istio.io/use-waypoint'] ?? ns?.metadata.labels?.['istio.io/use-waypoint'];
    if (!name || name === 'none') return undefined;
    const wpNamespace: string =
      se.metadata.labels?.['istio.io/use-waypoint-namespace'] ??
      ns?.metadata.labels?.['istio.io/use-waypoint-namespace'] ??
      se.metadata.namespace;
    const wp = this.k8sGateways.find(
      (g) =>
        g.metadata.name === name &&
        g.metadata.namespace === wpNamespace &&
        g.spec.gatewayClassName === 'istio-waypoint',
    );
    // A waypoint for workloads only does not take service-addressed (ServiceEntry) traffic.
    const forWhat: string = wp?.metadata.labels?.['istio.io/waypoint-for'] ?? 'service';
    return wp && (forWhat === 'service' || forWhat === 'all') ? wp : undefined;
  }

  // ---- Kubernetes NetworkPolicy ------------------------------------------------------------------

  /** Do the NetworkPolicies on the agents' pods refuse a connection to an address outside the cluster? */
  private networkPolicyRefusesExternal(probe: Probe): boolean {
    const selecting = this.networkPolicies.filter(
      (np) =>
        np.metadata.namespace === probe.namespace &&
        matchesLabels(np.spec.podSelector?.matchLabels, this.facts.agentPodLabels) &&
        ((np.spec.policyTypes as string[] | undefined) ?? []).includes('Egress'),
    );
    if (selecting.length === 0) return false;
    // Allowed if any egress rule admits an external address on this port: a rule with no `to`, or an ipBlock.
    const allows = selecting.some((np) =>
      ((np.spec.egress as Loose[] | undefined) ?? []).some((rule) => {
        const portOk =
          !rule.ports ||
          (rule.ports as Loose[]).some((p) => p.port === undefined || Number(p.port) === probe.port);
        const toOk = !rule.to || (rule.to as Loose[]).some((peer) => peer.ipBlock !== undefined);
        return portOk && toOk;
      }),
    );
    return !allows;
  }
}
