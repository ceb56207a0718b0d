/**
 * The approval API on the admin port: list, show, approve and deny approvals, list and release
 * quarantines, recent decisions. Every route needs an authenticated approver; an agent can never
 * decide its own action.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PipelineLogger } from '../pipeline/deps.js';
import type { StateStore } from '../state/store.js';
import { isSelfApproval, type ApproverAuth } from './approver-auth.js';
import type { Counter } from './metrics.js';
import type { RecentDecisions } from './recent-decisions.js';

export interface ApprovalApiOptions {
  readonly store: StateStore;
  readonly auth: ApproverAuth;
  readonly recent?: RecentDecisions;
  readonly now: () => number;
  readonly log: PipelineLogger;
  /** Counts decisions by outcome (`approved`, `denied`, `refused`). */
  readonly decisions?: Counter;
}

const MAX_BODY = 16 * 1024;
const MAX_REASON = 500;

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

/** Handles `/api/*`; returns false for any other path so the admin server can route it. */
export function createApprovalApi(opts: ApprovalApiOptions) {
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
    if (!url.pathname.startsWith('/api/')) return false;
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
        send(res, 200, { approver: approver.id, method: approver.method });
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
        const record = await opts.store.getApproval(id);
        if (record === null) {
          send(res, 404, { error: 'no such approval' });
          return true;
        }
        // SECURITY: the agent that asked may never be the one that approves.
        if (isSelfApproval(approver, record.subject, record.agent)) {
          opts.decisions?.inc({ outcome: 'refused' });
          opts.log.warn({ approvalId: id, approver: approver.id }, 'self-approval refused');
          send(res, 403, { error: 'an agent cannot decide its own approval' });
          return true;
        }
        const decision = one[2] === 'approve' ? 'approved' : 'denied';
        const result = await opts.store.decideApproval(id, decision, approver.id, reason, opts.now());
        if (!result.ok) {
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
            subject: record.subject,
            actionHash: record.actionHash,
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
        const released = await opts.store.releaseQuarantine(key);
        if (released) opts.log.info({ key, approver: approver.id, reason }, 'quarantine released');
        send(res, released ? 200 : 404, released ? { released: key } : { error: 'not quarantined' });
        return true;
      }
      send(res, 404, { error: 'not found' });
    } catch (err) {
      opts.log.error({ err, path }, 'approval API failed');
      send(res, 503, { error: 'state store unavailable' });
    }
    return true;
  };
}
