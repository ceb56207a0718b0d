/**
 * `writ inspect`: JSON lines of tool calls on stdin, one JSON line of findings per input line on stdout. A
 * line with a `response` runs the answer through the response path too (inspect-response.ts); every
 * finding says its `direction` (request or response).
 */
import { createInterface } from 'node:readline';
import type { InspectorConfig } from '../pipeline/inspect/inspector.js';
import { inspectAction } from '../pipeline/inspect/registry.js';
import type { Action } from '../pipeline/model/action.js';
import type { RawRequest } from '../pipeline/model/raw-request.js';
import { normalizeRequest } from '../pipeline/normalize/index.js';
import { DEFAULT_MCP_ENDPOINTS, parseMcpEndpoints } from '../pipeline/normalize/mcp-endpoint.js';
import { DEFAULT_A2A_ENDPOINTS, parseA2aEndpoints } from '../pipeline/normalize/a2a/endpoints.js';
import { canonicalResourceName } from '../pipeline/normalize/resource-name.js';
import type { PolicySet } from '../pipeline/policy/types.js';
import { inspectResponse, responseInput } from './inspect-response.js';

/** The endpoint an MCP line is sent to: an in-mesh MCP server, through the same adapter path the server takes. */
export const MCP_URL = new URL('https://mcp.tools.svc.cluster.local/mcp');

/** The caller of an MCP line unless the line names one: an authenticated in-mesh agent (mTLS SPIFFE ID). */
export const DEFAULT_PRINCIPAL = 'spiffe://cluster.local/ns/agents/sa/support-assistant';

function rawRequest(
  method: string,
  url: URL,
  headers: Record<string, string>,
  body: string,
  line: number,
  principal: string,
): RawRequest {
  return {
    role: 'check',
    requestId: `inspect-${line}`,
    method: method.toUpperCase(),
    scheme: url.protocol.replace(/:$/, ''),
    authority: url.host,
    path: `${url.pathname}${url.search}`,
    headers,
    body: new TextEncoder().encode(body),
    bodyPartial: false,
    sourcePrincipal: principal,
    sourceAddress: '',
    destinationPrincipal: '',
    receivedAtMs: 0,
  };
}

/**
 * Turns one input object (`{"tool","arguments"}` or `{"http":{...}}`, each with an optional `"principal"`
 * SPIFFE ID) into the RawRequest the server would see. MCP lines are POSTed to MCP_URL from
 * DEFAULT_PRINCIPAL unless the line names its principal (`"principal": ""` for an unauthenticated caller).
 */
export function lineToRawRequest(input: unknown, line: number): RawRequest {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new TypeError('line is not a JSON object');
  const obj = input as Record<string, unknown>;
  const named = obj['principal'];
  if (named !== undefined && typeof named !== 'string') throw new TypeError('principal must be a string');
  const principal = named ?? DEFAULT_PRINCIPAL;
  if (typeof obj['tool'] === 'string') {
    const args = obj['arguments'] ?? {};
    const body = JSON.stringify({
      jsonrpc: '2.0',
      id: line,
      method: 'tools/call',
      params: { name: obj['tool'], arguments: args },
    });
    return rawRequest('POST', MCP_URL, { 'content-type': 'application/json' }, body, line, principal);
  }
  const http = obj['http'];
  if (typeof http === 'object' && http !== null && !Array.isArray(http)) {
    const h = http as Record<string, unknown>;
    if (typeof h['url'] !== 'string') throw new TypeError('http.url must be a string');
    const url = new URL(h['url']);
    const headers: Record<string, string> = {};
    if (typeof h['headers'] === 'object' && h['headers'] !== null) {
      for (const [k, v] of Object.entries(h['headers'] as Record<string, unknown>))
        if (typeof v === 'string') headers[k.toLowerCase()] = v;
    }
    const body =
      typeof h['body'] === 'string' ? h['body'] : h['body'] === undefined ? '' : JSON.stringify(h['body']);
    return rawRequest(
      typeof h['method'] === 'string' ? h['method'] : 'GET',
      url,
      headers,
      body,
      line,
      typeof named === 'string' ? named : '',
    );
  }
  throw new TypeError('expected "tool" or "http"');
}

/** Normalizes one input object with the server's normalizer (production databases from the inspector config). */
export function lineToAction(
  input: unknown,
  line: number,
  config: InspectorConfig,
): { action: Action; headers: Readonly<Record<string, string>> } {
  const raw = lineToRawRequest(input, line);
  const action = normalizeRequest(raw, {
    internalDomains: config.internalDomains,
    productionDatabases: config.productionDatabases.flatMap((d) => canonicalResourceName(d) ?? []),
    trustAgentHeaders: false,
    mcpEndpoints: parseMcpEndpoints(config.mcpEndpoints ?? DEFAULT_MCP_ENDPOINTS),
    a2aEndpoints: parseA2aEndpoints(config.a2aEndpoints ?? DEFAULT_A2A_ENDPOINTS),
    ...(config.apiHosts === undefined ? {} : { apiHosts: config.apiHosts }),
  });
  return { action, headers: raw.headers };
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message.slice(0, 200) : 'invalid input';
}

/** Reads JSON lines from `input` and writes one result line each; returns the exit code (1 if any line failed). */
export async function runInspect(
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
  config: InspectorConfig,
  set?: PolicySet,
): Promise<number> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  let n = 0;
  let failed = 0;
  for await (const text of lines) {
    n++;
    if (text.trim() === '') continue;
    let result: Record<string, unknown>;
    try {
      const parsed = JSON.parse(text) as unknown;
      const answer =
        typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) && 'response' in parsed
          ? responseInput((parsed as Record<string, unknown>)['response'])
          : null;
      const { action, headers } = lineToAction(parsed, n, config);
      const request = inspectAction(action, headers, config).findings.map((f) => ({
        ...f,
        direction: f.direction ?? 'request',
      }));
      if (answer === null) result = { line: n, findings: request };
      else {
        if (set === undefined) throw new TypeError('a response needs the policy set (its response_rules)');
        const r = await inspectResponse(set, lineToRawRequest(parsed, n), answer);
        result = {
          line: n,
          findings: [...request, ...r.findings],
          response: { decisions: r.decisions, withheld: r.withheld, tainted: r.tainted },
        };
      }
    } catch (err) {
      failed++;
      result = { line: n, error: errorMessage(err) };
    }
    // Respect back-pressure so tens of thousands of lines do not pile up in memory.
    if (!output.write(`${JSON.stringify(result)}\n`))
      await new Promise((resolve) => output.once('drain', resolve));
  }
  return failed === 0 ? 0 : 1;
}
