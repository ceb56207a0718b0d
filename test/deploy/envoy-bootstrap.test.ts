/** The standalone Envoy bootstraps in examples/envoy/ load into Envoy's own Bootstrap message, strictly. */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SETTINGS } from '../../src/config.js';
import { EnvoyProtoSet, checkMessage } from './proto-strict.js';
import type { Loose } from './manifests.js';
import { repoPath } from './paths.js';

const BOOTSTRAP = 'envoy.config.bootstrap.v3.Bootstrap';
const EXT_AUTHZ = 'type.googleapis.com/envoy.extensions.filters.http.ext_authz.v3.ExtAuthz';
/** writ's WRIT_MAX_BODY_BYTES default; Envoy's max_request_bytes must be equal. */
const WRIT_MAX_BODY_BYTES = 1048576;

const protos = new EnvoyProtoSet();

function load(name: string): Record<string, unknown> {
  return parse(readFileSync(repoPath('examples/envoy', name), 'utf8')) as Record<string, unknown>;
}

/** Every object in `tree` (depth first) whose "@type" is `typeUrl`. */
function findTyped(tree: unknown, typeUrl: string): Record<string, Loose>[] {
  const found: Record<string, Loose>[] = [];
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') {
      if ((v as Record<string, unknown>)['@type'] === typeUrl) found.push(v as Record<string, Loose>);
      Object.values(v).forEach(visit);
    }
  };
  visit(tree);
  return found;
}

function seconds(duration: string): number {
  return Number(duration.replace(/s$/, ''));
}

const AUTHZ_ROUTER = ['envoy.filters.http.ext_authz', 'envoy.filters.http.router'];
const cases = [
  {
    file: 'agent-egress.yaml',
    cluster: 'writ_check',
    port: 9191,
    health: 'writ.check',
    filters: ['envoy.filters.http.ext_authz', 'envoy.filters.http.ext_proc', 'envoy.filters.http.router'],
  },
  {
    file: 'tool-server.yaml',
    cluster: 'writ_verify',
    port: 9192,
    health: 'writ.verify',
    filters: AUTHZ_ROUTER,
  },
  {
    file: 'agent-inbound.yaml',
    cluster: 'writ_inbound',
    port: 9193,
    health: 'writ.inbound',
    filters: AUTHZ_ROUTER,
  },
];

it('covers every example and every gRPC role of writ', () => {
  expect(readdirSync(repoPath('examples/envoy')).sort()).toEqual(cases.map((c) => c.file).sort());
  // The ports writ listens on by default (src/config.ts) are the ones the examples call.
  for (const { port, health } of cases) {
    const role = health.replace('writ.', '').toUpperCase();
    expect(SETTINGS.find((s) => s.env === `WRIT_${role}_PORT`)?.fallback, role).toBe(String(port));
  }
});

describe.each(cases)('examples/envoy/$file', ({ file, cluster, port, health, filters }) => {
  const config = load(file);

  it('is a valid envoy.config.bootstrap.v3.Bootstrap, typed configs included', () => {
    expect(checkMessage(protos, BOOTSTRAP, config)).toEqual([]);
  });

  it('fails closed on the whole body, with a timeout under a second', () => {
    const filters = findTyped(config, EXT_AUTHZ);
    expect(filters).toHaveLength(1);
    const authz = filters[0]!;
    expect(authz.failure_mode_allow).toBe(false);
    expect(authz.transport_api_version).toBe('V3');
    expect(authz.with_request_body).toEqual({
      max_request_bytes: WRIT_MAX_BODY_BYTES,
      allow_partial_message: false,
      pack_as_bytes: true,
    });
    expect(seconds(authz.grpc_service.timeout)).toBeGreaterThan(0);
    expect(seconds(authz.grpc_service.timeout)).toBeLessThan(1);
    // An outage must look different from a policy deny (403).
    expect(authz.status_on_error.code).not.toBe('Forbidden');
    expect(authz.grpc_service.envoy_grpc.cluster_name).toBe(cluster);
    // gRPC ext_authz sends all request headers unless allowed_headers narrows them; none may be narrowed away.
    expect(authz.allowed_headers).toBeUndefined();
  });

  it('runs ext_authz before the router and points it at the right writ role', () => {
    const hcm = findTyped(
      config,
      'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
    );
    expect(hcm).toHaveLength(1);
    const names = (hcm[0]!.http_filters as { name: string }[]).map((f) => f.name);
    expect(names).toEqual(filters);
    for (const t of ['request_timeout', 'stream_idle_timeout', 'request_headers_timeout']) {
      expect(hcm[0]![t], t).toMatch(/^\d+(\.\d+)?s$/);
    }
    const clusters = (config.static_resources as { clusters: Record<string, Loose>[] }).clusters;
    const writ = clusters.find((c) => c.name === cluster)!;
    expect(writ.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.port_value).toBe(
      port,
    );
    expect(writ.health_checks[0].grpc_health_check.service_name).toBe(health);
    expect(Object.keys(writ.typed_extension_protocol_options)).toEqual([
      'envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
    ]);
    // Envoy's connection buffer must hold the whole body writ has to see.
    const listener = (config.static_resources as { listeners: Record<string, Loose>[] }).listeners[0]!;
    expect(listener.per_connection_buffer_limit_bytes).toBeGreaterThan(WRIT_MAX_BODY_BYTES);
  });
});

describe('examples/envoy/agent-egress.yaml response masking', () => {
  it('runs ext_proc after ext_authz as writ expects: request headers sent, bodies by mode_override, fail closed', () => {
    const config = load('agent-egress.yaml');
    const [proc] = findTyped(
      config,
      'type.googleapis.com/envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor',
    );
    expect(proc!.failure_mode_allow).toBe(false);
    expect(proc!.allow_mode_override).toBe(true);
    expect(proc!.processing_mode.request_header_mode).toBe('SEND');
    expect(seconds(proc!.grpc_service.timeout)).toBeLessThan(1);
    const clusters = (config.static_resources as { clusters: Record<string, Loose>[] }).clusters;
    const writ = clusters.find((c) => c.name === proc!.grpc_service.envoy_grpc.cluster_name)!;
    const address = writ.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address;
    expect(String(address.port_value)).toBe(SETTINGS.find((s) => s.env === 'WRIT_EXTPROC_PORT')?.fallback);
    expect(writ.typed_extension_protocol_options).toBeDefined(); // gRPC needs HTTP/2
  });
});

describe('the strict walker', () => {
  const base = load('agent-egress.yaml');
  const authzOf = (c: unknown) => findTyped(c, EXT_AUTHZ)[0]!;

  it('fails on a misspelled field inside a typed config, naming its path', () => {
    const copy = structuredClone(base);
    const authz = authzOf(copy);
    authz.with_request_bdy = authz.with_request_body;
    delete authz.with_request_body;
    const issues = checkMessage(protos, BOOTSTRAP, copy);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.path).toBe(
      'static_resources.listeners[0].filter_chains[0].filters[0].typed_config.http_filters[0].typed_config.with_request_bdy',
    );
    expect(issues[0]!.message).toContain('unknown field "with_request_bdy"');
  });

  it('accepts lowerCamel names as Envoy does, and rejects wrong types and unknown @types', () => {
    const camel = structuredClone(base);
    const authz = authzOf(camel);
    authz.failureModeAllow = authz.failure_mode_allow;
    delete authz.failure_mode_allow;
    expect(checkMessage(protos, BOOTSTRAP, camel)).toEqual([]);

    const wrongType = structuredClone(base);
    authzOf(wrongType).grpc_service.timeout = 500;
    expect(checkMessage(protos, BOOTSTRAP, wrongType).map((i) => i.path)).toEqual([
      'static_resources.listeners[0].filter_chains[0].filters[0].typed_config.http_filters[0].typed_config.grpc_service.timeout',
    ]);

    const badEnum = structuredClone(base);
    authzOf(badEnum).transport_api_version = 'V4';
    expect(checkMessage(protos, BOOTSTRAP, badEnum)[0]!.message).toContain('not a value of enum');

    const badAny = structuredClone(base);
    authzOf(badAny)['@type'] = 'type.googleapis.com/envoy.extensions.filters.http.ext_authz.v3.ExtAuth';
    expect(checkMessage(protos, BOOTSTRAP, badAny)[0]!.message).toContain('does not resolve');

    const twoOneofs = structuredClone(base);
    authzOf(twoOneofs).http_service = {};
    expect(checkMessage(protos, BOOTSTRAP, twoOneofs)[0]!.message).toContain('oneof "services"');
  });
});

describe('examples/standalone/envoy.yaml (one machine, no Kubernetes)', () => {
  const config = parse(readFileSync(repoPath('examples/standalone/envoy.yaml'), 'utf8')) as Record<
    string,
    Loose
  >;
  const listeners = config.static_resources.listeners as Record<string, Loose>[];
  const clusters = config.static_resources.clusters as Record<string, Loose>[];
  const addressOf = (c: Record<string, Loose>) =>
    c.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address as {
      address: string;
      port_value: number;
    };
  const routeCluster = (l: Record<string, Loose>) =>
    String(l.filter_chains[0].filters[0].typed_config.route_config.virtual_hosts[0].routes[0].route.cluster);
  const authzCluster = (l: Record<string, Loose>) =>
    String(findTyped(l, EXT_AUTHZ)[0]!.grpc_service.envoy_grpc.cluster_name);

  it('is a valid envoy.config.bootstrap.v3.Bootstrap, typed configs included', () => {
    expect(checkMessage(protos, BOOTSTRAP, config)).toEqual([]);
  });

  it('names no cluster DNS and listens and connects on loopback only', () => {
    expect(JSON.stringify(config)).not.toMatch(/svc\.cluster\.local|STRICT_DNS/);
    for (const l of listeners) expect(l.address.socket_address.address, l.name).toBe('127.0.0.1');
    for (const c of clusters) expect(addressOf(c).address, c.name).toBe('127.0.0.1');
  });

  it('chains agent -> check -> verify -> tool, each hop behind a fail-closed ext_authz on the whole body', () => {
    const byPort = (port: number) => listeners.find((l) => l.address.socket_address.port_value === port)!;
    const cluster = (name: string) => clusters.find((c) => c.name === name)!;
    const egress = listeners[0]!;
    expect(authzCluster(egress)).toBe('writ_check');
    const front = byPort(addressOf(cluster(routeCluster(egress))).port_value);
    expect(authzCluster(front)).toBe('writ_verify');
    expect(addressOf(cluster(routeCluster(front))).port_value).toBe(8080);
    for (const [name, role] of [
      ['writ_check', 'WRIT_CHECK_PORT'],
      ['writ_verify', 'WRIT_VERIFY_PORT'],
    ] as const)
      expect(String(addressOf(cluster(name)).port_value)).toBe(
        SETTINGS.find((s) => s.env === role)?.fallback,
      );
    for (const authz of findTyped(config, EXT_AUTHZ)) {
      expect(authz.failure_mode_allow).toBe(false);
      expect(authz.with_request_body).toEqual({
        max_request_bytes: WRIT_MAX_BODY_BYTES,
        allow_partial_message: false,
        pack_as_bytes: true,
      });
      expect(seconds(authz.grpc_service.timeout)).toBeLessThan(1);
    }
  });
});
