/** grpc.health.v1 on each role's listener: SERVING for the server and for its role, NOT_FOUND for anything else. */
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { protoPath } from 'grpc-health-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestWrit, type TestWrit } from '../support/writ-server.js';

let t: TestWrit;
beforeAll(async () => {
  t = await startTestWrit();
});
afterAll(async () => t.stop());

type HealthClient = grpc.Client & {
  check(req: { service: string }, cb: (e: grpc.ServiceError | null, r: { status: string }) => void): void;
};

function healthClient(port: number): HealthClient {
  const def = grpc.loadPackageDefinition(
    protoLoader.loadSync(protoPath, { keepCase: true, enums: String }),
  ) as unknown as {
    grpc: { health: { v1: { Health: new (a: string, c: grpc.ChannelCredentials) => HealthClient } } };
  };
  return new def.grpc.health.v1.Health(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
}

const status = (c: HealthClient, service: string) =>
  new Promise<string>((resolve, reject) =>
    c.check({ service }, (e, r) => (e ? reject(e) : resolve(r.status))),
  );

describe('health', () => {
  it('reports SERVING for the server and for each role', async () => {
    const check = healthClient(t.writ.ports.check!);
    const verify = healthClient(t.writ.ports.verify!);
    expect(await status(check, '')).toBe('SERVING');
    expect(await status(check, 'writ.check')).toBe('SERVING');
    expect(await status(verify, 'writ.verify')).toBe('SERVING');
    await expect(status(check, 'no.such.service')).rejects.toMatchObject({ code: grpc.status.NOT_FOUND });
    check.close();
    verify.close();
  });
});
