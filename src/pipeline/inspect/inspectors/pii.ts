/** pii: e-mail, phone, national ids (SSN, NINO, DNI), payment cards (Luhn), IBAN (mod-97), IPs, record counts. */
import type { Finding, Severity } from '../../model/finding.js';
import type { JsonValue } from '../../model/json.js';
import { makeFinding, type InspectionInput, type Inspector } from '../inspector.js';
import { isKeyLeaf } from '../lib/leaf-role.js';
import { findPii, type PiiMatch } from '../lib/pii-patterns.js';
import { maskEmail, maskTail } from '../lib/redact.js';
import { TAGS } from '../tags.js';

const ID = 'pii';
const tags = TAGS[ID];

/** This many records in one call is bulk personal data (a signal rules compare via `count`). */
export const BULK_RECORDS = 50;

const SEVERITY: Record<PiiMatch['kind'], Severity> = {
  'credit-card': 'high',
  ssn: 'high',
  'national-id': 'high',
  iban: 'medium',
  email: 'low',
  phone: 'low',
  'ip-address': 'info',
};

/** Fields that hold personal data in structured records. */
const PERSONAL_FIELD =
  /^(?:e-?mail|email_address|phone|phone_number|mobile|tel|ssn|dob|date_of_birth|birth_?date|address|street|first_?name|last_?name|full_?name|name|customer|customer_name|card|card_number|iban|passport|national_id|tax_id)$/;

/** The largest array of objects that carry personal fields, found anywhere in the arguments. */
function largestRecordSet(value: JsonValue, depth = 0): number {
  if (depth > 32 || value === null || typeof value !== 'object') return 0;
  if (Array.isArray(value)) {
    let personal = 0;
    let best = 0;
    for (const item of value) {
      if (
        item !== null &&
        typeof item === 'object' &&
        !Array.isArray(item) &&
        Object.keys(item).some((k) => PERSONAL_FIELD.test(k.toLowerCase()))
      )
        personal++;
      best = Math.max(best, largestRecordSet(item, depth + 1));
    }
    return Math.max(best, personal);
  }
  let best = 0;
  for (const k of Object.keys(value))
    best = Math.max(best, largestRecordSet(value[k] as JsonValue, depth + 1));
  return best;
}

function evidence(m: PiiMatch): string {
  return m.kind === 'email' ? maskEmail(m.match) : maskTail(m.match);
}

/** Flags personal data, one finding per leaf and kind with a count, plus bulk record sets. */
export const piiInspector: Inspector = {
  id: ID,
  version: '1.0.0',
  inspect(input: InspectionInput): readonly Finding[] {
    const out: Finding[] = [];
    let total = 0;
    for (const leaf of input.leaves) {
      if (leaf.value.length < 6 || isKeyLeaf(leaf) || leaf.source === 'url') continue;
      const matches = findPii(leaf.value);
      // PERF: most leaves hold no personal data; the grouping map is made only for those that do.
      if (matches.length === 0) continue;
      const byKind = new Map<PiiMatch['kind'], PiiMatch[]>();
      for (const m of matches) {
        const list = byKind.get(m.kind);
        if (list === undefined) byKind.set(m.kind, [m]);
        else list.push(m);
      }
      for (const [kind, list] of byKind) {
        total += list.length;
        out.push(
          makeFinding({ id: ID }, kind, SEVERITY[kind], leaf.path, evidence(list[0]!), tags, list.length),
        );
      }
    }
    const records = Math.max(largestRecordSet(input.action.action.arguments), total);
    if (records >= BULK_RECORDS) {
      out.push(
        makeFinding(
          { id: ID },
          'bulk-records',
          records >= 10 * BULK_RECORDS ? 'critical' : 'high',
          '$.action.arguments',
          `${records} records`,
          tags,
          records,
        ),
      );
    }
    return out;
  },
};
