/** Every dimension a rule can match on (docs/policy.md lists them): name, type, and how to read it. */
import { SEVERITY_ORDER, severityRank, type Severity } from '../model/finding.js';
import { hostWithPort } from '../normalize/default-port.js';
import { emailDomain } from '../normalize/host-pattern.js';
import { sqlOperation } from '../normalize/sql-arguments.js';
import type { PolicyInput } from './policy-input.js';
import { LocalClock } from './local-clock.js';
import { shellArguments } from '../shell/read-shell.js';
import { bearerForOtherHost, HEADER_DIMENSION, requestHeader } from './request-headers.js';
import { mcpTokenAudience } from '../identity/mcp-token-audience.js';
import { argumentCommands } from './shell-commands.js';
import { shellValue, type ShellValue } from './shell-value.js';
import { UNTAINTED, type TaintFacts } from '../taint/taint-facts.js';
import { resourceUriArgument, withinRoots } from '../normalize/mcp/resource-roots.js';

export type DimensionType = 'string' | 'number' | 'boolean' | 'strings' | 'severity' | 'shell';
export type DimensionValue = string | number | boolean | readonly string[] | ShellValue | null;

export interface Dimension {
  readonly name: string;
  readonly type: DimensionType;
  readonly doc: string;
  readonly read: (input: PolicyInput, env: DimensionEnv) => DimensionValue;
}

/** Set-wide settings a dimension may need (the policy set's time zone). */
export interface DimensionEnv {
  readonly timezone: string;
  /** The set's own local-time memo (policy/local-clock.ts). */
  readonly clock: LocalClock;
}

/** The env of a policy set whose time zone is `timezone` (already checked to be a valid IANA name). */
export function dimensionEnv(timezone: string): DimensionEnv {
  return Object.freeze({ timezone, clock: new LocalClock(timezone) });
}

const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
/** maxSeverity with its memo key and `<prefix>.` built by the caller, once per condition. */
function highestSeverity(input: PolicyInput, prefix: string, dotted: string, key: string): Severity | null {
  // Most decisions have no findings: nothing to scan, and nothing worth remembering.
  if (input.findings.length === 0) return null;
  const cached = input.memo.get(key);
  if (cached !== undefined) return cached as Severity | null;
  let best = -1;
  for (const f of input.findings) {
    if (f.id === prefix || f.inspector === prefix || f.id.startsWith(dotted))
      best = Math.max(best, severityRank(f.severity));
  }
  const value = best < 0 ? null : (SEVERITY_ORDER[best] ?? null);
  input.memo.set(key, value);
  return value;
}

/** The highest severity among findings whose id starts with `prefix` (an inspector id or a finding id). */
export function maxSeverity(input: PolicyInput, prefix: string): Severity | null {
  return highestSeverity(input, prefix, `${prefix}.`, `sev:${prefix}`);
}

/** The programs the call's shell arguments start, parsed once per decision. */
function commands(input: PolicyInput): readonly string[] {
  const cached = input.memo.get('commands');
  if (cached !== undefined) return cached as readonly string[];
  const value = argumentCommands(input.action.action.arguments, input.shell);
  input.memo.set('commands', value);
  return value;
}

/** The memo's value for "the call carries no SQL" (a memo miss is `undefined`). */
const NO_SQL = Symbol('no sql');

/** What the SQL in the call's arguments does (null when it carries none), read once per decision. */
function sqlOperationOf(input: PolicyInput): string | null {
  const cached = input.memo.get('sql-operation');
  if (cached !== undefined) return cached === NO_SQL ? null : (cached as string);
  const value = sqlOperation(input.action.action.arguments);
  input.memo.set('sql-operation', value ?? NO_SQL);
  return value;
}

/** The call's command lines as bash reads them, once per decision; null when it has none. */
function shell(input: PolicyInput): ShellValue | null {
  const cached = input.memo.get('shell');
  if (cached !== undefined) return cached as ShellValue | null;
  const found = shellArguments(input.action.action.arguments, input.shell);
  const value = found.length === 0 ? null : shellValue(found.map((a) => a.reading));
  input.memo.set('shell', value);
  return value;
}

const SEVERITY_POINTS: Readonly<Record<Severity, number>> = {
  info: 0,
  low: 5,
  medium: 15,
  high: 40,
  critical: 80,
};

/** The session's taint as the check role read it; an input without it (a policy test) is untainted. */
const taintOf = (input: PolicyInput): TaintFacts => input.facts.taint ?? UNTAINTED;

const dim = (name: string, type: DimensionType, doc: string, read: Dimension['read']): Dimension => ({
  name,
  type,
  doc,
  read,
});

/** The fixed dimensions. `signals.<inspector>` and `signals.<inspector>.<kind>` are added dynamically. */
export const DIMENSIONS: readonly Dimension[] = [
  dim('subject.spiffe_id', 'string', 'the caller workload SPIFFE ID', (i) => i.action.subject.spiffeId),
  dim('subject.trust_domain', 'string', 'the SPIFFE trust domain', (i) => i.action.subject.trustDomain),
  dim(
    'subject.principal',
    'string',
    'who the caller is: the SPIFFE ID under mTLS, else jwt:<iss>/<sub> or api-key:<subject>',
    (i) => i.action.subject.principal,
  ),
  dim(
    'subject.namespace',
    'string',
    'the Kubernetes namespace from the SPIFFE ID',
    (i) => i.action.subject.namespace,
  ),
  dim(
    'subject.service_account',
    'string',
    'the Kubernetes service account from the SPIFFE ID',
    (i) => i.action.subject.serviceAccount,
  ),
  dim('subject.agent', 'string', 'the agent name', (i) => i.action.subject.agent),
  dim('subject.tenant', 'string', 'the tenant', (i) => i.action.subject.tenant),
  dim('subject.roles', 'strings', 'roles of the authenticated subject', (i) => i.action.subject.roles),
  dim('subject.scopes', 'strings', 'effective (narrowest) delegated scopes', (i) => i.action.subject.scopes),
  dim('subject.auth_method', 'string', 'mtls, jwt, api-key or none', (i) => i.action.subject.authMethod),
  dim(
    'subject.authenticated',
    'boolean',
    'true when the caller is authenticated: a trusted workload identity, a JWT or an API key',
    // authMethod, not spiffeId: a caller with a verified JWT or API key but no mTLS is authenticated.
    (i) => i.action.subject.authMethod !== 'none',
  ),
  dim(
    'action.adapter',
    'string',
    'the adapter that interpreted the call (http, mcp, ...)',
    (i) => i.action.action.adapter,
  ),
  dim('action.tool', 'string', 'the tool name (MCP tool, or "<METHOD> <host>")', (i) => i.action.action.tool),
  dim(
    'action.operation',
    'string',
    'read, write, delete, send, pay, exec, admin or unknown (never read for an operation writ does not know)',
    (i) => i.action.action.operation,
  ),
  dim(
    'action.api_operation',
    'string',
    "the API's own operation id a typed adapter read (repos/delete, chat.postMessage); null when none did",
    (i) => i.action.action.apiOperation ?? null,
  ),
  dim(
    'action.amount',
    'number',
    "a payment's amount in the currency's major unit (12.5 for 1250 cents); null when no payment",
    (i) => i.action.action.amount ?? null,
  ),
  dim(
    'action.currency',
    'string',
    "a payment's ISO 4217 currency, upper-case (EUR); null when no payment",
    (i) => i.action.action.currency ?? null,
  ),
  dim(
    'action.sql_operation',
    'string',
    'what the SQL in the arguments does, every statement in every dialect: read, write, delete, send, exec, admin or unknown (unreadable); null without SQL',
    (i) => sqlOperationOf(i),
  ),
  dim(
    'action.http_method',
    'string',
    "the method the upstream runs: the request's own, or a method override it carries",
    (i) => i.action.action.httpMethod,
  ),
  dim(
    'action.http_methods',
    'strings',
    'every reading of the method: the wire method, then each override the request carries',
    (i) => i.action.action.httpMethods ?? [i.action.action.httpMethod],
  ),
  dim(
    'action.command',
    'string',
    'the first program a command/cmd/script argument starts (as written, not resolved)',
    (i) => commands(i)[0] ?? null,
  ),
  dim(
    'action.commands',
    'strings',
    'every program a command/cmd/script argument starts, anywhere in the line as bash reads it',
    (i) => commands(i),
  ),
  dim(
    'action.shell',
    'shell',
    'the command lines of command/cmd/script arguments as bash reads them: programs, arguments, redirections',
    (i) => shell(i),
  ),
  dim(
    'action.mcp_method',
    'string',
    'the MCP JSON-RPC method (tools/call, tools/list, ...); for a result, the server request its shape answers',
    (i) => i.action.action.mcpMethod,
  ),
  dim(
    'action.mcp_kind',
    'string',
    'the kind of MCP message: request, notification, result, error, open-stream (GET) or end-session (DELETE); null off MCP',
    (i) => i.action.action.mcpKind ?? null,
  ),
  dim('resource.uri', 'string', 'the full request URI', (i) => i.action.resource.uri),
  dim('resource.scheme', 'string', 'the URI scheme', (i) => i.action.resource.scheme),
  dim(
    'resource.host',
    'string',
    "the destination host, lower-case; host:port when the port is not the scheme's default",
    // SECURITY: a rule on a host means its default port: github-read must not allow api.github.com:22.
    (i) => hostWithPort(i.action.resource.host, i.action.resource.port, i.action.resource.scheme),
  ),
  dim('resource.port', 'number', 'the destination port when given', (i) => i.action.resource.port),
  dim('resource.path', 'string', 'the request path without query', (i) => i.action.resource.path),
  dim(
    'resource.database',
    'string',
    'the database a tool call names (top level first, then nested): lower-case, trimmed, NFKC, invisible characters removed',
    (i) => i.action.resource.database,
  ),
  dim(
    'resource.table',
    'string',
    'the table a tool call or its SQL names, in the same form as the database',
    (i) => i.action.resource.table,
  ),
  dim('resource.file_path', 'string', 'the file path a tool call names', (i) => i.action.resource.filePath),
  dim(
    'resource.environment',
    'string',
    'the environment, in the same form (production when the database is listed as such)',
    (i) => i.action.resource.environment,
  ),
  dim(
    'resource.kind',
    'string',
    'what a typed adapter says the call acts on (repository, branch-protection, message, namespace); null otherwise',
    (i) => i.action.resource.kind,
  ),
  dim(
    'resource.id',
    'string',
    "the resource's id within its owner (the repository name, a channel id); null when the call does not say",
    (i) => i.action.resource.id,
  ),
  dim(
    'resource.owner',
    'string',
    'who owns the resource (GitHub owner, GitLab namespace, workspace), as sent; null when the call does not say',
    (i) => i.action.resource.owner,
  ),
  dim(
    'resource.classification',
    'string',
    'the data classification of the resource',
    (i) => i.action.resource.classification,
  ),
  dim(
    'resource.external',
    'boolean',
    'true when the host or a recipient is outside the trust boundary',
    (i) => i.action.resource.external,
  ),
  dim(
    'resource.recipients',
    'strings',
    'recipients of a send, lower-case, wherever the arguments name them (nested, in objects)',
    (i) => i.action.resource.recipients,
  ),
  dim('resource.recipient_domains', 'strings', 'the mail domains of the recipients', (i) =>
    i.action.resource.recipients.map((r) => emailDomain(r) ?? '').filter((d) => d.length > 0),
  ),
  dim(
    'resource.external_recipient_domains',
    'strings',
    'the mail domains of the recipients outside lists.internal_domains (an address with an empty domain counts, as "")',
    (i) => i.action.resource.externalRecipientDomains,
  ),
  dim('context.hops', 'number', 'delegation hops that led to this call', (i) => i.action.context.hops),
  dim(
    'context.actors',
    'strings',
    'the delegation chain principals, origin first and the caller last (empty without a chain)',
    (i) => i.action.context.actors ?? [],
  ),
  dim(
    'context.role',
    'string',
    'the listener the call arrived on: check, verify or inbound',
    (i) => i.action.context.role ?? null,
  ),
  dim(
    'context.origin',
    'string',
    'where the content driving the call came from',
    (i) => i.action.context.origin,
  ),
  dim('context.session', 'string', 'the agent session id', (i) => i.action.context.sessionId),
  dim('context.body_size', 'number', 'request body size in bytes', (i) => i.action.context.bodySize),
  dim('context.content_type', 'string', 'the request media type', (i) => i.action.context.contentType),
  dim(
    'context.time.hour',
    'number',
    'hour of day (0-23) in the policy time zone',
    (i, e) => e.clock.at(i).hour,
  ),
  dim(
    'context.time.weekday',
    'string',
    'day of week (mon..sun) in the policy time zone',
    (i, e) => e.clock.at(i).weekday,
  ),
  dim(
    'context.request_rate',
    'number',
    'calls per minute by this subject; null (never 0) until the pipeline measures it',
    (i) => i.facts.requestRate ?? null,
  ),
  dim('context.record_count', 'number', 'the largest record count an inspector reported', (i) =>
    i.findings.reduce((n, f) => Math.max(n, f.count ?? 0), 0),
  ),
  dim(
    'taint.tainted',
    'boolean',
    "true when the agent's session (agent session, MCP session, or the caller without one) read content that carried a finding, until an approver clears it or its TTL lapses",
    (i) => taintOf(i).tainted,
  ),
  dim(
    'taint.sources',
    'strings',
    'the servers whose responses tainted the session (host, with the port when not the default)',
    (i) => taintOf(i).servers,
  ),
  dim(
    'taint.tools',
    'strings',
    'the tools, resources or prompts whose responses tainted the session',
    (i) => taintOf(i).tools,
  ),
  dim(
    'taint.findings',
    'strings',
    'ids of the findings in the responses that tainted the session',
    (i) => taintOf(i).findings,
  ),
  dim(
    'taint.age',
    'number',
    'whole seconds since the most recent read that tainted the session; null when not tainted',
    (i) => taintOf(i).ageSeconds,
  ),
  dim(
    'taint.new_host',
    'boolean',
    'true in a tainted session when the destination host is none of the servers the session read the taint from',
    (i) => {
      const t = taintOf(i);
      if (!t.tainted) return false;
      const { host, port, scheme } = i.action.resource;
      return !t.servers.includes(hostWithPort(host, port, scheme));
    },
  ),
  dim('findings', 'strings', 'ids of every inspector finding', (i) => i.findings.map((f) => f.id)),
  dim(
    'risk.score',
    'number',
    'sum of finding severities (info 0, low 5, medium 15, high 40, critical 80), capped at 100',
    (i) =>
      Math.min(
        100,
        i.findings.reduce((n, f) => n + SEVERITY_POINTS[f.severity], 0),
      ),
  ),
  dim(
    'request.bearer_for_other_host',
    'boolean',
    'an Authorization Bearer JWT whose aud names hosts, none of them the destination host',
    (i) => bearerForOtherHost(i),
  ),
  dim(
    'request.mcp_token_audience',
    'string',
    "an MCP call's Authorization Bearer JWT against the server it is sent to (aud and resource claims): this-server, other, or unknown (no audience names a server or host); null when not MCP or no bearer JWT",
    (i) => mcpTokenAudience(i.action, requestHeader(i, 'authorization')),
  ),
  dim(
    'request.mcp_answers',
    'string',
    "a client's MCP response matched by id to the server request it answers in its session: that request's method (roots/list, sampling/createMessage, elicitation/create, ping, ...), or unmatched for an error without an id; null when not an answer or writ saw no server request in the session",
    (i) => i.facts.mcpAnswers ?? null,
  ),
  dim(
    'resource.within_roots',
    'boolean',
    'an MCP resources/read or resources/subscribe: whether params.uri lies within a root the client declared in its session (roots/list answers matched by id), judged as URIs (scheme and authority, whole path segments after dot segments are resolved and each segment decoded once); null when no roots are known or the call reads no resource',
    (i) => {
      const roots = i.facts.mcpRoots;
      if (roots === undefined) return null;
      const uri = resourceUriArgument(i.action.action.arguments);
      return uri === null ? null : withinRoots(uri, roots);
    },
  ),
  dim(
    'response.kind',
    'string',
    'in a response rule, what the upstream sent: the method it answers or asks (tools/call, resources/read, prompts/get, sampling/createMessage, elicitation/create, ...) or http',
    (i) => i.facts.response?.kind ?? null,
  ),
  dim(
    'response.status',
    'number',
    "in a response rule, the upstream's HTTP status",
    (i) => i.facts.response?.status ?? null,
  ),
];

const BY_NAME = new Map(DIMENSIONS.map((d) => [d.name, d] as const));
const SIGNAL = /^signals\.([a-z][a-z0-9-]*)(?:\.([a-z0-9][a-z0-9-]*))?$/;

/**
 * Looks a dimension up by name, including `signals.<inspector>[.<kind>]` (max severity found) and
 * `request.headers.<name>` (the header's value, null when absent; the name lower-case).
 */
export function findDimension(
  name: string,
  knownInspectors?: ReadonlySet<string>,
): Dimension | { error: string } {
  const fixed = BY_NAME.get(name);
  if (fixed !== undefined) return fixed;
  const m = SIGNAL.exec(name);
  if (m !== null) {
    const inspector = m[1] ?? '';
    if (knownInspectors !== undefined && !knownInspectors.has(inspector)) {
      return { error: `unknown inspector "${inspector}" in dimension "${name}"` };
    }
    const prefix = m[2] === undefined ? inspector : `${inspector}.${m[2]}`;
    const dotted = `${prefix}.`;
    const key = `sev:${prefix}`;
    return dim(name, 'severity', `highest severity of ${prefix} findings`, (i) =>
      highestSeverity(i, prefix, dotted, key),
    );
  }
  const h = HEADER_DIMENSION.exec(name);
  if (h !== null) {
    const header = h[1] ?? '';
    return dim(name, 'string', `the value of the request header ${header}, null when absent`, (i) =>
      requestHeader(i, header),
    );
  }
  if (name.startsWith('request.headers.'))
    return { error: `header name in dimension "${name}" must be a lower-case header name` };
  return { error: `unknown dimension "${name}"` };
}

/** The weekday names accepted in conditions. */
export const WEEKDAY_NAMES: readonly string[] = WEEKDAYS;
