/**
 * The approval API on the admin port: list, show, approve and deny approvals, list and release
 * quarantines, list and clear session taints, reset MCP tool pins, recent decisions. Every route needs an authenticated approver; an
 * agent can never decide its own action, and only a member of an approval's approver groups may
 * decide it. Every operator action is written to the audit chain before it takes effect.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { canonicalAuthority } from '../pipeline/bind/canonical-action.js';
import type { PipelineLogger } from '../pipeline/deps.js';
import { pinPrefix } from '../pipeline/enforce/tool-pins.js';
import type { OperatorEvent, TaintEvent } from '../pipeline/audit-record/audit-event.js';
import type { AppendedRecord, AuditLog } from '../pipeline/audit-record/audit-log.js';
import type { StateStore } from '../state/store.js';
import { inApproverGroups, isSelfApproval, type Approver, type ApproverAuth } from './approver-auth.js';
import type { Counter } from './metrics.js';
import type { RecentDecisions } from './recent-decisions.js';

export interface ApprovalApiOptions {
  readonly store: StateStore;
  readonly auth: ApproverAuth;
  /**
   * The audit chain the pipeline appends to (the checkpointing wrapper in production). Decisions,
   * releases and pin resets are appended here first; a failed append fails the call (500) and changes
   * nothing.
   */
  readonly audit: AuditLog;
  readonly recent?: RecentDecisions;
  readonly now: () => number;
  readonly log: PipelineLogger;
  /** Counts decisions by outcome (`approved`, `denied`, `refused`, `not-in-group`, `unauthenticated`). */
  readonly decisions?: Counter;
}

const MAX_BODY = 16 * 1024;
const MAX_REASON = 500;
/** One clear names at most the keys one decision reads (a session, an MCP session, a principal) twice over. */
const MAX_TAINT_CLEAR_KEYS = 8;

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return null;
    chunks.push(chunk as Buffer);
  }
  try {
    const v = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function reasonOf(body: Record<string, unknown>): string | null {
  const r = body['reason'];
  if (typeof r !== 'string') return null;
  const t = r.trim();
  return t.length === 0 || t.length > MAX_REASON ? null : t;
}

/** The audit chain refused an operator event: the call fails and nothing changed. */
class AuditRefused extends Error {
  override readonly name = 'AuditRefused';
}

/** The fields every operator event carries about who acted. */
const actor = (approver: Approver, nowMs: number) => ({
  approver: approver.id,
  method: approver.method,
  groups: [...approver.groups],
  time: new Date(nowMs).toISOString(),
});

/** Handles `/api/*`; returns false for any other path so the admin server can route it. */
export function createApprovalApi(opts: ApprovalApiOptions) {
  /**
   * Appends an operator event before the state change it records, so no approval is ever usable
   * without its audit record. Throws AuditRefused when the chain cannot take it.
   */
  const record = (event: OperatorEvent | TaintEvent): AppendedRecord => {
    try {
      return opts.audit.append(event, opts.now());
    } catch (err) {
      opts.log.error({ err, event: event.type }, 'audit append failed; operator action refused');
      throw new AuditRefused('audit append failed');
    }
  };
  /**
   * When the state change after a recorded event did not happen (another approver won the race, the
   * approval expired in between), a void event names the record it cancels. Best effort: the state
   * store is the authority on what took effect, and the first record already names the attempt.
   */
  const voidRecord = (rec: AppendedRecord, why: string, nowMs: number) => {
    try {
      opts.audit.append(
        {
          type: 'operator.void',
          voids_seq: rec.seq,
          voids_hash: rec.hash,
          why,
          time: new Date(nowMs).toISOString(),
        },
        nowMs,
      );
    } catch (err) {
      opts.log.error({ err, voids: rec.seq }, 'audit append of a void event failed');
    }
  };

  /**
   * Clears session taints (`{"keys": [...], "reason": "..."}`): each key's taint is read, refused when
   * the approver is the agent whose session read it, recorded (`taint.cleared`), then removed.
   */
  const clearTaints = async (req: IncomingMessage, res: ServerResponse, approver: Approver) => {
    const body = await readJson(req);
    const keys = body?.['keys'];
    const reason = body === null ? null : reasonOf(body);
    if (
      !Array.isArray(keys) ||
      keys.length === 0 ||
      keys.length > MAX_TAINT_CLEAR_KEYS ||
      !keys.every((k): k is string => typeof k === 'string' && k.length > 0 && k.length <= 512) ||
      reason === null
    ) {
      send(res, 400, {
        error: `a JSON body with keys (1 to ${MAX_TAINT_CLEAR_KEYS} taint keys) and a reason (1 to ${MAX_REASON} characters) is required`,
      });
      return;
    }
    const nowMs = opts.now();
    const held = await opts.store.taintOf(keys, nowMs);
    if (held.length === 0) {
      send(res, 404, { error: 'not tainted' });
      return;
    }
    // SECURITY: an agent may never clear the taint of its own session (what it read is the question).
    const own = held.find((t) => t.sources.some((s) => isSelfApproval(approver, s.subject, s.agent)));
    if (own !== undefined) {
      opts.decisions?.inc({ outcome: 'refused' });
      opts.log.warn({ key: own.key, approver: approver.id }, 'self-clearing of a session taint refused');
      send(res, 403, { error: 'an agent cannot clear the taint of its own session' });
      return;
    }
    const cleared: string[] = [];
    for (const t of held) {
      const audited = record({
        type: 'taint.cleared',
        key: t.key,
        sources: t.sources.map((s) => ({
          server: s.server,
          tool: s.tool,
          method: s.method,
          findings: [...s.findings],
          at: new Date(s.at).toISOString(),
          trace_id: s.traceId,
          subject: s.subject,
        })),
        expires_at: new Date(t.expiresAt).toISOString(),
        reason,
        ...actor(approver, nowMs),
      });
      const removed = await opts.store.clearTaint(t.key);
      if (removed === null) voidRecord(audited, 'not-tainted', opts.now());
      else {
        cleared.push(t.key);
        opts.log.info({ key: t.key, approver: approver.id, reason, auditSeq: audited.seq }, 'taint cleared');
      }
    }
    send(res, cleared.length > 0 ? 200 : 404, cleared.length > 0 ? { cleared } : { error: 'not tainted' });
  };

  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
    if (!url.pathname.startsWith('/api/') && !url.pathname.startsWith('/v1/')) return false;
    const auth = await opts.auth.authenticate(req.headers.authorization);
    if (!auth.ok) {
      opts.decisions?.inc({ outcome: 'unauthenticated' });
      res.setHeader('www-authenticate', 'Bearer realm="writ"');
      send(res, 401, { error: `unauthenticated: ${auth.reason}` });
      return true;
    }
    const approver = auth.approver;
    const path = url.pathname;
    const limit = Math.min(500, Math.max(1, Number(url.searchParams.get('limit') ?? '100') || 100));
    try {
      if (req.method === 'GET' && path === '/api/approvals') {
        send(res, 200, { approver: approver.id, approvals: await opts.store.listApprovals(limit) });
        return true;
      }
      if (req.method === 'GET' && path === '/api/quarantines') {
        send(res, 200, { quarantines: await opts.store.listQuarantines() });
        return true;
      }
      if (req.method === 'GET' && path === '/api/decisions') {
        send(res, 200, { decisions: opts.recent?.list(limit) ?? [] });
        return true;
      }
      if (req.method === 'GET' && path === '/api/whoami') {
        send(res, 200, { approver: approver.id, method: approver.method, groups: approver.groups });
        return true;
      }
      const one = /^\/api\/approvals\/([A-Za-z0-9_-]{1,64})(?:\/(approve|deny))?$/.exec(path);
      if (one !== null && req.method === 'GET' && one[2] === undefined) {
        const record = await opts.store.getApproval(one[1]!);
        if (record === null) send(res, 404, { error: 'no such approval' });
        else send(res, 200, record);
        return true;
      }
      if (one !== null && req.method === 'POST' && one[2] !== undefined) {
        const id = one[1]!;
        const body = await readJson(req);
        const reason = body === null ? null : reasonOf(body);
        if (reason === null) {
          send(res, 400, { error: `a JSON body with a reason (1 to ${MAX_REASON} characters) is required` });
          return true;
        }
        const current = await opts.store.getApproval(id);
        if (current === null) {
          send(res, 404, { error: 'no such approval' });
          return true;
        }
        // SECURITY: the agent that asked may never be the one that approves.
        if (isSelfApproval(approver, current.subject, current.agent)) {
          opts.decisions?.inc({ outcome: 'refused' });
          opts.log.warn({ approvalId: id, approver: approver.id }, 'self-approval refused');
          send(res, 403, { error: 'an agent cannot decide its own approval' });
          return true;
        }
        // SECURITY: the policy names who may decide; an empty list admits any authenticated approver.
        if (!inApproverGroups(approver, current.approvers)) {
          opts.decisions?.inc({ outcome: 'not-in-group' });
          opts.log.warn(
            { approvalId: id, approver: approver.id, groups: approver.groups, required: current.approvers },
            "approver not in the approval's groups",
          );
          send(res, 403, {
            error: `approver ${approver.id} is in none of the groups that may decide this approval: ${current.approvers.join(', ')}`,
            required_groups: current.approvers,
          });
          return true;
        }
        const nowMs = opts.now();
        // Checked before the audit record, so the chain does not fill with attempts that cannot succeed.
        if (current.status !== 'pending' || nowMs > current.expiresAt) {
          const expired = current.status === 'pending';
          send(res, expired ? 410 : 409, { error: `approval is ${expired ? 'expired' : current.status}` });
          return true;
        }
        const decision = one[2] === 'approve' ? 'approved' : 'denied';
        const audited = record({
          type: 'approval.decided',
          approval_id: id,
          action_hash: current.actionHash,
          subject: current.subject,
          agent: current.agent,
          decision,
          reason,
          rules: [...current.rules],
          approvers: [...current.approvers],
          ...actor(approver, nowMs),
        });
        // A store error leaves the outcome unknown (a timed-out script may still have run), so it is
        // not voided: the record stands as the attempt, and the store says whether it took effect.
        const result = await opts.store.decideApproval(id, decision, approver.id, reason, nowMs);
        if (!result.ok) {
          voidRecord(audited, result.why, opts.now());
          const status = result.why === 'not-found' ? 404 : result.why === 'expired' ? 410 : 409;
          send(res, status, {
            error: `approval is ${result.why === 'not-pending' ? result.record?.status : result.why}`,
          });
          return true;
        }
        opts.decisions?.inc({ outcome: decision });
        opts.log.info(
          {
            approvalId: id,
            approver: approver.id,
            decision,
            reason,
            subject: current.subject,
            actionHash: current.actionHash,
            auditSeq: audited.seq,
          },
          'approval decided',
        );
        send(res, 200, result.record);
        return true;
      }
      if (req.method === 'POST' && path === '/api/quarantines/release') {
        const body = await readJson(req);
        const key = body?.['key'];
        const reason = body === null ? null : reasonOf(body);
        if (typeof key !== 'string' || reason === null) {
          send(res, 400, { error: 'a JSON body with key and reason is required' });
          return true;
        }
        const held = (await opts.store.listQuarantines()).find((q) => q.key === key);
        if (held === undefined) {
          send(res, 404, { error: 'not quarantined' });
          return true;
        }
        const nowMs = opts.now();
        const audited = record({
          type: 'quarantine.released',
          key,
          quarantine_reason: held.reason,
          quarantine_trace_id: held.traceId,
          quarantined_at: new Date(held.at).toISOString(),
          reason,
          ...actor(approver, nowMs),
        });
        const released = await opts.store.releaseQuarantine(key);
        if (!released) voidRecord(audited, 'not-quarantined', opts.now());
        else
          opts.log.info({ key, approver: approver.id, reason, auditSeq: audited.seq }, 'quarantine released');
        send(res, released ? 200 : 404, released ? { released: key } : { error: 'not quarantined' });
        return true;
      }
      if (req.method === 'GET' && path === '/api/taints') {
        send(res, 200, { taints: await opts.store.listTaints(limit, opts.now()) });
        return true;
      }
      if (req.method === 'POST' && path === '/api/taints/clear') {
        await clearTaints(req, res, approver);
        return true;
      }
      const pins = /^\/v1\/pins\/([^/]{1,300})\/reset$/.exec(path);
      if (pins !== null && req.method === 'POST') {
        let server: string;
        try {
          server = canonicalAuthority(decodeURIComponent(pins[1]!), 'https');
        } catch {
          send(res, 400, { error: 'the server name is not valid percent-encoding' });
          return true;
        }
        const body = await readJson(req);
        const reason = body === null ? null : reasonOf(body);
        if (reason === null || server === '' || server.includes('/')) {
          send(res, 400, {
            error: `a server and a JSON body with a reason (1 to ${MAX_REASON} characters) are required`,
          });
          return true;
        }
        const nowMs = opts.now();
        const audited = record({ type: 'pins.reset', server, reason, ...actor(approver, nowMs) });
        const removed = await opts.store.resetPins(pinPrefix(server));
        opts.log.warn(
          { server, removed, approver: approver.id, reason, auditSeq: audited.seq },
          'tool pins reset',
        );
        send(res, 200, { server, removed });
        return true;
      }
      send(res, 404, { error: 'not found' });
    } catch (err) {
      if (err instanceof AuditRefused) {
        send(res, 500, { error: 'the audit log could not record the action; nothing was changed' });
        return true;
      }
      opts.log.error({ err, path }, 'approval API failed');
      send(res, 503, { error: 'state store unavailable' });
    }
    return true;
  };
}
