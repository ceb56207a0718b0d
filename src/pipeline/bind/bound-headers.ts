/**
 * Which request headers an execution token binds, and the digest of them: every end-to-end header except a
 * named set the mesh itself adds or rewrites between the check and the verify role (docs/canonical-action.md).
 */
import { canonicalHost, hostMatches } from '../normalize/host-pattern.js';
import type { RawRequest } from '../model/raw-request.js';
import { canonicalJson } from './canonical-json.js';
import { sha256Base64url } from './digest.js';

/**
 * Headers the mesh adds, rewrites or consumes on the way from the check to the verify role, so binding them
 * would fail every token: request ids and trace context (every hop may set them), Envoy's own `x-envoy-*`,
 * the proxy chain (`x-forwarded-*`, `forwarded`), hop-by-hop and framing headers (RFC 9110 section 7.6.1;
 * `content-length` is re-framed between HTTP/1.1 and HTTP/2, and the body digest binds the bytes), `host`
 * (bound as the authority) and writ's own `x-writ-*` (the token itself, obligations writ re-emits from the
 * signed claims, identity headers writ consumes). A name ending in `*` is a prefix.
 */
export const MESH_HEADERS: readonly string[] = Object.freeze([
  'x-request-id',
  'x-envoy-*',
  'x-forwarded-*',
  'forwarded',
  'traceparent',
  'tracestate',
  'b3',
  'x-b3-*',
  'x-ot-span-context',
  'grpc-trace-bin',
  'x-cloud-trace-context',
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'content-length',
  'host',
  'x-writ-*',
]);

/** Extra unbound headers for the hosts a policy's `settings.unbound_headers` names (host pattern -> names). */
export interface UnboundHeaderRule {
  /** An exact host or a `*.suffix` glob, as in the policy lists. */
  readonly host: string;
  /** Lower-case header names; one ending in `*` is a prefix. */
  readonly names: readonly string[];
}

/** The headers a token for one host leaves unbound, and the id that names exactly that set. */
export interface HeaderSet {
  /** Sorted, de-duplicated names and prefixes (prefixes keep their trailing `*`). */
  readonly names: readonly string[];
  /** base64url SHA-256 of the JCS list of names, first 22 characters: part of the envelope version. */
  readonly id: string;
  readonly exact: ReadonlySet<string>;
  readonly prefixes: readonly string[];
}

/** A header name as RFC 9110 defines a token, lower-cased, optionally ending in `*` (a prefix). */
export const HEADER_NAME_PATTERN = /^[a-z0-9!#$%&'+.^_`|~-]+\*?$/;

function makeHeaderSet(names: Iterable<string>): HeaderSet {
  const sorted = [...new Set(names)].sort();
  return Object.freeze({
    names: Object.freeze(sorted),
    id: sha256Base64url(canonicalJson(sorted)).slice(0, 22),
    exact: new Set(sorted.filter((n) => !n.endsWith('*'))),
    prefixes: Object.freeze(sorted.filter((n) => n.endsWith('*')).map((n) => n.slice(0, -1))),
  });
}

/** The set every host gets when the policy names no extra headers for it. */
export const DEFAULT_HEADER_SET: HeaderSet = makeHeaderSet(MESH_HEADERS);

const MAX_HOSTS_PER_RULES = 1024;

/**
 * A policy set's `settings.unbound_headers`, built by the loader with the set and dropped with it: the
 * rules, and the header set of each host seen so far (a few hosts recur on every call; bounded, cleared
 * when full, so hosts an attacker churns cost a recompute, never memory).
 */
export class UnboundHeaderSets {
  readonly #byHost = new Map<string, HeaderSet>();

  constructor(readonly rules: readonly UnboundHeaderRule[]) {}

  /** The unbound header set for a request to `host` (already canonical, without its port). */
  forHost(host: string): HeaderSet {
    let set = this.#byHost.get(host);
    if (set === undefined) {
      const extra = this.rules.filter((r) => hostMatches(host, [r.host])).flatMap((r) => r.names);
      set = extra.length === 0 ? DEFAULT_HEADER_SET : makeHeaderSet([...MESH_HEADERS, ...extra]);
      if (this.#byHost.size >= MAX_HOSTS_PER_RULES) this.#byHost.clear();
      this.#byHost.set(host, set);
    }
    return set;
  }
}

/** The unbound header set for a request to `authority` under a policy's per-host rules. */
export function headerSetFor(authority: string, sets: UnboundHeaderSets | undefined): HeaderSet {
  if (sets === undefined || sets.rules.length === 0) return DEFAULT_HEADER_SET;
  const colon = authority.lastIndexOf(':');
  // The host without its port (an IPv6 literal keeps its brackets: the one matcher compares them as written).
  return sets.forHost(
    canonicalHost(colon > authority.lastIndexOf(']') ? authority.slice(0, colon) : authority),
  );
}

/** Whether a header is left unbound by `set` (pseudo-headers are bound as method, scheme, authority, path). */
export function isUnbound(name: string, set: HeaderSet): boolean {
  if (name.length === 0 || name.charCodeAt(0) === 58 /* ':' */ || set.exact.has(name)) return true;
  for (let i = 0; i < set.prefixes.length; i++) if (name.startsWith(set.prefixes[i]!)) return true;
  return false;
}

/**
 * The canonical header list: every bound header as `[name, value]`, names lower-cased (as the transport
 * hands them over), values exactly as sent, a repeated header as one entry with its values joined by `,` in
 * the order received (Envoy's own form), sorted by name in UTF-16 code-unit order.
 */
export function canonicalHeaderList(raw: RawRequest, set: HeaderSet): [string, string][] {
  const out: [string, string][] = [];
  const headers = raw.headers;
  for (const name in headers) {
    if (!isUnbound(name, set)) out.push([name, headers[name]!]);
  }
  out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return out;
}

/** What the envelope's `headers` member holds: the set's id and the digest of the canonical header list. */
export interface BoundHeaders {
  readonly set: string;
  readonly sha256: string;
}

/**
 * The bound headers of one request. Each role binds a request once (the check after its decision, the verify
 * role before its token check), so nothing is memoized here.
 */
export function boundHeaders(raw: RawRequest, rules: UnboundHeaderSets | undefined): BoundHeaders {
  const set = headerSetFor(raw.authority, rules);
  return Object.freeze({
    set: set.id,
    sha256: sha256Base64url(canonicalJson(canonicalHeaderList(raw, set))),
  });
}
