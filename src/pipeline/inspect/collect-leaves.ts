/** Collects every string leaf of an action once, so each inspector walks a flat list, not the tree. */
import type { Action } from '../model/action.js';
import { INSPECTION_LIMITS, inspectionLimit } from '../model/inspection-limits.js';
import type { JsonValue } from '../model/json.js';
import { pushHeaderLeaves } from './header-leaves.js';
import type { LeafSource, StringLeaf } from './inspector.js';

const { maxDepth: MAX_DEPTH, maxNodes: MAX_NODES } = INSPECTION_LIMITS;

/** The `decodedBy` of every original leaf: shared and frozen, since nothing appends to it in place. */
const NOT_DECODED: readonly string[] = Object.freeze([]);

const SIMPLE_KEY = /^[A-Za-z_$][\w$-]*$/;

function childPath(parent: string, key: string): string {
  return SIMPLE_KEY.test(key) ? `${parent}.${key}` : `${parent}[${JSON.stringify(key)}]`;
}

/** Values and keys walked so far: counted as the strict parser counts them (INSPECTION_LIMITS.maxNodes). */
interface Budget {
  nodes: number;
  /** Every `uri` member is an MCP resource identifier (the message is MCP's own, not a tool's arguments). */
  readonly resourceUris: boolean;
}

/**
 * Walks a JSON value depth-first, pushing its string leaves (numbers are not strings: no leaf).
 * SECURITY: it never stops early; a value deeper or larger than the parser accepts throws ERR_INSPECTION_LIMIT.
 */
function walk(
  value: JsonValue,
  path: string,
  key: string,
  source: LeafSource,
  out: StringLeaf[],
  depth: number,
  budget: Budget,
) {
  if (depth > MAX_DEPTH) throw inspectionLimit(`arguments nest deeper than ${MAX_DEPTH} levels at ${path}`);
  if (++budget.nodes > MAX_NODES)
    throw inspectionLimit(`arguments hold more than ${MAX_NODES} values and keys`);
  if (typeof value === 'string') {
    out.push({ path, key, value, source, decodedBy: NOT_DECODED });
    return;
  }
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    // Items carry the key of the property that holds the list: the items of `urls` are judged as URLs.
    for (let i = 0; i < value.length; i++)
      walk(value[i] as JsonValue, `${path}[${i}]`, key, source, out, depth + 1, budget);
    return;
  }
  for (const k of Object.keys(value)) {
    if (++budget.nodes > MAX_NODES)
      throw inspectionLimit(`arguments hold more than ${MAX_NODES} values and keys`);
    // PERF: the child's path and lower-cased key are built once for the key leaf and the value.
    const child = childPath(path, k);
    const key = k.toLowerCase();
    // Keys are attacker-controlled text too ("ignore previous instructions": 1).
    out.push({ path: `${child}#key`, key, value: k, source, decodedBy: NOT_DECODED });
    const item = value[k] as JsonValue;
    // Members named `uri` in MCP's own messages are resource identifiers (Resource, Root, ResourceLink,
    // EmbeddedResource, ResourceReference); in a tool's arguments a `uri` is whatever the tool makes of it.
    const itemSource = budget.resourceUris && key === 'uri' && typeof item === 'string' ? 'resource' : source;
    walk(item, child, key, itemSource, out, depth + 1, budget);
  }
}

/**
 * Every string in the action that an attacker could have chosen: arguments, URL parts, headers. Throws
 * ERR_INSPECTION_LIMIT (WritError) past INSPECTION_LIMITS instead of leaving anything out.
 */
export function collectLeaves(action: Action, headers: Readonly<Record<string, string>>): StringLeaf[] {
  const out: StringLeaf[] = [];
  const mcpOwn = action.action.mcpKind !== undefined && action.action.mcpMethod !== 'tools/call';
  walk(action.action.arguments, '$.action.arguments', '', 'arguments', out, 0, {
    nodes: 0,
    resourceUris: mcpOwn,
  });
  out.push({
    path: '$.resource.uri',
    key: 'uri',
    value: action.resource.uri,
    source: 'url',
    decodedBy: NOT_DECODED,
  });
  out.push({
    path: '$.resource.path',
    key: 'path',
    value: action.resource.path,
    source: 'url',
    decodedBy: NOT_DECODED,
  });
  let queryValues = 0;
  for (const [name, values] of Object.entries(action.resource.query)) {
    queryValues += values.length;
    if (queryValues > MAX_NODES) throw inspectionLimit(`the query holds more than ${MAX_NODES} values`);
    for (let i = 0; i < values.length; i++) {
      out.push({
        path: `${childPath('$.resource.query', name)}[${i}]`,
        key: name.toLowerCase(),
        value: values[i]!,
        source: 'query',
        decodedBy: NOT_DECODED,
      });
    }
  }
  // Every request header a tool may read: tools log and query User-Agent and Referer, act on Destination
  // or tenant headers; an injection in `x-search` is as much an injection as one in the body.
  pushHeaderLeaves(headers, out, NOT_DECODED);
  return out;
}

/**
 * The string leaves of one JSON value at `path` (a response's content), counted and bounded as the
 * arguments are: past INSPECTION_LIMITS it throws ERR_INSPECTION_LIMIT rather than leave anything out.
 */
export function collectValueLeaves(
  value: JsonValue,
  path: string,
  key: string,
  source: LeafSource,
  counted: { nodes: number } = { nodes: 0 },
): StringLeaf[] {
  const out: StringLeaf[] = [];
  // Response content is judged by what a model reads in it; its `uri` members are left as they are.
  const budget: Budget = { nodes: counted.nodes, resourceUris: false };
  walk(value, path, key, source, out, 0, budget);
  counted.nodes = budget.nodes;
  return out;
}
