/**
 * A real writ (default policy pack, check and ext_proc roles on loopback gRPC with Envoy's protos) asked
 * about exchanges a recording relay captured: each request as Envoy's ext_authz filter would send it to
 * the check role, each response as Envoy's ext_proc filter would stream it to the ext_proc role.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- proto-loader messages are untyped; read loosely */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { startWrit, type WritInstance } from '../../src/app.js';
import { connectCheckClient, responseHeader, type CheckClient } from '../../src/cli/check-client.js';
import { DEFAULT_PRINCIPAL } from '../../src/cli/scenario.js';
import { resolveConfig } from '../../src/config.js';
import type { CheckRequest, CheckResponse } from '../../src/extauthz/envoy-types.js';
import { extProcClient, type ExtProcClient } from '../roles/response/ext-proc-client.js';
import type { RecordedRequest, RecordedResponse } from './recording-relay.js';

/** What the check role decided about one request. */
export interface CheckOutcome {
  readonly allowed: boolean;
  readonly decision: string;
  readonly code: string;
  /** The deny body's message (empty when allowed). */
  readonly message: string;
  readonly findings: readonly string[];
  /** The adapter and operation writ read the request as. */
  readonly adapter: string;
  readonly operation: string;
  readonly token: string | undefined;
  readonly raw: CheckResponse;
}

/** What the ext_proc role did with one response. */
export interface ResponseOutcome {
  /** Null when the response passed (possibly rewritten); else the status and body writ answered with. */
  readonly withheld: { status: number; body: any } | null;
  /** The body the agent receives when writ rewrote it, else null. */
  readonly rewritten: Buffer | null;
  /** Headers writ set on the response (`x-writ-response-findings` on an annotated answer), name and value. */
  readonly headers: readonly (readonly [string, string])[];
  readonly answers: readonly any[];
}

export interface GovernedWrit {
  readonly writ: WritInstance;
  readonly check: CheckClient;
  readonly extproc: ExtProcClient;
  /** Asks the check role about a recorded request, as sent to `authority` (the upstream's mesh name). */
  decide(request: RecordedRequest, authority: string): Promise<CheckOutcome>;
  /** Streams a recorded exchange to the ext_proc role, the check role's token on the request. */
  respond(
    request: RecordedRequest,
    response: RecordedResponse,
    authority: string,
    token?: string,
  ): Promise<ResponseOutcome>;
  stop(): Promise<void>;
}

// Hop-by-hop headers Envoy does not forward to ext_authz as request headers; host becomes :authority.
const NOT_FORWARDED = new Set(['host', 'connection', 'keep-alive', 'transfer-encoding']);

/** The CheckRequest Envoy's ext_authz filter (with_request_body, pack_as_bytes) sends for a request. */
export function checkRequestOf(request: RecordedRequest, authority: string): CheckRequest {
  const headers: Record<string, string> = {
    ':authority': authority,
    ':method': request.method,
    ':path': request.path,
    ':scheme': 'https',
  };
  for (const [k, v] of Object.entries(request.headers)) if (!NOT_FORWARDED.has(k)) headers[k] = v;
  const id = `relay-${Math.random().toString(16).slice(2)}`;
  headers['x-request-id'] = id;
  return {
    attributes: {
      source: { principal: DEFAULT_PRINCIPAL },
      request: {
        http: {
          id,
          method: request.method,
          headers,
          path: request.path,
          host: authority,
          scheme: 'https',
          protocol: 'HTTP/1.1',
          size: String(request.body.length),
          ...(request.body.length > 0 ? { raw_body: request.body } : {}),
        },
      },
    },
  };
}

function outcomeOf(res: CheckResponse): CheckOutcome {
  const meta = res.dynamic_metadata?.fields ?? {};
  const text = (name: string) => {
    const v = meta[name] as any;
    return typeof v?.stringValue === 'string' ? (v.stringValue as string) : '';
  };
  const trace = text('writ_trace') === '' ? null : JSON.parse(text('writ_trace'));
  const denied = res.denied_response;
  const body = denied?.body === undefined ? null : JSON.parse(String(denied.body));
  return {
    allowed: res.ok_response !== undefined && denied === undefined,
    decision: text('writ_decision'),
    code: text('writ_code'),
    message: body?.message ?? '',
    findings: (trace?.inspectors ?? []).map((f: any) => `${f.id}:${f.severity}`),
    adapter: trace?.normalized?.adapter ?? '',
    operation: trace?.normalized?.operation ?? '',
    token: responseHeader(res, 'x-writ-token'),
    raw: res,
  };
}

/**
 * What an operator adds to the default pack for the servers under test: their own tools may be called.
 * Everything protocol-level (lifecycle, discovery, answers to server requests, A2A task handling) must
 * pass on the default pack alone.
 */
export const OPERATOR_POLICY = `apiVersion: writ.dev/v1
rules:
  - id: shop-tools-allowed
    description: The operator's shop MCP server; authenticated agents may call its tools.
    effect: allow
    when:
      context.role: check
      action.adapter: mcp
      resource.host: shop.tools.svc.cluster.local
      action.mcp_method: tools/call
  - id: travel-agent-messages-allowed
    description: The operator's travel agent; authenticated agents may message it and register push callbacks.
    effect: allow
    when:
      context.role: check
      action.adapter: a2a
      resource.host: travel.agents.svc.cluster.local
      action.tool: { in: [SendMessage, SendStreamingMessage, CreateTaskPushNotificationConfig] }
`;

const DEFAULT_PACK = join(import.meta.dirname, '..', '..', 'policies', 'default.yaml');

const STREAMED = 1;
const BUFFERED = 2;

/**
 * One exchange driven as Envoy drives it: request headers, the request body when asked for, response
 * headers, then the response body as asked: whole (BUFFERED) or chunk by chunk as the upstream wrote it
 * (STREAMED, an event stream), stopping at the first immediate response.
 */
async function driveExtProc(
  extproc: ExtProcClient,
  requestHeaders: Record<string, string>,
  requestBody: Buffer,
  responseHeaders: Record<string, string>,
  response: RecordedResponse,
): Promise<{ answers: any[]; final: any }> {
  const s = extproc.stream();
  const answers: any[] = [];
  let modes: any = {};
  const headers = (h: Record<string, string>) => ({
    headers: { headers: Object.entries(h).map(([key, v]) => ({ key, raw_value: Buffer.from(v) })) },
  });
  const ask = async (msg: object): Promise<boolean> => {
    const a: any = await s.send(msg);
    answers.push(a);
    modes = { ...modes, ...(a.mode_override ?? {}) };
    return a.response === 'immediate_response';
  };
  try {
    if (await ask({ request_headers: headers(requestHeaders) })) return { answers, final: answers.at(-1) };
    if (
      modes.request_body_mode === BUFFERED &&
      (await ask({ request_body: { body: requestBody, end_of_stream: true } }))
    )
      return { answers, final: answers.at(-1) };
    if (await ask({ response_headers: headers(responseHeaders) })) return { answers, final: answers.at(-1) };
    if (modes.response_body_mode === BUFFERED)
      await ask({ response_body: { body: response.body, end_of_stream: true } });
    else if (modes.response_body_mode === STREAMED) {
      const chunks = response.chunks.length === 0 ? [Buffer.alloc(0)] : response.chunks;
      for (let i = 0; i < chunks.length; i++)
        if (await ask({ response_body: { body: chunks[i], end_of_stream: i === chunks.length - 1 } })) break;
    }
    return { answers, final: answers.at(-1) };
  } finally {
    s.end();
  }
}

/** Starts writ with the default policy pack, the operator's rules and the given flags. */
export async function startGovernedWrit(flags: Record<string, string> = {}): Promise<GovernedWrit> {
  const home = mkdtempSync(join(tmpdir(), 'writ-protocols-'));
  const policyDir = join(home, 'policies');
  mkdirSync(policyDir);
  copyFileSync(DEFAULT_PACK, join(policyDir, 'default.yaml'));
  writeFileSync(join(policyDir, 'operator.yaml'), OPERATOR_POLICY);
  const config = resolveConfig({ home, 'admin-port': '0', 'policy-dir': policyDir, ...flags }, {});
  const writ = await startWrit({
    config,
    logger: pino({ level: 'silent' }),
    listeners: [{ role: 'check', host: '127.0.0.1', port: 0 }],
    extproc: { host: '127.0.0.1', port: 0 },
    admin: false,
  });
  const check = connectCheckClient(`127.0.0.1:${writ.ports.check}`);
  const extproc = extProcClient(writ.ports.extproc!);
  return {
    writ,
    check,
    extproc,
    async decide(request, authority) {
      return outcomeOf(await check.check(checkRequestOf(request, authority)));
    },
    async respond(request, response, authority, token) {
      const requestHeaders: Record<string, string> = {
        ':method': request.method,
        ':path': request.path,
        ':authority': authority,
        ':scheme': 'https',
      };
      for (const [k, v] of Object.entries(request.headers)) if (!NOT_FORWARDED.has(k)) requestHeaders[k] = v;
      if (token !== undefined) requestHeaders['x-writ-token'] = token;
      const responseHeaders: Record<string, string> = { ':status': String(response.status) };
      for (const [k, v] of Object.entries(response.headers))
        if (!NOT_FORWARDED.has(k)) responseHeaders[k] = v;
      const { answers, final } = await driveExtProc(
        extproc,
        requestHeaders,
        request.body,
        responseHeaders,
        response,
      );
      const withheld =
        final?.response === 'immediate_response'
          ? {
              status: final.immediate_response.status.code as number,
              body: JSON.parse(Buffer.from(final.immediate_response.body).toString('utf8')),
            }
          : null;
      // The body the agent receives when writ rewrote any of it: every body answer's mutation, in order.
      const bodies = answers.filter((a) => a.response === 'response_body');
      const mutated = bodies.some((a) => a.response_body?.response?.body_mutation?.body !== undefined);
      return {
        withheld,
        rewritten: mutated
          ? Buffer.concat(
              bodies.map((a, i) =>
                Buffer.from(a.response_body?.response?.body_mutation?.body ?? response.chunks[i] ?? []),
              ),
            )
          : null,
        headers: answers.flatMap((a) => {
          // A buffered answer's headers are set with its body (Envoy applies them while it holds the body).
          const phase = a.response_headers ?? a.response_body;
          const set: any[] = phase?.response?.header_mutation?.set_headers ?? [];
          return set.map((h): readonly [string, string] => [
            String(h.header?.key ?? ''),
            Buffer.from(h.header?.raw_value ?? h.header?.value ?? '').toString('utf8'),
          ]);
        }),
        answers,
      };
    },
    async stop() {
      check.close();
      extproc.close();
      await writ.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}
