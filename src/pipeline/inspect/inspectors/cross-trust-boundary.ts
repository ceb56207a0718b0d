/** cross-trust-boundary: content from an untrusted origin (mail, web, ticket, inbound caller) driving a privileged sink. */
import type { Finding, Severity } from '../../model/finding.js';
import { makeFinding, type InspectionInput, type Inspector } from '../inspector.js';
import { hostMatches } from '../../normalize/host-pattern.js';
import { isShellTool } from '../lib/leaf-role.js';
import { TAGS } from '../tags.js';

const ID = 'cross-trust-boundary';
const tags = TAGS[ID];

/** Origins whose content an attacker can write. */
const UNTRUSTED_ORIGINS = new Set([
  'email',
  'mail',
  'web',
  'webpage',
  'web-page',
  'ticket',
  'issue',
  'document',
  'doc',
  'inbound',
  'external',
  'tool-result',
  'tool_result',
  'rag',
  'retrieval',
  'chat-external',
  'slack-external',
  'pr',
  'pull-request',
  'comment',
  'upload',
  'unknown',
]);

/** An environment named like production (a module constant: a regex literal allocates on each run). */
const PROD_PREFIX = /^prod/i;

/** The privileged sink an action reaches, or null when it is not privileged. */
function privilegedSink(input: InspectionInput): string | null {
  const { action, resource } = input.action;
  const prod = input.config.productionDatabases;
  if (isShellTool(input.action) || action.operation === 'exec') return 'shell';
  if (
    (resource.database !== null && prod.includes(resource.database)) ||
    (resource.environment !== null &&
      (prod.includes(resource.environment) || PROD_PREFIX.test(resource.environment)))
  ) {
    if (action.operation !== 'read') return 'production-write';
    return 'production-read';
  }
  if (action.operation === 'admin') return 'admin';
  if (action.operation === 'delete') return 'delete';
  if (action.operation === 'pay') return 'payment';
  if (
    action.operation === 'send' &&
    (resource.external ||
      resource.recipients.some(
        (r) => !hostMatches(r.slice(r.lastIndexOf('@') + 1), input.config.internalDomains),
      ))
  )
    return 'external-send';
  return null;
}

const SINK_SEVERITY: Record<string, Severity> = {
  shell: 'high',
  'production-write': 'critical',
  'production-read': 'medium',
  admin: 'high',
  delete: 'high',
  payment: 'high',
  'external-send': 'high',
};

/** Flags privileged actions whose driving content came from outside the trust boundary. */
export const crossTrustBoundaryInspector: Inspector = {
  id: ID,
  version: '1.0.0',
  inspect(input: InspectionInput): readonly Finding[] {
    const out: Finding[] = [];
    const sink = privilegedSink(input);
    if (sink === null) return out;
    const { context, subject } = input.action;
    const origin = context.origin?.toLowerCase() ?? null;
    if (origin !== null && UNTRUSTED_ORIGINS.has(origin)) {
      out.push(
        makeFinding(
          { id: ID },
          'untrusted-origin-to-privileged-sink',
          SINK_SEVERITY[sink] ?? 'high',
          '$.context.origin',
          `${origin} -> ${sink}`,
          tags,
        ),
      );
    }
    if (subject.authMethod === 'none' || subject.spiffeId === null) {
      out.push(
        makeFinding(
          { id: ID },
          'unauthenticated-privileged-call',
          'high',
          '$.subject.authMethod',
          `${subject.authMethod} -> ${sink}`,
          tags,
        ),
      );
    }
    if (context.hops >= 2) {
      out.push(
        makeFinding(
          { id: ID },
          'delegated-privileged-call',
          'medium',
          '$.context.hops',
          `${context.hops} hops -> ${sink}`,
          tags,
          context.hops,
        ),
      );
    }
    return out;
  },
};
