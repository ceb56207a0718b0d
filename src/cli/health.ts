/** `writ health`: asks a running writ's grpc.health.v1 service; the container image's HEALTHCHECK runs it. */
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { protoPath } from 'grpc-health-check';

type HealthClient = grpc.Client & {
  check(
    req: { service: string },
    opts: grpc.CallOptions,
    cb: (e: grpc.ServiceError | null, r?: { status: string }) => void,
  ): void;
};

/** Where to ask, and for which service ('' = the server as a whole). */
export interface HealthTarget {
  readonly host: string;
  readonly port: number;
  readonly service: string;
  readonly timeoutMs?: number;
}

/** Returns the reported status (SERVING, NOT_SERVING...) or throws with the gRPC error. */
export async function checkHealth(target: HealthTarget): Promise<string> {
  const def = grpc.loadPackageDefinition(
    protoLoader.loadSync(protoPath, { keepCase: true, enums: String }),
  ) as unknown as {
    grpc: { health: { v1: { Health: new (a: string, c: grpc.ChannelCredentials) => HealthClient } } };
  };
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  const client = new def.grpc.health.v1.Health(`${host}:${target.port}`, grpc.credentials.createInsecure());
  try {
    return await new Promise<string>((resolve, reject) =>
      client.check(
        { service: target.service },
        { deadline: Date.now() + (target.timeoutMs ?? 3000) },
        (e, r) => (e ? reject(e) : resolve(r?.status ?? 'UNKNOWN')),
      ),
    );
  } finally {
    client.close();
  }
}
