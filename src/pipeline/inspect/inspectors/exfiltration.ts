/** exfiltration: sensitive data (secrets, personal data, record sets) headed outside the trust boundary. */
import type { Finding, Severity } from '../../model/finding.js';
import type { JsonValue } from '../../model/json.js';
import { makeFinding, type InspectionInput, type Inspector } from '../inspector.js';
import { hostMatches } from '../../normalize/host-pattern.js';
import { isKeyLeaf } from '../lib/leaf-role.js';
import { findPii } from '../lib/pii-patterns.js';
import { excerpt } from '../lib/redact.js';
import { leafTraits, TOKEN_RUN } from '../lib/leaf-traits.js';
import { findSecrets } from '../lib/secret-patterns.js';
import { TAGS } from '../tags.js';

const ID = 'exfiltration';
const tags = TAGS[ID];

/** Headers that present a credential to the service being called. */
const CREDENTIAL_HEADERS: ReadonlySet<string> = new Set(['authorization', 'proxy-authorization', 'cookie']);

/** Personal values in one call that make it a bulk transfer. */
const BULK_PII = 20;
/** Query values or subdomain labels this long and random are data being smuggled out, not parameters. */
const SMUGGLE_MIN = 48;

/** The common answer, shared: most calls stay inside. */
const INTERNAL = Object.freeze({ external: false, why: '' });

function external(input: InspectionInput): { external: boolean; why: string } {
  const { resource } = input.action;
  const { internalDomains, egressAllowlist } = input.config;
  if (resource.external) return { external: true, why: resource.host };
  let outsideRecipients = 0;
  for (const r of resource.recipients)
    if (!hostMatches(r.slice(r.lastIndexOf('@') + 1), internalDomains)) outsideRecipients++;
  if (outsideRecipients > 0) return { external: true, why: `${outsideRecipients} external recipients` };
  const configured = internalDomains.length > 0 || egressAllowlist.length > 0;
  if (configured && resource.host !== '' && !hostMatches(resource.host, internalDomains))
    return { external: true, why: resource.host };
  return INTERNAL;
}

function arrayRecords(value: JsonValue, depth = 0): number {
  if (depth > 32 || value === null || typeof value !== 'object') return 0;
  if (Array.isArray(value))
    return Math.max(
      value.filter((v) => v !== null && typeof v === 'object' && !Array.isArray(v)).length,
      ...value.map((v) => arrayRecords(v, depth + 1)),
    );
  let best = 0;
  for (const k of Object.keys(value)) best = Math.max(best, arrayRecords(value[k] as JsonValue, depth + 1));
  return best;
}

/** Flags secrets, personal data and bulk records leaving for an external host or recipient. */
export const exfiltrationInspector: Inspector = {
  id: ID,
  version: '1.0.0',
  inspect(input: InspectionInput): readonly Finding[] {
    const out: Finding[] = [];
    const dest = external(input);
    if (!dest.external) return out;
    let secrets = 0;
    let pii = 0;
    let sensitivePii = 0;
    let firstPath = '';
    // A credential in Authorization/Cookie sent to an allowlisted API authenticates the agent to that API;
    // it is not data leaving. The same secret in a body or query still counts.
    const allowlistedHost = hostMatches(input.action.resource.host, input.config.egressAllowlist);
    for (let i = 0; i < input.leaves.length; i++) {
      const leaf = input.leaves[i]!;
      if (isKeyLeaf(leaf) || leaf.source === 'url' || leaf.value.length < 6) continue;
      if (allowlistedHost && leaf.source === 'header' && CREDENTIAL_HEADERS.has(leaf.key)) continue;
      const s = findSecrets(leaf.value, 8, (leafTraits(input, i) & TOKEN_RUN) !== 0).length;
      const p = findPii(leaf.value, 5_000);
      if ((s > 0 || p.length > 0) && firstPath === '') firstPath = leaf.path;
      secrets += s;
      pii += p.filter((m) => m.kind !== 'ip-address').length;
      sensitivePii += p.filter(
        (m) => m.kind === 'credit-card' || m.kind === 'ssn' || m.kind === 'national-id' || m.kind === 'iban',
      ).length;
      // Long random query values and subdomains carry data past content filters.
      if (
        leaf.source === 'query' &&
        leaf.value.length >= SMUGGLE_MIN &&
        /^[A-Za-z0-9+/=_%-]+$/.test(leaf.value)
      ) {
        out.push(
          makeFinding(
            { id: ID },
            'encoded-data-in-url',
            'medium',
            leaf.path,
            excerpt(leaf.value, 0, 16),
            tags,
            leaf.value.length,
          ),
        );
      }
    }
    const host = input.action.resource.host;
    if (
      host.split('.').some((label) => label.length >= 40 && /^[a-z0-9-]+$/i.test(label) && /\d/.test(label))
    ) {
      out.push(
        makeFinding({ id: ID }, 'dns-smuggling', 'medium', '$.resource.host', excerpt(host, 0, 24), tags),
      );
    }
    const records = Math.max(arrayRecords(input.action.action.arguments), pii);
    const reason = `to ${dest.why}`;
    if (secrets > 0)
      out.push(
        makeFinding(
          { id: ID },
          'secret-to-external',
          'critical',
          firstPath,
          `${secrets} secrets ${reason}`,
          tags,
          secrets,
        ),
      );
    if (sensitivePii > 0)
      out.push(
        makeFinding(
          { id: ID },
          'pii-to-external',
          'high',
          firstPath,
          `${sensitivePii} sensitive values ${reason}`,
          tags,
          sensitivePii,
        ),
      );
    else if (pii > 0) {
      const severity: Severity = pii >= BULK_PII ? 'high' : 'low';
      out.push(
        makeFinding(
          { id: ID },
          'pii-to-external',
          severity,
          firstPath,
          `${pii} personal values ${reason}`,
          tags,
          pii,
        ),
      );
    }
    if (records >= BULK_PII && (pii > 0 || sensitivePii > 0)) {
      out.push(
        makeFinding(
          { id: ID },
          'bulk-to-external',
          records >= 200 ? 'critical' : 'high',
          '$.action.arguments',
          `${records} records ${reason}`,
          tags,
          records,
        ),
      );
    }
    return out;
  },
};
