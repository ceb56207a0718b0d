/**
 * Maps audit records to OCSF 1.3 events for SIEMs (docs/siem.md): decisions as API Activity
 * (class 6003) with the Security Control profile (allowed / denied), chain events as their own
 * API Activity "Other" events. Fields OCSF has no attribute for go under `unmapped`.
 */
import type { JsonValue } from '../../pipeline/model/json.js';
import type { AuditEvent } from '../../pipeline/audit-record/audit-event.js';

/** OCSF version the mapping targets. */
export const OCSF_VERSION = '1.3.0';
const CLASS_API_ACTIVITY = 6003;
const CATEGORY_APPLICATION = 6;

/** One audit record as the exporter receives it (the chain's fields plus the event). */
export interface ExportRecord {
  readonly seq: number;
  readonly hash: string;
  readonly timeMs: number;
  readonly event: AuditEvent;
}

// API Activity activity_id: 1 Create, 2 Read, 3 Update, 4 Delete, 99 Other.
const ACTIVITY_BY_OPERATION: Readonly<Record<string, { id: number; name: string }>> = {
  read: { id: 2, name: 'Read' },
  write: { id: 3, name: 'Update' },
  delete: { id: 4, name: 'Delete' },
};
// OCSF severity_id: 1 Informational, 2 Low, 3 Medium, 4 High, 5 Critical.
const SEVERITY: Readonly<Record<string, { id: number; name: string }>> = {
  info: { id: 1, name: 'Informational' },
  low: { id: 2, name: 'Low' },
  medium: { id: 3, name: 'Medium' },
  high: { id: 4, name: 'High' },
  critical: { id: 5, name: 'Critical' },
};

const str = (v: JsonValue | undefined): string | null => (typeof v === 'string' ? v : null);
/** A field as text: strings as they are, anything else as JSON (never "[object Object]"). */
const text = (v: JsonValue | undefined): string =>
  typeof v === 'string' ? v : v === undefined ? '' : JSON.stringify(v);

function maxSeverity(findings: JsonValue | undefined): { id: number; name: string } {
  let best = SEVERITY['info']!;
  if (!Array.isArray(findings)) return best;
  for (const f of findings) {
    const s =
      f !== null && typeof f === 'object' && !Array.isArray(f) ? SEVERITY[text(f['severity'])] : undefined;
    if (s !== undefined && s.id > best.id) best = s;
  }
  return best;
}

/** The OCSF event for one record; pure, so the exporter can run it off the decision path. */
export function toOcsf(
  rec: ExportRecord,
  product: { readonly version: string; readonly replica: string },
): Record<string, JsonValue> {
  // Both event shapes are JSON objects; read them field by field.
  const e = rec.event as unknown as Readonly<Record<string, JsonValue>>;
  const metadata = {
    version: OCSF_VERSION,
    product: { name: 'writ', vendor_name: 'writ', version: product.version },
    log_name: 'writ-audit',
    log_provider: product.replica,
    sequence: rec.seq,
    uid: `${product.replica}:${rec.seq}`,
    profiles: ['security_control'],
  };
  if (e['type'] !== 'decision') {
    // Chain events (checkpoints, anchors, key changes, recovery): API Activity "Other".
    return {
      class_uid: CLASS_API_ACTIVITY,
      class_name: 'API Activity',
      category_uid: CATEGORY_APPLICATION,
      category_name: 'Application Activity',
      activity_id: 99,
      activity_name: 'Other',
      type_uid: CLASS_API_ACTIVITY * 100 + 99,
      time: rec.timeMs,
      severity_id: 1,
      severity: 'Informational',
      status_id: 1,
      status: 'Success',
      message: text(e['type']),
      metadata: { ...metadata, event_code: text(e['type']) },
      api: { operation: text(e['type']), service: { name: 'writ-audit' } },
      actor: { app_name: 'writ' },
      unmapped: { writ: { ...e, chain_hash: rec.hash } },
    };
  }
  const decision = text(e['decision']);
  const allowed = decision === 'ALLOW' || decision === 'ALLOW_WITH_OBLIGATIONS';
  const errored = text(e['code']).startsWith('ERR_');
  const activity = ACTIVITY_BY_OPERATION[text(e['operation'])] ?? { id: 99, name: 'Other' };
  const severity = maxSeverity(e['findings']);
  const subject = str(e['subject']);
  return {
    class_uid: CLASS_API_ACTIVITY,
    class_name: 'API Activity',
    category_uid: CATEGORY_APPLICATION,
    category_name: 'Application Activity',
    activity_id: activity.id,
    activity_name: activity.name,
    type_uid: CLASS_API_ACTIVITY * 100 + activity.id,
    time: rec.timeMs,
    severity_id: severity.id,
    severity: severity.name,
    // status: did writ reach a decision (Success) or fail closed with an error code (Failure).
    status_id: errored ? 2 : 1,
    status: errored ? 'Failure' : 'Success',
    status_code: text(e['code']),
    ...(typeof e['message'] === 'string' ? { status_detail: e['message'] } : {}),
    // Security Control profile: 1 Allowed / 2 Denied; a pending approval is denied until approved.
    action_id: allowed ? 1 : 2,
    action: allowed ? 'Allowed' : 'Denied',
    disposition_id: allowed ? 1 : 2,
    disposition: allowed ? 'Allowed' : 'Blocked',
    message: `${decision} ${text(e['code'])}${e['tool'] === null ? '' : ` ${text(e['tool'])}`}`,
    metadata: { ...metadata, correlation_uid: text(e['trace_id']), event_code: 'decision' },
    actor: { user: { uid: subject, type_id: 99, type: 'Agent workload' }, app_name: str(e['adapter']) },
    api: {
      operation: str(e['tool']) ?? text(e['method']),
      service: { name: text(e['host']) },
      request: { uid: text(e['trace_id']) },
    },
    http_request: {
      http_method: text(e['method']),
      url: { hostname: text(e['host']), path: text(e['path']) },
    },
    dst_endpoint: { hostname: text(e['host']) },
    unmapped: {
      writ: {
        role: e['role'] ?? null,
        decision,
        rules: e['rules'] ?? [],
        policy_version: e['policy_version'] ?? null,
        operation: e['operation'] ?? null,
        action_hash: e['action_hash'] ?? null,
        token_id: e['token_id'] ?? null,
        query_sha256: e['query_sha256'] ?? null,
        body_sha256: e['body_sha256'] ?? null,
        body_bytes: e['body_bytes'] ?? null,
        findings: e['findings'] ?? [],
        ...(e['obligations'] === undefined ? {} : { obligations: e['obligations'] }),
        chain_seq: rec.seq,
        chain_hash: rec.hash,
      },
    },
  };
}
