/**
 * CheckResponse -> protobuf bytes on the check role's hot path. proto-loader's serializer first copies
 * the whole object tree with `fromObject` (coercing each value), then encodes the copy; mapVerdict
 * already builds the wire shape (numbers, strings, camelCase Struct values), so protobufjs encodes it
 * as it is. The bytes are the same; tests compare them with proto-loader's serializer.
 */
import type { Type } from 'protobufjs';
import type { CheckResponse } from './envoy-types.js';

/** Encodes with `type.encode`; anything it cannot encode as is goes to `coercing`, the old serializer. */
export function checkResponseEncoder(
  type: Type,
  coercing: (value: unknown) => Buffer,
): (value: CheckResponse) => Buffer {
  return (value) => {
    // An array would encode as an empty (status-less, so allowing) message; proto-loader rejects it.
    if (Array.isArray(value)) return coercing(value);
    try {
      // protobufjs writes Buffers under Node.
      return type.encode(value).finish() as Buffer;
    } catch {
      // A value of the wrong type (say a number where a string goes): coerce it as before, or throw.
      return coercing(value);
    }
  };
}
