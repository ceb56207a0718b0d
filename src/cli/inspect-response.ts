/**
 * `writ inspect` of an answer (`{"http": {...}, "response": {"status", "headers", "body"}}`): the line's
 * request and the upstream's answer are driven through the response role exactly as the ext_proc server
 * drives it (createResponseRole: the same readers, inspectors and response rules, one home), with nothing
 * kept: decisions go to a chain held in memory, and a taint is reported, not stored.
 */
import type { AppendedRecord, AuditLog } from '../pipeline/audit-record/audit-log.js';
import { TOKEN_HEADER } from '../pipeline/headers.js';
import type { Finding } from '../pipeline/model/finding.js';
import type { RawRequest } from '../pipeline/model/raw-request.js';
import type { PolicySet } from '../pipeline/policy/types.js';
import type { MessageVerdict } from '../pipeline/respond/govern-message.js';
import { createResponseRole, type ResponseStep } from '../pipeline/roles/response.js';

/** The upstream's answer as a line gives it. */
export interface ResponseInput {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
}

/** What the response path made of one answer. */
export interface InspectedResponse {
  /** Every message's findings, each with `direction: response`. */
  readonly findings: readonly Finding[];
  /** One decision per message read (a JSON-RPC message, an event, or the whole HTTP answer). */
  readonly decisions: readonly { readonly code: string; readonly rules: readonly string[] }[];
  /** The answer (or a message of it) writ would withhold, and why; null when all of it passes. */
  readonly withheld: { readonly code: string; readonly message: string } | null;
  /** Whether the session would be tainted. */
  readonly tainted: boolean;
}

/** Reads a line's `response` member; throws a one-line TypeError naming what is wrong. */
export function responseInput(value: unknown): ResponseInput {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new TypeError('response must be an object {"status", "headers", "body"}');
  const r = value as Record<string, unknown>;
  const status = r['status'] ?? 200;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599)
    throw new TypeError('response.status must be an HTTP status code (an integer from 100 to 599)');
  const given = r['headers'] ?? {};
  if (typeof given !== 'object' || given === null || Array.isArray(given))
    throw new TypeError('response.headers must be an object of header names to string values');
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(given as Record<string, unknown>)) {
    if (typeof v !== 'string') throw new TypeError(`response.headers["${k.slice(0, 40)}"] must be a string`);
    headers[k.toLowerCase()] = v;
  }
  const body = r['body'];
  const text = typeof body === 'string' ? body : body === undefined ? '' : JSON.stringify(body);
  // A JSON value given as the body is a JSON answer unless the line says otherwise.
  if (headers['content-type'] === undefined && typeof body === 'object' && body !== null)
    headers['content-type'] = 'application/json';
  return { status, headers, body: new TextEncoder().encode(text) };
}

/** An audit chain that keeps nothing: `writ inspect` decides, it does not record. */
function memoryChain(): AuditLog {
  let seq = 0;
  return {
    append: (): AppendedRecord => ({ seq: ++seq, prev: '', hash: '' }),
    head: () => ({ seq, hash: '' }),
    flush: () => undefined,
    close: () => undefined,
  };
}

const SILENT = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Runs the request and its answer through the response role, as ext_proc would. */
export async function inspectResponse(
  set: PolicySet,
  raw: RawRequest,
  response: ResponseInput,
): Promise<InspectedResponse> {
  const verdicts: MessageVerdict[] = [];
  let tainted = false;
  const role = createResponseRole({
    // No signing keys: a token is not what `writ inspect` judges, so the request's is not passed on.
    keys: { get: () => undefined },
    now: () => Date.now(),
    clockSkewSeconds: 0,
    log: SILENT,
    audit: memoryChain(),
    policy: () => set,
    taint: {
      mark: () => {
        tainted = true;
        return Promise.resolve();
      },
    },
    onVerdict: (v) => verdicts.push(v),
  });
  const x = role.newExchange();
  const requestHeaders = new Map<string, string>([
    [':method', raw.method],
    [':scheme', raw.scheme],
    [':authority', raw.authority],
    [':path', raw.path],
  ]);
  for (const [k, v] of Object.entries(raw.headers)) if (k !== TOKEN_HEADER) requestHeaders.set(k, v);
  const responseHeaders = new Map<string, string>([[':status', String(response.status)]]);
  for (const [k, v] of Object.entries(response.headers)) responseHeaders.set(k, v);
  let withheld: InspectedResponse['withheld'] = null;
  const stop = (step: ResponseStep): boolean => {
    if (step.kind !== 'deny') return false;
    withheld = { code: step.code, message: step.message };
    return true;
  };
  // The order Envoy sends them in, each body only when the role asked for it.
  const first = x.onRequestHeaders(requestHeaders);
  if (!stop(first)) {
    const askedBody = first.kind === 'continue' && first.askFor?.requestBody === true;
    if (!(askedBody && stop(x.onRequestBody(raw.body)))) {
      const heads = x.onResponseHeaders(responseHeaders);
      if (!stop(heads) && heads.kind === 'continue' && heads.askFor?.responseBody !== undefined)
        stop(await x.onResponseBody(response.body, true));
    }
  }
  const blocked = verdicts.find((v) => v.withheld !== null);
  if (withheld === null && blocked?.withheld !== undefined && blocked.withheld !== null)
    withheld = { code: blocked.withheld.code, message: blocked.withheld.message };
  return {
    findings: verdicts.flatMap((v) => v.findings),
    decisions: verdicts.map((v) => ({
      code: v.withheld?.code ?? v.decision?.code ?? 'RESPONSE_PASS',
      rules: v.decision?.rules ?? [],
    })),
    withheld,
    tainted,
  };
}
