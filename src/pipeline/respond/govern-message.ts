/**
 * Governs one upstream message: its content inspected, the response rules applied, the session tainted and
 * the decision recorded in the audit chain. A taint that cannot be stored or a decision that cannot be
 * recorded withholds the message (fail closed); a block stays a block whether or not it was recorded.
 */
import { randomUUID } from 'node:crypto';
import type { AuditLog } from '../audit-record/audit-log.js';
import type { PipelineLogger } from '../deps.js';
import { WritError, type ReasonCode } from '../errors.js';
import type { InspectorConfig } from '../inspect/inspector.js';
import type { Finding } from '../model/finding.js';
import type { PolicySet } from '../policy/types.js';
import type { ResponseContent } from './content-readers.js';
import { decideResponse, type ResponseDecision } from './decide-response.js';
import type { InspectorRegistry } from '../inspect/registry.js';
import { inspectResponseContent, responseAction, type ResponseOrigin } from './inspect-response.js';
import type { TaintSink } from './taint-port.js';

/** What governing a message needs from the outside world. */
export interface GovernDeps {
  readonly policy: () => PolicySet;
  readonly inspectorConfig: (set: PolicySet) => InspectorConfig;
  /** The role's response inspectors and their keyword vocabulary; absent: a registry made per message. */
  readonly inspectors?: InspectorRegistry;
  readonly audit: AuditLog;
  readonly log: PipelineLogger;
  readonly now: () => number;
  readonly taint?: TaintSink;
  readonly newTraceId?: () => string;
}

/** The exchange a message belongs to. */
export interface GovernContext {
  readonly origin: ResponseOrigin;
  readonly status: number | null;
  /** The execution token's `tid` and `jti` when the request carried one. */
  readonly tokenTraceId: string | null;
  readonly tokenId: string | null;
  readonly mcpSessionId: string | null;
  readonly agentSessionId: string | null;
  /** The caller's principal (the execution token's `sub`), null without a token. */
  readonly principal: string | null;
}

/** What becomes of one message. */
export interface MessageVerdict {
  readonly content: ResponseContent;
  readonly findings: readonly Finding[];
  /** Null when the message was withheld before policy could decide (a bound reached). */
  readonly decision: ResponseDecision | null;
  readonly traceId: string;
  /** Withheld: the code and message the agent is told; null when the message passes (perhaps changed). */
  readonly withheld: { readonly code: ReasonCode; readonly message: string } | null;
}

const MESSAGES: Partial<Record<ReasonCode, string>> = {
  RESPONSE_BLOCKED: 'a response rule withholds it',
  RESPONSE_DEFAULT_BLOCK: 'no response rule lets it pass',
  ERR_INSPECTION_LIMIT: 'it holds more than writ inspects',
  ERR_TAINT_UNAVAILABLE: 'the session could not be marked as having read it',
  ERR_RESPONSE_NOT_RECORDED: 'its decision could not be recorded',
};

/** Inspects, decides, taints and records one message. Throws only on a bug. */
export async function governMessage(
  deps: GovernDeps,
  ctx: GovernContext,
  content: ResponseContent,
): Promise<MessageVerdict> {
  const set = deps.policy();
  const action = responseAction(content, ctx.origin);
  const traceId = ctx.tokenTraceId ?? (deps.newTraceId ?? randomUUID)();
  let findings: Finding[];
  try {
    findings = inspectResponseContent(content, action, deps.inspectorConfig(set), deps.inspectors);
  } catch (err) {
    if (!(err instanceof WritError) || err.code !== 'ERR_INSPECTION_LIMIT') throw err;
    // SECURITY: content writ could not inspect whole is not passed on.
    record(deps, ctx, content, traceId, null, 'ERR_INSPECTION_LIMIT', [], set.version);
    return { content, findings: [], decision: null, traceId, withheld: withheld('ERR_INSPECTION_LIMIT') };
  }
  const decision = decideResponse(set, action, findings, {
    response: { kind: content.kind, status: ctx.status },
  });
  if (decision.block) {
    // A block stays a block whether or not its record was written.
    record(deps, ctx, content, traceId, decision, decision.code, findings, set.version);
    return { content, findings, decision, traceId, withheld: withheld(decision.code) };
  }
  if (decision.taint) {
    const marked = await markTaint(deps, ctx, content, traceId, decision, findings);
    if (!marked) {
      record(deps, ctx, content, traceId, decision, 'ERR_TAINT_UNAVAILABLE', findings, set.version);
      return { content, findings, decision, traceId, withheld: withheld('ERR_TAINT_UNAVAILABLE') };
    }
  }
  if (decision.code !== 'RESPONSE_PASS') {
    // SECURITY: an answer that was masked, tainted or annotated without a trace in the chain is withheld.
    if (!record(deps, ctx, content, traceId, decision, decision.code, findings, set.version))
      return {
        content,
        findings,
        decision,
        traceId,
        withheld: withheld('ERR_RESPONSE_NOT_RECORDED'),
      };
  }
  return { content, findings, decision, traceId, withheld: null };
}

function withheld(code: ReasonCode): { code: ReasonCode; message: string } {
  return { code, message: MESSAGES[code] ?? code };
}

async function markTaint(
  deps: GovernDeps,
  ctx: GovernContext,
  content: ResponseContent,
  traceId: string,
  decision: ResponseDecision,
  findings: readonly Finding[],
): Promise<boolean> {
  // SECURITY: a taint that is not kept protects nothing; without a taint store the answer is withheld.
  // Without a session id the store marks the caller's principal (taint-keys.ts), which every call reads.
  if (deps.taint === undefined) {
    deps.log.warn(
      { server: ctx.origin.server, alert: 'taint-unavailable' },
      'response taint cannot be recorded (no taint store); withholding the answer',
    );
    return false;
  }
  try {
    await deps.taint.mark({
      mcpSessionId: ctx.mcpSessionId,
      agentSessionId: ctx.agentSessionId,
      principal: ctx.principal,
      server: ctx.origin.server,
      tool: content.tool,
      kind: content.kind,
      findings: findings.map((f) => ({ id: f.id, severity: f.severity })),
      atMs: deps.now(),
      traceId,
      rules: decision.rules,
    });
    return true;
  } catch (err) {
    deps.log.error({ err, server: ctx.origin.server, alert: 'taint-unavailable' }, 'session taint failed');
    return false;
  }
}

/** Appends the decision on one message; false (and an error log) when the chain refused it. */
function record(
  deps: GovernDeps,
  ctx: GovernContext,
  content: ResponseContent,
  traceId: string,
  decision: ResponseDecision | null,
  code: ReasonCode,
  findings: readonly Finding[],
  policyVersion: string,
): boolean {
  const effects =
    decision === null || decision.block || code !== decision.code
      ? ['block']
      : (['annotate', 'mask', 'taint'] as const).filter((e) => decision[e]);
  try {
    deps.audit.append(
      {
        type: 'ext_proc.response_decision',
        trace_id: traceId,
        token_id: ctx.tokenId,
        server: ctx.origin.server,
        path: ctx.origin.path,
        direction: 'response',
        protocol: content.protocol,
        kind: content.kind,
        tool: content.tool,
        rpc_id: content.id === null ? null : String(content.id).slice(0, 128),
        code,
        effects,
        rules: decision?.rules ?? [],
        policy_version: policyVersion,
        mcp_session: ctx.mcpSessionId,
        agent_session: ctx.agentSessionId,
        findings: findings.map((f) => ({
          id: f.id,
          severity: f.severity,
          path: f.path,
          evidence: f.evidence,
        })),
      },
      deps.now(),
    );
    return true;
  } catch (err) {
    deps.log.error(
      { err, event: 'ext_proc.response_decision', alert: 'audit-write-failed' },
      'ext_proc audit append failed',
    );
    return false;
  }
}
