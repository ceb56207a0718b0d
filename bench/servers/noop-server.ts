/**
 * The bench's baseline: the same grpc-js server, options and Envoy proto loading as writ's check role,
 * with a Check that answers OK at once. The gap between it and writ is what writ itself costs.
 */
import * as grpc from '@grpc/grpc-js';
import type { authorizationService as AuthorizationService } from '../../src/extauthz/envoy-protos.js';
import { announce, serverArgs } from '../lib/server-stats.js';

const args = serverArgs(process.argv.slice(2));
// Same module as writ loads (dist/ or src/), so both deserialize CheckRequest with the same code.
const protos = (await import(
  args.app === 'dist' ? '../../dist/extauthz/envoy-protos.js' : '../../src/extauthz/envoy-protos.js'
)) as {
  authorizationService: typeof AuthorizationService;
};
// The options writ's transport sets (src/extauthz/server.ts), with writ's default body limit.
const server = new grpc.Server({
  'grpc.max_receive_message_length': 1048576 * 2 + 1024 * 1024,
  'grpc.max_send_message_length': 4 * 1024 * 1024,
  'grpc.keepalive_permit_without_calls': 1,
});
const okResponse = { status: { code: 0 }, ok_response: {} };
server.addService(protos.authorizationService(), {
  Check: (_call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) =>
    callback(null, okResponse),
});
const port = await new Promise<number>((resolve, reject) => {
  server.bindAsync(`127.0.0.1:${args.port}`, grpc.ServerCredentials.createInsecure(), (err, p) =>
    err ? reject(err) : resolve(p),
  );
});
announce(port, () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())));
