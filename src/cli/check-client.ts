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

/** The decision trace writ sends as dynamic metadata (`writ_trace`), parsed. */
export interface WireTrace {
  readonly rules: string[];
  readonly requested: { method: string; authority: string; path: string; bodyBytes: number };
  readonly normalized: {
    adapter: string;
    tool: string;
    operation: string;
    apiOperation: string | null;
    resourceKind: string | null;
    resourceOwner: string | null;
    resourceId: string | null;
    subject: string | null;
  } | null;
  readonly inspectors: { id: string; severity: string; path: string; occurrences: number }[];
  readonly policy: { decision: string; rules: string[]; version: string } | null;
  readonly enforcement: { tokenId: string | null; expiresAt: number | null; obligations: string | null };
  readonly audit: { seq: number; hash: string; prev: string } | null;
}

/** Parses the `writ_trace` metadata of a Check response. */
export function wireTrace(response: CheckResponse): WireTrace {
  const text = structField(response, 'writ_trace');
  if (typeof text !== 'string') throw new Error('response carries no writ_trace metadata');
  return JSON.parse(text) as WireTrace;
}

/** The value of a header an OK or denied response sets. */
export function responseHeader(response: CheckResponse, name: string): string | undefined {
  const list = response.ok_response?.headers ?? response.denied_response?.headers ?? [];
  return list.find((h) => h.header.key.toLowerCase() === name)?.header.value;
}
