/**
 * The refusals of a recorded session: every request the check role did not allow and every response the
 * ext_proc role withheld, each named by what it was (JSON-RPC method, or HTTP method and path) and why.
 */
import type { GovernedWrit } from './governed-writ.js';
import type { RecordedRequest, RecordingRelay } from './recording-relay.js';

/** One legitimate message writ refused. */
export interface Refusal {
  readonly direction: 'request' | 'response';
  /** `POST /mcp tools/call`, `DELETE /mcp`, `GET /.well-known/agent-card.json`... */
  readonly message: string;
  readonly decision: string;
  readonly code: string;
  readonly reason: string;
}

/** What a request is, for a reader: its HTTP method and path, and each JSON-RPC method or response id. */
export function describeRequest(r: RecordedRequest): string {
  const path = r.path.split('?')[0] ?? r.path;
  const head = `${r.method} ${path}`;
  if (r.body.length === 0) return head;
  try {
    const body: unknown = JSON.parse(r.body.toString('utf8'));
    const one = (m: unknown): string => {
      if (typeof m !== 'object' || m === null) return typeof m;
      const o = m as Record<string, unknown>;
      if (typeof o['method'] === 'string') return o['method'];
      if ('error' in o) return 'response (error)';
      if ('result' in o) return 'response (result)';
      return 'object';
    };
    return `${head} ${Array.isArray(body) ? `[${body.map(one).join(', ')}]` : one(body)}`;
  } catch {
    return `${head} (${r.body.length} bytes, not JSON)`;
  }
}

/** Sends every exchange the relay recorded to writ, the request to check and the response to ext_proc. */
export async function refusalsOf(
  writ: GovernedWrit,
  relay: RecordingRelay,
  authority: string,
): Promise<{ refusals: Refusal[]; requests: number; responses: number }> {
  const refusals: Refusal[] = [];
  const recorded = await relay.settled();
  for (const { request, response } of recorded) {
    const message = describeRequest(request);
    const decided = await writ.decide(request, authority);
    if (!decided.allowed) {
      refusals.push({
        direction: 'request',
        message,
        decision: decided.decision,
        code: decided.code,
        reason: [decided.message, decided.findings.join(' ')].filter((s) => s.length > 0).join('; '),
      });
      continue;
    }
    const answered = await writ.respond(request, response, authority, decided.token);
    if (answered.withheld !== null)
      refusals.push({
        direction: 'response',
        message: `${message} -> ${response.status} ${response.headers['content-type'] ?? ''}`.trim(),
        decision: String(answered.withheld.body?.decision ?? ''),
        code: String(answered.withheld.body?.reason ?? ''),
        reason: String(answered.withheld.body?.message ?? ''),
      });
  }
  return { refusals, requests: recorded.length, responses: recorded.length };
}
