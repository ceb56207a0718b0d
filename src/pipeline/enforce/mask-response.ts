/**
 * Response masking for the `mask` obligation: named fields (a key anywhere, or a `$.a.b[*].c` path)
 * are replaced, then personal data the pii detector finds in any remaining string is redacted.
 * Pure: bytes in, bytes out; the ext_proc transport feeds it Envoy's buffered response body.
 */
import { findPii } from '../inspect/lib/pii-patterns.js';
import { findSecrets } from '../inspect/lib/secret-patterns.js';
import { isJsonObject, type JsonValue } from '../model/json.js';
import { decodeUtf8Strict, parseStrictJson } from '../normalize/strict-json.js';

/** What a masked field's value becomes. */
export const MASKED = '[masked]';

/** The result of masking one body. */
export interface MaskResult {
  readonly body: Buffer;
  /** Fields replaced by name or path. */
  readonly fields: number;
  /** Personal values redacted inside strings. */
  readonly pii: number;
  /** True when the body was not JSON and only text redaction applied; or could not be read at all. */
  readonly mode: 'json' | 'text' | 'withheld';
}

type Step = { readonly key: string } | { readonly any: true };

/** Parses `$.a.b[*].c` / `$.a[0]` into steps; null for a plain field name or a path it cannot read. */
function parsePath(spec: string): Step[] | null {
  if (!spec.startsWith('$')) return null;
  const steps: Step[] = [];
  const re = /\.([A-Za-z0-9_-]+)|\[(\*|\d+)\]|\['([^']*)'\]/y;
  let pos = 1;
  while (pos < spec.length) {
    re.lastIndex = pos;
    const m = re.exec(spec);
    if (m === null) return null;
    if (m[1] !== undefined) steps.push({ key: m[1] });
    else if (m[2] === '*') steps.push({ any: true });
    else steps.push({ key: m[2] ?? m[3] ?? '' });
    pos = re.lastIndex;
  }
  return steps;
}

/** The field name a spec falls back to when it is not a readable path: masking more, never less. */
function fallbackName(spec: string): string {
  return (
    spec
      .split(/[.[\]'$*]+/)
      .filter((x) => x !== '')
      .pop() ?? spec
  ).toLowerCase();
}

function maskPath(value: JsonValue, steps: readonly Step[], i: number): { value: JsonValue; n: number } {
  if (i === steps.length) return { value: MASKED, n: 1 };
  const step = steps[i]!;
  if (Array.isArray(value)) {
    let n = 0;
    const out = value.map((v, idx) => {
      if (!('any' in step) && step.key !== String(idx)) return v;
      const r = maskPath(v, steps, i + 1);
      n += r.n;
      return r.value;
    });
    return { value: out, n };
  }
  if (isJsonObject(value)) {
    let n = 0;
    const out: { [k: string]: JsonValue } = {};
    for (const k of Object.keys(value)) {
      const v = value[k]!;
      if ('any' in step || step.key === k) {
        const r = maskPath(v, steps, i + 1);
        n += r.n;
        out[k] = r.value;
      } else out[k] = v;
    }
    return { value: out, n };
  }
  return { value, n: 0 };
}

/** Redacts personal values in one string. */
export function redactPiiText(text: string): { text: string; n: number } {
  // ip-address is operational data in most tool responses (info severity); everything else is redacted.
  const matches = findPii(text).filter((m) => m.kind !== 'ip-address');
  if (matches.length === 0) return { text, n: 0 };
  let out = text;
  let n = 0;
  // Longest first, so a card number is not half-redacted as a phone number.
  for (const m of [...matches].sort((a, b) => b.match.length - a.match.length)) {
    if (!out.includes(m.match)) continue;
    out = out.split(m.match).join(`[redacted:${m.kind}]`);
    n++;
  }
  return { text: out, n };
}

/** Redacts credentials (the secrets inspector's formats) in one string. */
export function redactSecretsText(text: string): { text: string; n: number } {
  const matches = findSecrets(text);
  if (matches.length === 0) return { text, n: 0 };
  let out = text;
  let n = 0;
  for (const m of [...matches].sort((a, b) => b.match.length - a.match.length)) {
    if (!out.includes(m.match)) continue;
    out = out.split(m.match).join(`[redacted:${m.kind}]`);
    n++;
  }
  return { text: out, n };
}

/** What else masking redacts in every string, besides personal data. */
export interface MaskOptions {
  /** Credentials too (a response rule's `mask`); an obligation's mask redacts personal data only. */
  readonly secrets?: boolean;
}

/** Personal data (and credentials, when asked) redacted in one string; `n` counts both. */
function redactText(text: string, opts: MaskOptions): { text: string; n: number } {
  const pii = redactPiiText(text);
  if (opts.secrets !== true) return pii;
  const secrets = redactSecretsText(pii.text);
  return { text: secrets.text, n: pii.n + secrets.n };
}

function walk(
  value: JsonValue,
  names: ReadonlySet<string>,
  depth: number,
  opts: MaskOptions = {},
): { value: JsonValue; fields: number; pii: number } {
  if (typeof value === 'string') {
    const r = redactText(value, opts);
    return { value: r.text, fields: 0, pii: r.n };
  }
  if (depth > 256 || value === null || typeof value !== 'object') return { value, fields: 0, pii: 0 };
  let fields = 0;
  let pii = 0;
  if (Array.isArray(value)) {
    const out = value.map((v) => {
      const r = walk(v, names, depth + 1, opts);
      fields += r.fields;
      pii += r.pii;
      return r.value;
    });
    return { value: out, fields, pii };
  }
  const out: { [k: string]: JsonValue } = {};
  for (const k of Object.keys(value)) {
    if (names.has(k.toLowerCase())) {
      out[k] = MASKED;
      fields++;
      continue;
    }
    const r = walk(value[k]!, names, depth + 1, opts);
    fields += r.fields;
    pii += r.pii;
    out[k] = r.value;
  }
  return { value: out, fields, pii };
}

/**
 * Masks a parsed value: named fields and paths replaced, personal data (and credentials, when asked)
 * redacted in every remaining string. Never throws.
 */
export function maskJsonValue(
  value: JsonValue,
  mask: readonly string[],
  opts: MaskOptions = {},
): { value: JsonValue; fields: number; pii: number } {
  let parsed = value;
  let fields = 0;
  const names = new Set<string>();
  for (const spec of mask) {
    const steps = parsePath(spec);
    if (steps === null) names.add(spec.startsWith('$') ? fallbackName(spec) : spec.toLowerCase());
    else if (steps.length > 0) {
      const r = maskPath(parsed, steps, 0);
      parsed = r.value;
      fields += r.n;
    }
  }
  const r = walk(parsed, names, 0, opts);
  return { value: r.value, fields: fields + r.fields, pii: r.pii };
}

/** Masks a response body for the given mask obligation (field names and JSON paths). Never throws. */
export function maskResponseBody(
  body: Uint8Array,
  mask: readonly string[],
  opts: MaskOptions = {},
): MaskResult {
  let text: string;
  try {
    text = decodeUtf8Strict(body);
  } catch {
    // SECURITY: bytes writ cannot read cannot be shown to be free of the masked data.
    return {
      body: Buffer.from('{"error":"writ: response withheld: body could not be masked"}'),
      fields: 0,
      pii: 0,
      mode: 'withheld',
    };
  }
  let parsed: JsonValue;
  try {
    parsed = parseStrictJson(text);
  } catch {
    const r = redactText(text, opts);
    return { body: Buffer.from(r.text, 'utf8'), fields: 0, pii: r.n, mode: 'text' };
  }
  const r = maskJsonValue(parsed, mask, opts);
  return {
    body: Buffer.from(JSON.stringify(r.value), 'utf8'),
    fields: r.fields,
    pii: r.pii,
    mode: 'json',
  };
}
