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
}

export interface Scenario {
  readonly file: string;
  readonly name: string;
  /** ISO instant the decision is made at (tests inject it; a live server uses its own clock). */
  readonly at?: string;
  readonly request: ScenarioRequest;
  readonly expect: {
    readonly decision: string;
    readonly code?: string;
    readonly rules?: readonly string[];
    readonly rules_include?: readonly string[];
    /** Inspector ids (or finding id prefixes) that must be among the findings; [] means none at all. */
    readonly findings?: readonly string[];
    readonly http_status?: number;
    readonly token?: boolean;
  };
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
