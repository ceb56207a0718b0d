/**
 * A method-and-path table (OpenAPI-style templates, `/repos/{owner}/{repo}`) compiled once into a segment trie,
 * and the one matcher every REST family uses: percent-decoding, empty segments and case are read here alone.
 */
import type { OperationClass } from '../../model/action.js';

/** One operation of an API: its method, path template, own id, class and resource kind. */
export interface Route {
  /** Upper-case HTTP method. */
  readonly method: string;
  /** The path template: literal segments and `{param}` segments (`{name}.json`-style mixes allowed). */
  readonly path: string;
  /** The API's own operation id (`repos/delete`). */
  readonly id: string;
  readonly operation: OperationClass;
  /** What the operation acts on (`repository`, `branch-protection`), null when the family does not say. */
  readonly kind: string | null;
}

/** A route and the values its template's parameters took, decoded. */
export interface RouteMatch {
  readonly route: Route;
  readonly params: Readonly<Record<string, string>>;
}

interface PatternEdge {
  readonly pattern: RegExp;
  readonly names: readonly string[];
  readonly node: TrieNode;
}

interface ParamEdge {
  readonly name: string;
  /** The parameter may span several segments (`{path}` of a file, `{ref}` of `heads/main`). */
  readonly greedy: boolean;
  readonly node: TrieNode;
}

interface TrieNode {
  readonly literals: Map<string, TrieNode>;
  readonly patterns: PatternEdge[];
  readonly params: ParamEdge[];
  readonly routes: Map<string, Route>;
}

/** A compiled table; `match` is pure and bounded. */
export interface RouteTable {
  /** How many routes the table holds (the spec-coverage tests count them). */
  readonly size: number;
  /** The route a method and raw path name, or null when none does (the family's unknown operation). */
  match(method: string, pathname: string): RouteMatch | null;
}

/** Options of a table: which parameters may span segments. */
export interface RouteTableOptions {
  /** Parameter names whose values may hold `/` unencoded (`path`, `ref`). */
  readonly greedyParams?: readonly string[];
}

/** A path longer than this many segments names no route (an unknown operation, never a read). */
export const MAX_ROUTE_SEGMENTS = 64;
/** A longer segment names no route (names and refs are short; a long one only makes patterns slow). */
export const MAX_SEGMENT_CHARS = 1024;
/** Match steps before the matcher gives up (greedy parameters backtrack): an unknown operation, never a read. */
const MAX_MATCH_STEPS = 4096;

const PARAM = /^\{([A-Za-z0-9_.-]+)\}$/;
const PARAM_IN_SEGMENT = /\{([A-Za-z0-9_.-]+)\}/g;
const REGEX_SPECIAL = /[.*+?^${}()|[\]\\]/g;

const newNode = (): TrieNode => ({ literals: new Map(), patterns: [], params: [], routes: new Map() });

function templateSegments(path: string): string[] {
  return path.split('/').filter((s) => s.length > 0);
}

function patternEdge(segment: string, node: TrieNode): PatternEdge {
  const names: string[] = [];
  let source = '';
  let last = 0;
  for (const m of segment.matchAll(PARAM_IN_SEGMENT)) {
    source += segment.slice(last, m.index).replace(REGEX_SPECIAL, '\\$&');
    source += '(.+?)';
    names.push(m[1] ?? '');
    last = m.index + m[0].length;
  }
  source += segment.slice(last).replace(REGEX_SPECIAL, '\\$&');
  // Literal parts match in any case, as literal segments do; the values keep the case they were sent in.
  return { pattern: new RegExp(`^${source}$`, 'is'), names, node };
}

function insert(root: TrieNode, route: Route, greedy: ReadonlySet<string>): void {
  let node = root;
  for (const segment of templateSegments(route.path)) {
    const param = PARAM.exec(segment);
    if (param !== null) {
      const name = param[1] ?? '';
      let edge = node.params.find((e) => e.name === name);
      if (edge === undefined) {
        edge = { name, greedy: greedy.has(name), node: newNode() };
        node.params.push(edge);
      }
      node = edge.node;
    } else if (segment.includes('{')) {
      const template = patternEdge(segment, newNode());
      let edge = node.patterns.find((e) => e.pattern.source === template.pattern.source);
      if (edge === undefined) {
        edge = template;
        node.patterns.push(edge);
      }
      node = edge.node;
    } else {
      const key = segment.toLowerCase();
      let next = node.literals.get(key);
      if (next === undefined) {
        next = newNode();
        node.literals.set(key, next);
      }
      node = next;
    }
  }
  // INVARIANT: one route per method and template; a spec listing two is a generator bug, kept first-wins.
  if (!node.routes.has(route.method)) node.routes.set(route.method, route);
}

/**
 * The decoded segments of a raw path, or null when the path cannot name a route: not absolute, bad
 * percent-encoding, a dot segment, a NUL, too many segments or too long a one. Empty segments (`//`, a trailing `/`) are
 * dropped, as the routers of the APIs in question do; SECURITY: every null is read as an unknown operation,
 * which is never a read and, for an unsafe method, the family's most dangerous class.
 */
export function pathSegments(pathname: string): string[] | null {
  if (!pathname.startsWith('/')) return null;
  const raw = pathname.split('/');
  if (raw.length > MAX_ROUTE_SEGMENTS + 2) return null;
  const out: string[] = [];
  for (const part of raw) {
    if (part.length === 0) continue;
    if (part.length > MAX_SEGMENT_CHARS) return null;
    let decoded: string;
    try {
      decoded = decodeURIComponent(part);
    } catch {
      return null;
    }
    if (decoded === '.' || decoded === '..' || decoded.includes('\0')) return null;
    out.push(decoded);
  }
  return out.length > MAX_ROUTE_SEGMENTS ? null : out;
}

/** Compiles routes into a table. Throws TypeError on a template that is not absolute (a generator bug). */
export function compileRoutes(routes: readonly Route[], options: RouteTableOptions = {}): RouteTable {
  const root = newNode();
  const greedy = new Set(options.greedyParams ?? []);
  for (const route of routes) {
    if (!route.path.startsWith('/')) throw new TypeError(`route path "${route.path}" is not absolute`);
    insert(root, route, greedy);
  }
  return {
    size: routes.length,
    match(method, pathname) {
      const segments = pathSegments(pathname);
      if (segments === null) return null;
      const budget = { steps: MAX_MATCH_STEPS };
      const wanted = method.toUpperCase();
      const found = walk(root, segments, 0, wanted, {}, budget);
      // HEAD is GET without a body (RFC 9110 section 9.3.2) where the API lists no HEAD of its own.
      if (found === null && wanted === 'HEAD') return walk(root, segments, 0, 'GET', {}, budget);
      return found;
    },
  };
}

/**
 * Depth-first: literal segments before patterns, patterns before parameters, a one-segment parameter before a
 * spanning one; the first complete match wins. Bounded by `budget` (a hostile path cannot make it slow).
 */
function walk(
  node: TrieNode,
  segments: readonly string[],
  i: number,
  method: string,
  params: Readonly<Record<string, string>>,
  budget: { steps: number },
): RouteMatch | null {
  if (--budget.steps < 0) return null;
  if (i === segments.length) {
    const route = node.routes.get(method);
    return route === undefined ? null : { route, params };
  }
  const segment = segments[i] ?? '';
  const literal = node.literals.get(segment.toLowerCase());
  if (literal !== undefined) {
    const m = walk(literal, segments, i + 1, method, params, budget);
    if (m !== null) return m;
  }
  for (const edge of node.patterns) {
    const m = edge.pattern.exec(segment);
    if (m === null) continue;
    const bound: Record<string, string> = { ...params };
    edge.names.forEach((name, k) => (bound[name] = m[k + 1] ?? ''));
    const found = walk(edge.node, segments, i + 1, method, bound, budget);
    if (found !== null) return found;
  }
  for (const edge of node.params) {
    const found = walk(edge.node, segments, i + 1, method, { ...params, [edge.name]: segment }, budget);
    if (found !== null) return found;
  }
  for (const edge of node.params) {
    if (!edge.greedy) continue;
    for (let j = i + 2; j <= segments.length; j++) {
      const value = segments.slice(i, j).join('/');
      const found = walk(edge.node, segments, j, method, { ...params, [edge.name]: value }, budget);
      if (found !== null) return found;
    }
  }
  return null;
}
