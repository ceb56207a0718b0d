/**
 * The subset of Envoy's ext_authz v3 messages writ reads and writes. A CheckRequest is either a plain
 * object (tests, the CLI) or the protobufjs message the check role decodes, which inherits `null` for
 * an absent message field and the type's default (`''`, empty bytes) for an absent scalar.
 */

export interface HeaderValue {
  key?: string;
  value?: string;
  raw_value?: Buffer;
}

export interface HttpRequestAttrs {
  id?: string;
  method?: string;
  headers?: Record<string, string>;
  header_map?: { headers?: HeaderValue[] } | null;
  path?: string;
  host?: string;
  scheme?: string;
  query?: string;
  size?: string;
  protocol?: string;
  body?: string;
  raw_body?: Buffer;
}

export interface PeerAttrs {
  principal?: string;
  address?: { socket_address?: { address?: string; port_value?: number } | null } | null;
}

export interface CheckRequest {
  attributes?: {
    source?: PeerAttrs | null;
    destination?: PeerAttrs | null;
    request?: { http?: HttpRequestAttrs | null } | null;
    context_extensions?: Record<string, string>;
  } | null;
}

export interface HeaderValueOption {
  header: { key: string; value: string };
  append: { readonly value: boolean };
}

/** google.protobuf.Value as proto-loader wants it: camelCase oneof names, even with keepCase. */
export type StructValue =
  | { stringValue: string }
  | { numberValue: number }
  | { boolValue: boolean }
  | { nullValue: 'NULL_VALUE' }
  | { listValue: { values: StructValue[] } }
  | { structValue: { fields: Record<string, StructValue> } };

export interface CheckResponse {
  status: { code: number; message?: string };
  ok_response?: { headers: HeaderValueOption[]; headers_to_remove: readonly string[] };
  denied_response?: { status: { code: number }; headers: HeaderValueOption[]; body: string };
  dynamic_metadata?: { fields: Record<string, StructValue> };
}
