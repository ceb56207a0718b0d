/**
 * RFC 8785 (JCS) serialization with a native fast path. JCS is ECMAScript's JSON.stringify with object
 * keys sorted by UTF-16 code units (section 3.2.3), so for a value whose keys are enumerated in that
 * order, JSON.stringify is the canonical text in one native pass (about 3x faster than the `canonicalize`
 * library here). Objects with unsorted keys are copied in key order first. Whatever cannot be put in
 * that form (integer-like keys, which V8 always enumerates first and JCS does not; non-plain objects;
 * undefined; non-finite numbers) goes to the library unchanged. The audit events and the canonical action
 * are built in key order; test/bind/canonical-json.prop.test.ts holds this equal to the library.
 */
import { createRequire } from 'node:module';

// canonicalize ships CommonJS whose typings declare an ESM default; require() sidesteps the mismatch.
const canonicalize = createRequire(import.meta.url)('canonicalize') as (value: unknown) => string | undefined;

/** Deeper values take the library's path (strict JSON input is depth-limited long before this). */
const MAX_FAST_DEPTH = 64;

const UNSUPPORTED = Symbol('unsupported');

/**
 * The value itself when JSON.stringify already gives its RFC 8785 form, a copy with object keys in
 * code-unit order when only the order was wrong, or UNSUPPORTED.
 */
function canonicalView(value: unknown, depth: number): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : UNSUPPORTED;
    case 'object':
      break;
    default:
      return UNSUPPORTED; // undefined, functions, symbols, bigints: the library decides what they mean
  }
  if (value === null) return value;
  if (depth >= MAX_FAST_DEPTH) return UNSUPPORTED;
  if (Array.isArray(value)) {
    let copy: unknown[] | null = null;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const view = canonicalView(item, depth + 1);
      if (view === UNSUPPORTED) return UNSUPPORTED;
      if (view !== item && copy === null) copy = value.slice(0, i);
      if (copy !== null) copy.push(view);
    }
    return copy ?? value;
  }
  // Only plain objects: a Date, a Buffer or anything with toJSON serializes by its own rules.
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return UNSUPPORTED;
  const record = value as Record<string, unknown>;
  if (typeof record['toJSON'] === 'function') return UNSUPPORTED;
  const keys = Object.keys(record);
  let sorted = true;
  // Views of the members, kept only once one of them differs from its member (the rare path).
  let views: unknown[] | null = null;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    if (i > 0 && !((keys[i - 1] as string) < key)) sorted = false;
    const item = record[key];
    const view = canonicalView(item, depth + 1);
    if (view === UNSUPPORTED) return UNSUPPORTED;
    if (view !== item && views === null) views = keys.slice(0, i).map((k) => record[k]);
    if (views !== null) views.push(view);
  }
  if (sorted && views === null) return value;
  const members = views ?? keys.map((k) => record[k]);
  const order = keys.map((_, i) => i);
  if (!sorted) order.sort((a, b) => ((keys[a] as string) < (keys[b] as string) ? -1 : 1));
  // A null prototype: a "__proto__" member stays a member instead of setting a prototype.
  const copy = Object.create(null) as Record<string, unknown>;
  for (const i of order) copy[keys[i] as string] = members[i];
  // V8 lists integer-like keys first whatever the insertion order; such an object cannot take this path.
  const enumerated = Object.keys(copy);
  for (let i = 1; i < enumerated.length; i++)
    if (!((enumerated[i - 1] as string) < (enumerated[i] as string))) return UNSUPPORTED;
  return copy;
}

/** The RFC 8785 serialization of a JSON value. Throws on a value with no JSON form (NaN, Infinity). */
export function canonicalJson(value: unknown): string {
  const view = canonicalView(value, 0);
  if (view !== UNSUPPORTED) return JSON.stringify(view);
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('value has no JSON serialization');
  return text;
}
