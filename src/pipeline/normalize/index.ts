/** Normalize: RawRequest -> Action. Splits the URL, reads the body as the upstream will, and asks the adapters. */
import { WritError } from '../errors.js';
import { AGENT_HEADER, SESSION_ID_HEADER, TENANT_HEADER } from '../headers.js';
import type { Action, Subject } from '../model/action.js';
import type { JsonValue } from '../model/json.js';
import type { RawRequest } from '../model/raw-request.js';
import type { Adapter, AdapterResult, ParsedRequest } from './adapter.js';
import { ADAPTERS } from './adapters/index.js';
import type { Authority, NormalizeMemo } from './normalize-memo.js';
import type { ShellReader } from '../shell/shell-reader.js';
import { emailDomain, hostMatches } from './host-pattern.js';
import { parseSpiffeId } from '../identity/spiffe-id.js';
import { decodeUtf8Strict, parseStrictJson } from './strict-json.js';
import { decodedBody } from './content-encoding.js';
import { parseMultipart } from './multipart.js';
import { matchMcpEndpoint, type McpEndpoint } from './mcp-endpoint.js';
import {
  atA2aEndpoint,
  DEFAULT_A2A_ENDPOINTS,
  parseA2aEndpoints,
  type A2aEndpoint,
} from './a2a/endpoints.js';
import { methodReadings, refusePathOverride } from './upstream-target.js';
import { DEFAULT_API_HOSTS, type ApiHostLists } from './api/api-hosts.js';

/** Settings normalization needs; they come from the policy set's named lists and the server config. */
export interface NormalizeConfig {
  /** Hosts and mail domains inside the trust boundary (exact or `*.suffix`). */
  readonly internalDomains: readonly string[];
  /** Database names that count as production, in canonical form (`canonicalResourceName`). */
  readonly productionDatabases: readonly string[];
  /** Trust `x-writ-agent` / `x-writ-tenant` / `x-writ-session` headers (only behind a proxy that sets them). */
  readonly trustAgentHeaders: boolean;
  /** The most bytes a body may decode to (Content-Encoding); default 8 MiB. */
  readonly maxBodyBytes?: number;
  /** Where MCP servers are reached (`lists.mcp_endpoints` or `--mcp-endpoints`); default: any host, path `/mcp`. */
  readonly mcpEndpoints?: readonly McpEndpoint[];
  /** Where A2A agents are reached (`lists.a2a_endpoints` or `--a2a-endpoints`); default: any host, `/a2a`, `/a2a/jsonrpc`. */
  readonly a2aEndpoints?: readonly A2aEndpoint[];
  /** The hosts of GitHub and GitLab (`lists.github_hosts`, `lists.gitlab_hosts`); default: the public services. */
  readonly apiHosts?: ApiHostLists;
  /** The pipeline's memos (authorities, principals); absent: every value is computed afresh. */
  readonly memo?: NormalizeMemo;
  /** The pipeline's command-line reader (shell/shell-reader.ts); absent: every line is read afresh. */
  readonly shell?: ShellReader;
}

/** The media type of a Content-Type header, lower-cased, without parameters. */
export function mediaType(contentType: string | undefined): string {
  const value = contentType ?? '';
  const semicolon = value.indexOf(';');
  return (semicolon === -1 ? value : value.slice(0, semicolon)).trim().toLowerCase();
}

/** True for `application/json` and `application/*+json`. */
export function isJsonMediaType(type: string): boolean {
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

const AUTHORITY = /^(\[[^\]]+\]|[^:]*)(?::(\d{1,5}))?$/;

/** A request authority as host (lower case) and port; throws ERR_BAD_REQUEST when malformed. */
export function parseAuthority(authority: string): Authority {
  const m = AUTHORITY.exec(authority);
  if (m === null) throw new WritError('ERR_BAD_REQUEST', `malformed authority "${authority.slice(0, 64)}"`);
  const host = (m[1] ?? '').toLowerCase();
  if (host.length === 0) throw new WritError('ERR_BAD_REQUEST', 'empty authority');
  return Object.freeze({ host, port: m[2] === undefined ? null : Number(m[2]) });
}

// A workload talks to a handful of upstreams: the pipeline's memo keeps them (normalize-memo.ts).
function splitAuthority(authority: string, memo: NormalizeMemo | undefined): Authority {
  return memo === undefined ? parseAuthority(authority) : memo.authorities.get(authority, parseAuthority);
}

// Frozen, so the empty values every request shares cannot be written to.
const NONE: readonly string[] = Object.freeze([]);
const NO_QUERY = Object.freeze(Object.create(null) as Record<string, readonly string[]>);

function parseQuery(query: string): Readonly<Record<string, readonly string[]>> {
  if (query.length === 0) return NO_QUERY;
  const out: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  for (const [k, v] of new URLSearchParams(query)) (out[k] ??= []).push(v);
  return out;
}

/**
 * A form body as the fields a server reads from it, `{name: value}` or `{name: [values]}` when a name repeats,
 * so inspectors see each value under its own name (a `host` field is judged as a host) instead of one string.
 */
function parseFormBody(text: string): JsonValue {
  const out: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  for (const [k, v] of new URLSearchParams(text)) {
    const seen = out[k];
    if (seen === undefined) out[k] = v;
    else if (typeof seen === 'string') out[k] = [seen, v];
    else seen.push(v);
  }
  return out;
}

/**
 * A text body that is a JSON document, parsed: many servers parse JSON whatever the content type says, so
 * its values are inspected under their names, unescaped, as such a server reads them. Null when it is not
 * strict JSON: the text is then inspected as one string, and nothing is refused (the declared type is not
 * JSON, so a lenient reading is the upstream's business, and the bytes are bound by the token anyway).
 */
function jsonInText(text: string): JsonValue | null {
  try {
    return parseStrictJson(text);
  } catch {
    return null;
  }
}

function parseBody(
  raw: RawRequest,
  bytes: Uint8Array,
  contentType: string,
  looksJson: boolean,
): { body: JsonValue; isJson: boolean } {
  if (bytes.length === 0) return { body: null, isJson: false };
  if (isJsonMediaType(contentType) || (contentType === '' && looksJson)) {
    return { body: parseStrictJson(decodeUtf8Strict(bytes)), isJson: true };
  }
  if (contentType === 'application/x-www-form-urlencoded') {
    return { body: parseFormBody(decodeUtf8Strict(bytes)), isJson: false };
  }
  if (contentType.startsWith('text/') || contentType === '') {
    return readText(decodeUtf8Strict(bytes), looksJson);
  }
  if (contentType === 'multipart/form-data') {
    const fields = parseMultipart(bytes, raw.headers['content-type'] ?? '');
    if (fields !== null) return { body: fields, isJson: false };
  }
  // Any other declared type is read as what its bytes are, since a server may read it so (XML, YAML, SQL,
  // multipart the strict reader could not split). Bytes that are not UTF-8 (images, archives) are bound by
  // hash but not inspected; policy can match on content type.
  let text: string;
  try {
    text = decodeUtf8Strict(bytes);
  } catch {
    return { body: null, isJson: false };
  }
  return readText(text, looksJson);
}

/**
 * A text body: a strict JSON document is JSON, for the inspectors and the adapters alike (a JSON-RPC call
 * sent as text/plain is still an MCP call); anything else is one string.
 */
function readText(text: string, looksJson: boolean): { body: JsonValue; isJson: boolean } {
  const parsed = looksJson ? jsonInText(text) : null;
  return parsed === null ? { body: text, isJson: false } : { body: parsed, isJson: true };
}

function subjectOf(raw: RawRequest, trustHeaders: boolean, memo: NormalizeMemo | undefined): Subject {
  const id = parseSpiffeId(raw.sourcePrincipal, memo?.spiffeIds);
  const agent = trustHeaders ? (raw.headers[AGENT_HEADER] ?? null) : null;
  return {
    spiffeId: id === null ? null : raw.sourcePrincipal,
    trustDomain: id?.trustDomain ?? null,
    namespace: id?.namespace ?? null,
    serviceAccount: id?.serviceAccount ?? null,
    agent: agent ?? id?.serviceAccount ?? null,
    tenant: trustHeaders ? (raw.headers[TENANT_HEADER] ?? null) : null,
    roles: NONE,
    scopes: NONE,
    authMethod: id === null ? 'none' : 'mtls',
    principal: id === null ? null : raw.sourcePrincipal,
  };
}

/** The decoded body's limit when the caller sets none (the CLI); the server passes its body limit. */
const DEFAULT_DECODED_BODY_BYTES = 8 * 1024 * 1024;

const DEFAULT_A2A = parseA2aEndpoints(DEFAULT_A2A_ENDPOINTS);

/** Builds the parsed view of a request shared by all adapters. Throws WritError on malformed input. */
export function parseRequest(
  raw: RawRequest,
  maxBodyBytes = DEFAULT_DECODED_BODY_BYTES,
  mcpEndpoints?: readonly McpEndpoint[],
  memo?: NormalizeMemo,
  a2aEndpoints: readonly A2aEndpoint[] = DEFAULT_A2A,
  shell?: ShellReader,
  apiHosts: ApiHostLists = DEFAULT_API_HOSTS,
): ParsedRequest {
  const q = raw.path.indexOf('?');
  const pathname = q === -1 ? raw.path : raw.path.slice(0, q);
  const { host, port } = splitAuthority(raw.authority, memo);
  const contentType = mediaType(raw.headers['content-type']);
  // What the upstream reads: the body with its Content-Encoding undone (the token binds the bytes as sent).
  const bytes = decodedBody(raw, maxBodyBytes);
  const first = bytes[0];
  const { body, isJson } = parseBody(raw, bytes, contentType, first === 0x7b || first === 0x5b);
  refusePathOverride(raw);
  const methods = methodReadings(raw, body);
  const scheme = raw.scheme || 'https';
  return {
    raw,
    method: methods.decided,
    methodReadings: methods.overrides.length === 0 ? [methods.wire] : [methods.wire, ...methods.overrides],
    scheme,
    host,
    port,
    pathname,
    mcpEndpoint: matchMcpEndpoint(mcpEndpoints, host, port, scheme, pathname),
    a2aEndpoint: atA2aEndpoint(a2aEndpoints, host, port, scheme, pathname),
    apiHosts,
    query: parseQuery(q === -1 ? '' : raw.path.slice(q + 1)),
    contentType,
    body,
    bodyIsJson: isJson,
    ...(shell === undefined ? {} : { shell }),
  };
}

/** The adapter that claims a parsed request (the generic HTTP adapter when no other does). */
export function selectAdapter(request: ParsedRequest, adapters: readonly Adapter[] = ADAPTERS): Adapter {
  for (const adapter of adapters) if (adapter.matches(request)) return adapter;
  throw new WritError('ERR_INTERNAL', 'no adapter matched (the registry must end with a catch-all)');
}

const NO_HINTS: NonNullable<AdapterResult['resource']> = Object.freeze({});

/** The recipients' mail domains outside the trust boundary, each once, in order of first mention. */
function externalDomains(
  recipients: readonly string[],
  internalDomains: readonly string[],
): readonly string[] {
  if (recipients.length === 0) return NONE;
  const out = new Set<string>();
  for (const r of recipients) {
    const domain = emailDomain(r);
    if (domain !== null && !hostMatches(domain, internalDomains)) out.add(domain);
  }
  return out.size === 0 ? NONE : [...out];
}

/** The action one adapter result describes (a request, or one message of a batch). */
function buildAction(
  raw: RawRequest,
  request: ParsedRequest,
  config: NormalizeConfig,
  result: AdapterResult,
): Action {
  // The wire method and every override are part of the action whatever adapter read the body.
  const action =
    request.methodReadings.length > 1
      ? { ...result.action, httpMethods: request.methodReadings }
      : result.action;
  const hints = result.resource ?? NO_HINTS;
  const recipients = hints.recipients ?? NONE;
  const database = hints.database ?? null;
  const hostExternal = !hostMatches(request.host, config.internalDomains);
  const externalRecipientDomains = externalDomains(recipients, config.internalDomains);
  const production = database !== null && config.productionDatabases.includes(database);
  const trust = config.trustAgentHeaders;
  return {
    subject: subjectOf(raw, trust, config.memo),
    action,
    resource: {
      uri: `${request.scheme}://${raw.authority}${raw.path}`,
      scheme: request.scheme,
      host: request.host,
      port: request.port,
      path: request.pathname,
      query: request.query,
      database,
      table: hints.table ?? null,
      filePath: hints.filePath ?? null,
      environment: hints.environment ?? (production ? 'production' : null),
      kind: hints.kind ?? null,
      id: hints.id ?? null,
      owner: hints.owner ?? null,
      recipients,
      externalRecipientDomains,
      external: hostExternal || externalRecipientDomains.length > 0,
      classification: null,
    },
    context: {
      requestId: raw.requestId,
      timeMs: raw.receivedAtMs,
      hops: 0,
      // SECURITY: never read here, whatever trustAgentHeaders says: `x-writ-origin` counts only from a
      // configured origin hop, which only the roles know (identity/trusted-hop.ts#withHopOrigin).
      origin: null,
      sessionId: trust ? (raw.headers[SESSION_ID_HEADER] ?? null) : null,
      bodySize: raw.body.length,
      contentType: request.contentType,
      role: raw.role,
      ...result.context,
    },
    payload: result.payload ?? request.body,
  };
}

/** Turns a raw request into the unified action model. Throws WritError on malformed input. */
export function normalizeRequest(
  raw: RawRequest,
  config: NormalizeConfig,
  adapters: readonly Adapter[] = ADAPTERS,
): Action {
  const request = parseRequest(
    raw,
    config.maxBodyBytes,
    config.mcpEndpoints,
    config.memo,
    config.a2aEndpoints ?? DEFAULT_A2A,
    config.shell,
    config.apiHosts,
  );
  const result = selectAdapter(request, adapters).normalize(request);
  const action = buildAction(raw, request, config, result);
  if (result.elements === undefined) return action;
  // A batch: each message is an action of its own, with the request's subject, resource and context.
  return { ...action, elements: result.elements.map((e) => buildAction(raw, request, config, e)) };
}
