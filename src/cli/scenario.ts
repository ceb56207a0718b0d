/** Scenario files (scenarios/**.yaml): a request in friendly form, and what writ must decide. Shared by demo and tests. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { CheckRequest } from '../extauthz/envoy-types.js';

export const DEFAULT_PRINCIPAL = 'spiffe://cluster.local/ns/agents/sa/support-assistant';
export const DEFAULT_MCP_AUTHORITY = 'mcp.tools.svc.cluster.local';

export interface ScenarioRequest {
  readonly principal?: string;
  readonly method?: string;
  readonly scheme?: string;
  readonly authority?: string;
  readonly path?: string;
  readonly headers?: Record<string, string>;
  /** An MCP tools/call: becomes a JSON-RPC body POSTed to /mcp. */
  readonly mcp?: { readonly tool: string; readonly arguments: unknown };
  /** A JSON body. */
  readonly json?: unknown;
  /** A raw text body. */
  readonly body?: string;
  /** A JSON body of `count` synthetic customer records under `key`. */
  readonly generate?: { readonly key: string; readonly count: number };
  /** The listener the request goes to; default `check` (scenarios/identity uses `inbound` too). */
  readonly role?: 'check' | 'inbound';
  /**
   * Tokens the runner mints with its test issuer at run time, since a signed token cannot live in a file:
   * `delegation` becomes `x-writ-delegation-chain` (origin first), `session` `x-writ-session-token`,
   * `bearer` `authorization: Bearer`.
   */
  readonly delegation?: readonly ScenarioHop[];
  readonly session?: ScenarioToken;
  readonly bearer?: ScenarioToken;
}

/** One delegation hop to mint: `sub` delegates to `act` with `scope` (space-separated). */
export interface ScenarioHop {
  readonly sub: string;
  readonly act: string;
  readonly scope?: string;
}

/** A JWT to mint for `sub`, with an optional `scope`. */
export interface ScenarioToken {
  readonly sub: string;
  readonly scope?: string;
}

/** What one decision must look like. Fields left out are not checked. */
export interface ScenarioExpect {
  readonly decision: string;
  readonly code?: string;
  readonly rules?: readonly string[];
  readonly rules_include?: readonly string[];
  /** Inspector ids (or finding id prefixes) that must be among the findings; [] means none at all. */
  readonly findings?: readonly string[];
  readonly http_status?: number;
  readonly token?: boolean;
  /** Fields the deny body must carry (matched as a subset), e.g. `approvers`. */
  readonly body?: Readonly<Record<string, unknown>>;
  /** What the decision's audit record (found by trace id) must carry. */
  readonly audit?: ScenarioAuditExpect;
}

/** Fields of the audit decision event a scenario pins down (docs/audit.md). */
export interface ScenarioAuditExpect {
  readonly code?: string;
  readonly decision?: string;
  readonly role?: string;
  readonly rules?: readonly string[];
  readonly rules_include?: readonly string[];
  /** Finding ids or prefixes that must be in the record's `findings`. */
  readonly findings?: readonly string[];
  readonly tool?: string;
  /** Whether the record names a token id (an allowed call) or not. */
  readonly token?: boolean;
  /** Whether the record carries obligations. */
  readonly obligations?: boolean;
  /**
   * ext_proc steps: the type of the event the step must append (`tools.pinned`,
   * `ext_proc.tool_list_blocked`, `ext_proc.response_masked`), and fields it must carry (matched as a subset).
   */
  readonly event?: string;
  readonly match?: Readonly<Record<string, unknown>>;
}

/**
 * An exchange on the response path: the step's request (the scenario's by default) goes through writ's
 * ext_proc role as Envoy forwards it, and the upstream answers with `response_body`. `expect.decision` is
 * ALLOW when the response passes and DENY when writ withholds it (with `code` and `http_status`).
 */
export interface ScenarioExtProc {
  /** The upstream's answer: a string as is, anything else as JSON. */
  readonly response_body: unknown;
  /** Default `application/json`. */
  readonly response_content_type?: string;
}

/**
 * A later step of a multi-call scenario (scenarios/owasp): optionally advance the clock or have an approver
 * decide the approval the previous step created, then send a request (the scenario's own by default).
 */
export interface ScenarioStep {
  readonly name: string;
  /** The listener: check (default), verify (the tool side) or inbound. */
  readonly via?: 'check' | 'verify' | 'inbound';
  readonly request?: ScenarioRequest;
  /** Send the request through the ext_proc role instead, with this upstream answer. */
  readonly ext_proc?: ScenarioExtProc;
  /** `previous`: send the execution token the last allowed step received (x-writ-token). */
  readonly token?: 'previous';
  /** Send the request this many times; every answer must match `expect`. */
  readonly repeat?: number;
  /** Seconds to move the clock forward first. */
  readonly advance_s?: number;
  /** An approver decides the approval the last REQUIRE_APPROVAL step created, before the request is sent. */
  readonly approve?: {
    readonly decision: 'approve' | 'deny';
    /** What the approver is shown (the approval record): tool, arguments text, finding ids. */
    readonly shows?: {
      readonly tool?: string;
      readonly arguments_include?: readonly string[];
      readonly findings?: readonly string[];
    };
  };
  readonly expect: ScenarioExpect;
}

export interface Scenario {
  readonly file: string;
  readonly name: string;
  /** ISO instant the decision is made at (tests inject it; a live server uses its own clock). */
  readonly at?: string;
  readonly request: ScenarioRequest;
  readonly expect: ScenarioExpect;
  /** OWASP Agentic Top 10 (2026) items the scenario evidences (scenarios/owasp). */
  readonly owasp?: readonly string[];
  /** MITRE ATLAS technique ids the scenario exercises. */
  readonly atlas?: readonly string[];
  /** What, precisely, the scenario shows writ does. */
  readonly covers?: string;
  /** `pending`: the feature is not built yet; runners report the scenario as pending, never as passing. */
  readonly status?: 'pending';
  readonly pending_reason?: string;
  /** The first call is an ext_proc exchange of `request` instead of a Check. */
  readonly ext_proc?: ScenarioExtProc;
  /** Further calls after the first, in order. */
  readonly steps?: readonly ScenarioStep[];
}

/** Loads every scenario file of a folder, sorted by name. */
export function loadScenarios(dir: string): Scenario[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => ({
      file: join(dir, f),
      ...(parse(readFileSync(join(dir, f), 'utf8')) as Omit<Scenario, 'file'>),
    }));
}

/** The exact body bytes a scenario sends. */
export function scenarioBody(r: ScenarioRequest): Buffer {
  if (r.mcp !== undefined) {
    return Buffer.from(
      JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: { name: r.mcp.tool, arguments: r.mcp.arguments },
      }),
    );
  }
  if (r.generate !== undefined) {
    const records = Array.from({ length: r.generate.count }, (_, i) => ({
      id: i + 1,
      name: `Customer ${i + 1}`,
      email: `customer${i + 1}@example.com`,
    }));
    return Buffer.from(JSON.stringify({ [r.generate.key]: records }));
  }
  if (r.json !== undefined) return Buffer.from(JSON.stringify(r.json));
  return Buffer.from(r.body ?? '');
}

/** The Envoy CheckRequest for a scenario (what Envoy sends with with_request_body and pack_as_bytes). */
export function scenarioCheckRequest(
  r: ScenarioRequest,
  extraHeaders: Record<string, string> = {},
): CheckRequest {
  const body = scenarioBody(r);
  const isMcp = r.mcp !== undefined;
  const method = r.method ?? (isMcp ? 'POST' : body.length > 0 ? 'POST' : 'GET');
  const headers: Record<string, string> = {
    ':authority': r.authority ?? DEFAULT_MCP_AUTHORITY,
    ':method': method,
    ':path': r.path ?? (isMcp ? '/mcp' : '/'),
    'x-request-id': `demo-${Math.random().toString(16).slice(2)}`,
    ...(body.length > 0 ? { 'content-type': 'application/json' } : {}),
    ...r.headers,
    ...extraHeaders,
  };
  return {
    attributes: {
      source: { principal: r.principal ?? DEFAULT_PRINCIPAL },
      request: {
        http: {
          id: headers['x-request-id'] ?? '',
          method,
          headers,
          path: headers[':path'] ?? '/',
          host: headers[':authority'] ?? '',
          scheme: r.scheme ?? 'https',
          protocol: 'HTTP/1.1',
          size: String(body.length),
          ...(body.length > 0 ? { raw_body: body } : {}),
        },
      },
    },
  };
}
