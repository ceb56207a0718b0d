/**
 * CheckRequest bytes -> the decoded protobufjs message, without proto-loader's `toObject` copy of every
 * field (mapCheckRequest reads a few). The copy can fail where decoding did not, in one case only: a
 * map entry whose message value was absent on the wire (say a `filter_metadata` Struct) decodes to null,
 * and converting null throws. Messages that can hold such a map are walked for it, and where one is
 * found the real conversion runs, so the request fails with proto-loader's own error, as before.
 */
import type { Field, IConversionOptions, Type } from 'protobufjs';
import type { CheckRequest } from './envoy-types.js';

type Fields = Record<string, unknown>;

interface Walk {
  /** The message fields through which a null map value can be reached, with their types' walks. */
  readonly fields: { readonly field: Field; readonly walk: Walk | undefined }[];
}

const isMessageField = (f: Field): boolean => f.resolvedType !== null && 'fields' in f.resolvedType;

/** The walk for `type`, or undefined when no message under it has a map of messages. */
function walkFor(type: Type, memo: Map<Type, Walk | undefined>): Walk | undefined {
  if (memo.has(type)) return memo.get(type);
  // Cycles (Struct -> Value -> Struct) close on this walk; it is dropped below if it stays empty.
  const walk: Walk = { fields: [] };
  memo.set(type, walk);
  for (const field of type.fieldsArray) {
    if (!isMessageField(field.resolve())) continue;
    const inner = walkFor(field.resolvedType as Type, memo);
    if (field.map || inner !== undefined) walk.fields.push({ field, walk: inner });
  }
  if (walk.fields.length > 0) return walk;
  memo.set(type, undefined);
  return undefined;
}

/** True when converting `m` with toObject would meet a null map value. */
function holdsNullMapValue(m: Fields, walk: Walk): boolean {
  for (const { field, walk: inner } of walk.fields) {
    const v = m[field.name];
    if (v == null) continue;
    if (field.map) {
      const map = v as Fields;
      for (const k of Object.keys(map)) {
        const e = map[k];
        if (e == null) return true;
        if (inner !== undefined && holdsNullMapValue(e as Fields, inner)) return true;
      }
    } else if (field.repeated) {
      for (const e of v as Fields[]) if (inner !== undefined && holdsNullMapValue(e, inner)) return true;
    } else if (inner !== undefined && Object.hasOwn(m, field.name) && holdsNullMapValue(v as Fields, inner)) {
      return true;
    }
  }
  return false;
}

/**
 * A deserializer that accepts and rejects exactly the bytes proto-loader's `toObject(decode(bytes))`
 * does, with the same errors, and returns the decoded message.
 */
export function checkRequestDecoder(
  type: Type,
  options: IConversionOptions,
): (bytes: Buffer) => CheckRequest {
  const walk = walkFor(type, new Map());
  return (bytes) => {
    const message = type.decode(bytes);
    // Throws proto-loader's own error for the message it would have failed to convert.
    if (walk !== undefined && holdsNullMapValue(message as unknown as Fields, walk)) {
      type.toObject(message, options);
    }
    return message as unknown as CheckRequest;
  };
}
