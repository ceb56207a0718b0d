/**
 * The gRPC transport: one listener per role (check, verify, inbound), each serving Envoy's
 * Authorization/Check and grpc.health.v1.Health. Istio cannot pass context_extensions to a CUSTOM
 * provider, so the port is what tells writ which role a call is for.
 */
import * as grpc from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import type { Pipeline } from '../pipeline/index.js';
import type { PipelineLogger } from '../pipeline/deps.js';
import type { Role } from '../pipeline/model/raw-request.js';
import type { Verdict } from '../pipeline/verdict.js';
import { authorizationService } from './envoy-protos.js';
import type { CheckRequest, CheckResponse } from './envoy-types.js';
import { mapCheckRequest } from './map-request.js';
import { mapVerdict } from './map-response.js';

export interface RoleListener {
  readonly role: Role;
  readonly host: string;
  /** 0 picks a free port (tests). */
  readonly port: number;
}

export interface TransportOptions {
  readonly listeners: readonly RoleListener[];
  readonly pipeline: Pipeline;
  readonly log: PipelineLogger;
  readonly now: () => number;
  readonly newRequestId: () => string;
  /** The largest gRPC message accepted; must exceed the body limit so oversize bodies get a clear deny. */
  readonly maxMessageBytes: number;
}

export interface RunningTransport {
  /** The bound port of each role. */
  readonly ports: Readonly<Partial<Record<Role, number>>>;
  /** Stops accepting calls, lets in-flight ones finish for up to `graceMs`, then closes. */
  shutdown(graceMs?: number): Promise<void>;
}

/** Marks a request whose protobuf could not be decoded, so it is denied and audited, not dropped. */
interface MalformedRequest {
  readonly malformed: string;
}

/** The Authorization service with a deserializer that turns decode failures into a value. */
function tolerantAuthorizationService(): grpc.ServiceDefinition {
  const service = authorizationService();
  const out: Record<string, grpc.MethodDefinition<unknown, unknown>> = {};
  for (const [name, method] of Object.entries(service)) {
    out[name] = {
      ...method,
      requestDeserialize: (bytes: Buffer) => {
        try {
          return method.requestDeserialize(bytes) as unknown;
        } catch (err) {
          return { malformed: err instanceof Error ? err.message : 'undecodable' } satisfies MalformedRequest;
        }
      },
    };
  }
  return out;
}

function checkHandler(
  role: Role,
  opts: TransportOptions,
): grpc.handleUnaryCall<CheckRequest | MalformedRequest, CheckResponse> {
  const { pipeline, log } = opts;
  return (call, callback) => {
    const request = call.request;
    let verdict: Promise<Verdict>;
    if ('malformed' in request) {
      verdict = Promise.resolve(
        pipeline.reject(role, 'ERR_BAD_REQUEST', `malformed CheckRequest protobuf: ${request.malformed}`),
      );
    } else {
      const mapped = mapCheckRequest(request, role, opts.now(), opts.newRequestId);
      verdict = mapped.ok
        ? pipeline.run(mapped.raw)
        : Promise.resolve(pipeline.reject(role, mapped.code, mapped.message));
    }
    verdict.then(
      (v) => callback(null, mapVerdict(v)),
      (err: unknown) => {
        // The pipeline never rejects; if it somehow did, answer a deny rather than an RPC error.
        log.error({ err, role }, 'pipeline rejected; denying');
        callback(null, mapVerdict(pipeline.reject(role, 'ERR_INTERNAL', 'pipeline failure')));
      },
    );
  };
}

function bind(server: grpc.Server, address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (err, port) =>
      err ? reject(err) : resolve(port),
    );
  });
}

/** Starts one gRPC server per role listener. */
export async function startTransport(opts: TransportOptions): Promise<RunningTransport> {
  const servers: { server: grpc.Server; health: HealthImplementation; role: Role }[] = [];
  const ports: Partial<Record<Role, number>> = {};
  const service = tolerantAuthorizationService();
  try {
    for (const l of opts.listeners) {
      const server = new grpc.Server({
        'grpc.max_receive_message_length': opts.maxMessageBytes,
        'grpc.max_send_message_length': 4 * 1024 * 1024,
        'grpc.keepalive_permit_without_calls': 1,
      });
      server.addService(service, { Check: checkHandler(l.role, opts) });
      const health = new HealthImplementation({
        '': 'SERVING',
        [`writ.${l.role}`]: 'SERVING',
        'envoy.service.auth.v3.Authorization': 'SERVING',
      });
      health.addToServer(server);
      const host = l.host.includes(':') && !l.host.startsWith('[') ? `[${l.host}]` : l.host;
      ports[l.role] = await bind(server, `${host}:${l.port}`);
      servers.push({ server, health, role: l.role });
    }
  } catch (err) {
    for (const s of servers) s.server.forceShutdown();
    throw err;
  }
  return {
    ports,
    async shutdown(graceMs = 5000) {
      for (const s of servers) {
        s.health.setStatus('', 'NOT_SERVING');
        s.health.setStatus(`writ.${s.role}`, 'NOT_SERVING');
      }
      await Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              const timer = setTimeout(() => {
                s.server.forceShutdown();
                resolve();
              }, graceMs);
              s.server.tryShutdown(() => {
                clearTimeout(timer);
                resolve();
              });
            }),
        ),
      );
    },
  };
}
