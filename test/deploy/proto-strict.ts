/**
 * Strict check of Envoy YAML/JSON config against Envoy's own protos (from @grpc/grpc-js-xds), typed
 * configs included. protobufjs's fromObject silently drops unknown fields, so this walks every field itself.
 */
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import protobuf from 'protobufjs';

const require = createRequire(import.meta.url);
const xdsRoot = path.dirname(require.resolve('@grpc/grpc-js-xds/package.json'));
// descriptor.proto (imported by the validate/udpa annotations) ships as a file with protobufjs, not bundled.
const protobufjsRoot = path.dirname(require.resolve('protobufjs/package.json'));

/** The four include dirs that Envoy's protos need (google/protobuf comes with protobufjs). */
export const envoyIncludeDirs = ['envoy-api', 'xds', 'googleapis', 'protoc-gen-validate'].map((d) =>
  path.join(xdsRoot, 'deps', d),
);

/** One problem found in a config, with the dotted path of the offending field. */
export interface ConfigIssue {
  path: string;
  message: string;
}

const INT32 = new Set(['int32', 'sint32', 'sfixed32']);
const UINT32 = new Set(['uint32', 'fixed32']);
const INT64 = new Set(['int64', 'sint64', 'sfixed64', 'uint64', 'fixed64']);
const WRAPPERS: Record<string, string> = {
  'google.protobuf.BoolValue': 'bool',
  'google.protobuf.StringValue': 'string',
  'google.protobuf.BytesValue': 'bytes',
  'google.protobuf.Int32Value': 'int32',
  'google.protobuf.UInt32Value': 'uint32',
  'google.protobuf.Int64Value': 'int64',
  'google.protobuf.UInt64Value': 'uint64',
  'google.protobuf.FloatValue': 'float',
  'google.protobuf.DoubleValue': 'double',
};
// Proto3 JSON: a Duration is seconds with up to nine fractional digits and an "s" suffix.
const DURATION = /^-?\d+(\.\d{1,9})?s$/;
const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?(Z|[+-]\d\d:\d\d)$/;

function lowerCamel(snake: string): string {
  return snake.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Loads Envoy message types on demand, one proto package folder at a time. */
export class EnvoyProtoSet {
  private readonly root = new protobuf.Root();
  private readonly loadedDirs = new Set<string>();

  constructor() {
    this.root.resolvePath = (_origin, target) => {
      for (const dir of envoyIncludeDirs) {
        const candidate = path.join(dir, target);
        if (existsSync(candidate)) return candidate;
      }
      const shipped = path.join(protobufjsRoot, target);
      // google/protobuf/*.proto: protobufjs serves its bundled copies of the rest by name.
      return existsSync(shipped) ? shipped : target;
    };
  }

  /** The message type for a full name, loading its package folder if needed; null if none exists. */
  lookup(fullName: string): protobuf.Type | null {
    const found = this.tryLookup(fullName);
    if (found) return found;
    // Nested types (Outer.Inner) live in the folder of the package prefix: try the longest prefix first.
    const parts = fullName.split('.');
    for (let n = parts.length - 1; n > 0; n--) {
      const rel = parts.slice(0, n).join('/');
      for (const dir of envoyIncludeDirs) {
        const folder = path.join(dir, rel);
        if (this.loadedDirs.has(folder) || !existsSync(folder)) continue;
        this.loadedDirs.add(folder);
        const files = readdirSync(folder).filter((f) => f.endsWith('.proto'));
        if (files.length === 0) continue;
        this.root.loadSync(
          files.map((f) => path.join(rel, f)),
          { keepCase: true },
        );
        this.root.resolveAll();
        const now = this.tryLookup(fullName);
        if (now) return now;
      }
    }
    return null;
  }

  private tryLookup(fullName: string): protobuf.Type | null {
    try {
      return this.root.lookupType(fullName);
    } catch {
      return null;
    }
  }
}

/** Checks `value` against message `typeName`; returns every issue (empty when the config is valid). */
export function checkMessage(protos: EnvoyProtoSet, typeName: string, value: unknown): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const type = protos.lookup(typeName);
  if (!type) return [{ path: '', message: `unknown message type "${typeName}"` }];
  walkMessage(protos, type, value, '', issues);
  return issues;
}

function join(base: string, key: string): string {
  return base === '' ? key : `${base}.${key}`;
}

function walkMessage(
  protos: EnvoyProtoSet,
  type: protobuf.Type,
  value: unknown,
  at: string,
  issues: ConfigIssue[],
): void {
  const name = type.fullName.replace(/^\./, '');
  if (walkWellKnown(protos, name, value, at, issues)) return;
  if (!isPlainObject(value)) {
    issues.push({ path: at, message: `expected an object for ${name}` });
    return;
  }
  // Envoy's YAML accepts both the proto field name and its lowerCamel JSON name.
  const byName = new Map<string, protobuf.Field>();
  for (const field of type.fieldsArray) {
    byName.set(field.name, field);
    byName.set(field.options?.json_name ? String(field.options.json_name) : lowerCamel(field.name), field);
  }
  const oneofSeen = new Map<string, string>();
  for (const [key, child] of Object.entries(value)) {
    const field = byName.get(key);
    const here = join(at, key);
    if (!field) {
      issues.push({ path: here, message: `unknown field "${key}" in ${name}` });
      continue;
    }
    if (field.partOf) {
      const other = oneofSeen.get(field.partOf.name);
      if (other !== undefined) {
        issues.push({ path: here, message: `oneof "${field.partOf.name}" already set by "${other}"` });
      }
      oneofSeen.set(field.partOf.name, key);
    }
    walkField(protos, field, child, here, issues);
  }
}

function walkField(
  protos: EnvoyProtoSet,
  field: protobuf.Field,
  value: unknown,
  at: string,
  issues: ConfigIssue[],
): void {
  if (field.map) {
    if (!isPlainObject(value)) {
      issues.push({ path: at, message: 'expected a map' });
      return;
    }
    for (const [k, v] of Object.entries(value)) walkSingle(protos, field, v, `${at}[${k}]`, issues);
    return;
  }
  if (field.repeated) {
    if (!Array.isArray(value)) {
      issues.push({ path: at, message: 'expected a list' });
      return;
    }
    value.forEach((v, i) => walkSingle(protos, field, v, `${at}[${i}]`, issues));
    return;
  }
  walkSingle(protos, field, value, at, issues);
}

function walkSingle(
  protos: EnvoyProtoSet,
  field: protobuf.Field,
  value: unknown,
  at: string,
  issues: ConfigIssue[],
): void {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) {
    walkMessage(protos, resolved, value, at, issues);
  } else if (resolved instanceof protobuf.Enum) {
    const ok =
      (typeof value === 'string' && value in resolved.values) ||
      (typeof value === 'number' && Object.values(resolved.values).includes(value));
    if (!ok) issues.push({ path: at, message: `"${String(value)}" is not a value of enum ${resolved.name}` });
  } else {
    const problem = checkScalar(field.type, value);
    if (problem) issues.push({ path: at, message: problem });
  }
}

function checkScalar(kind: string, value: unknown): string | null {
  const asNumber = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  if (INT32.has(kind) || UINT32.has(kind) || INT64.has(kind)) {
    if (typeof asNumber !== 'number' || !Number.isInteger(asNumber)) return `expected an integer (${kind})`;
    if ((UINT32.has(kind) || kind.startsWith('uint') || kind === 'fixed64') && asNumber < 0) {
      return `expected a non-negative integer (${kind})`;
    }
    if ((INT32.has(kind) || UINT32.has(kind)) && Math.abs(asNumber) > 0xffffffff)
      return `out of range (${kind})`;
    return null;
  }
  switch (kind) {
    case 'double':
    case 'float':
      return typeof value === 'number' || ['NaN', 'Infinity', '-Infinity'].includes(String(value))
        ? null
        : `expected a number (${kind})`;
    case 'bool':
      return typeof value === 'boolean' ? null : 'expected true or false';
    case 'string':
      return typeof value === 'string' ? null : 'expected a string';
    case 'bytes':
      return typeof value === 'string' && /^[A-Za-z0-9+/_-]*={0,2}$/.test(value)
        ? null
        : 'expected base64 bytes';
    default:
      return `unsupported scalar type ${kind}`;
  }
}

/** Proto3 JSON special forms; returns true when `name` is a well-known type and was handled. */
function walkWellKnown(
  protos: EnvoyProtoSet,
  name: string,
  value: unknown,
  at: string,
  issues: ConfigIssue[],
): boolean {
  const wrapped = WRAPPERS[name];
  if (wrapped) {
    const problem = checkScalar(wrapped, value);
    if (problem) issues.push({ path: at, message: problem });
    return true;
  }
  switch (name) {
    case 'google.protobuf.Duration':
      if (typeof value !== 'string' || !DURATION.test(value)) {
        issues.push({ path: at, message: `expected a duration like "0.25s", got ${JSON.stringify(value)}` });
      }
      return true;
    case 'google.protobuf.Timestamp':
      if (typeof value !== 'string' || !TIMESTAMP.test(value)) {
        issues.push({ path: at, message: 'expected an RFC 3339 timestamp' });
      }
      return true;
    case 'google.protobuf.Struct':
      if (!isPlainObject(value)) issues.push({ path: at, message: 'expected an object (Struct)' });
      return true;
    case 'google.protobuf.ListValue':
      if (!Array.isArray(value)) issues.push({ path: at, message: 'expected a list (ListValue)' });
      return true;
    case 'google.protobuf.Value':
      return true; // any JSON value
    case 'google.protobuf.FieldMask':
      if (typeof value !== 'string') issues.push({ path: at, message: 'expected a field mask string' });
      return true;
    case 'google.protobuf.Any':
      walkAny(protos, value, at, issues);
      return true;
    default:
      return false;
  }
}

function walkAny(protos: EnvoyProtoSet, value: unknown, at: string, issues: ConfigIssue[]): void {
  if (!isPlainObject(value) || typeof value['@type'] !== 'string') {
    issues.push({ path: at, message: 'expected an Any with an "@type"' });
    return;
  }
  const typeUrl = value['@type'];
  const typeName = typeUrl.slice(typeUrl.lastIndexOf('/') + 1);
  const inner = protos.lookup(typeName);
  if (!inner) {
    issues.push({
      path: join(at, '@type'),
      message: `"@type" ${typeUrl} does not resolve to a known message`,
    });
    return;
  }
  const { '@type': _drop, ...rest } = value;
  const innerName = inner.fullName.replace(/^\./, '');
  // A well-known type packed in an Any carries its JSON form in "value" (proto3 JSON mapping).
  const isWellKnown = innerName.startsWith('google.protobuf.') && innerName !== 'google.protobuf.Empty';
  walkMessage(protos, inner, isWellKnown ? rest['value'] : rest, at, issues);
}
