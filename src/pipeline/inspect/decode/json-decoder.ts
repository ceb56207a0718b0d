/** JSON-in-a-string decoding: a value that is itself a JSON document yields one leaf per string inside it. */
import { INSPECTION_LIMITS, inspectionLimit } from '../../model/inspection-limits.js';
import { NO_PARTS, type Decoder, type DecodedPart } from './decoder.js';

const { maxDepth: MAX_DEPTH, maxDecodedLeaves: MAX_PARTS } = INSPECTION_LIMITS;
const SIMPLE_KEY = /^[A-Za-z_$][\w$-]*$/;

/** Every string and key of a parsed value; past the shared bounds it throws ERR_INSPECTION_LIMIT, never stops. */
function walk(value: unknown, path: string, key: string, out: DecodedPart[], depth: number): void {
  if (depth > MAX_DEPTH) throw inspectionLimit(`JSON in a string nests deeper than ${MAX_DEPTH} levels`);
  if (out.length > MAX_PARTS) throw inspectionLimit(`JSON in a string holds more than ${MAX_PARTS} strings`);
  if (typeof value === 'string') {
    out.push({ suffix: path, value, key });
    return;
  }
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    value.forEach((v, i) => walk(v, `${path}[${i}]`, '', out, depth + 1));
    return;
  }
  for (const k of Object.keys(value)) {
    const child = SIMPLE_KEY.test(k) ? `${path}.${k}` : `${path}[${JSON.stringify(k)}]`;
    out.push({ suffix: `${child}#key`, value: k, key: k.toLowerCase() });
    walk((value as Record<string, unknown>)[k], child, k.toLowerCase(), out, depth + 1);
  }
}

/** Parses a value that is a JSON object or array and returns its string leaves. */
export const jsonDecoder: Decoder = {
  name: 'json',
  decode(value: string): readonly DecodedPart[] {
    const t = value.trim();
    if (t.length < 2 || !((t.startsWith('{') && t.endsWith('}')) || (t.startsWith('[') && t.endsWith(']'))))
      return NO_PARTS;
    let parsed: unknown;
    try {
      parsed = JSON.parse(t);
    } catch {
      return NO_PARTS;
    }
    const out: DecodedPart[] = [];
    walk(parsed, '#json', '', out, 0);
    return out;
  },
};
