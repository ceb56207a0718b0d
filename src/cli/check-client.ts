/** A small Envoy ext_authz client over real gRPC, for `writ demo` and the tests. */
import * as grpc from '@grpc/grpc-js';
import { authorizationClient } from '../extauthz/envoy-protos.js';
import type { CheckRequest, CheckResponse, StructValue } from '../extauthz/envoy-types.js';

export interface CheckClient {
  check(request: CheckRequest): Promise<CheckResponse>;
  close(): void;
}

/** Connects to a Check server at `host:port` (plaintext, as Envoy's cluster to writ on loopback). */
export function connectCheckClient(address: string): CheckClient {
  const Ctor = authorizationClient();
  const client = new Ctor(address, grpc.credentials.createInsecure());
  return {
    check(request) {
      return new Promise((resolve, reject) => {
        (
          client as unknown as {
            Check: (
              r: CheckRequest,
              o: grpc.CallOptions,
              cb: (e: grpc.ServiceError | null, res: CheckResponse) => void,
            ) => void;
          }
        ).Check(request, { deadline: Date.now() + 10_000 }, (err, res) => (err ? reject(err) : resolve(res)));
      });
    },
    close: () => client.close(),
  };
}

/** Reads a Struct field from dynamic metadata as plain JSON. */
export function structField(response: CheckResponse, name: string): unknown {
  const v = response.dynamic_metadata?.fields[name];
  return v === undefined ? undefined : plain(v);
}

function plain(v: StructValue): unknown {
  if ('stringValue' in v) return v.stringValue;
  if ('numberValue' in v) return v.numberValue;
  if ('boolValue' in v) return v.boolValue;
  if ('nullValue' in v) return null;
  if ('listValue' in v) return (v.listValue.values ?? []).map(plain);
  return Object.fromEntries(Object.entries(v.structValue.fields ?? {}).map(([k, x]) => [k, plain(x)]));
}

/** The value of a header an OK or denied response sets. */
export function responseHeader(response: CheckResponse, name: string): string | undefined {
  const list = response.ok_response?.headers ?? response.denied_response?.headers ?? [];
  return list.find((h) => h.header.key.toLowerCase() === name)?.header.value;
}
