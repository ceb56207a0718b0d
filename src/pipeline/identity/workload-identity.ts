/**
 * Workload identity: the subject's SPIFFE ID from the peer principal (or, only when configured, from the
 * XFCC element the adjacent proxy appended), accepted only from configured trust domains.
 */
import { parseSpiffeId, type SpiffeId } from './spiffe-id.js';
import { fail, quote, type IdentityFailure } from './identity-errors.js';
import { formatSpiffeId, isTrustedDomain } from './spiffe-match.js';
import { lastXfccUri } from './xfcc.js';

/** How the workload identity is established for one listener. */
export interface WorkloadIdentityConfig {
  /** Trust domains whose SVIDs are accepted, e.g. `cluster.local`; compared exactly after parsing. */
  readonly trustedTrustDomains: readonly string[];
  /** Use `x-forwarded-client-cert` instead of the peer principal; off unless a trusted proxy sets it. */
  readonly xfcc?: {
    /** When set, the last element's `By` must be this SPIFFE ID (the adjacent proxy's own identity). */
    readonly trustedProxy?: string;
  };
}

/** The request facts identity is taken from (already mapped out of Envoy's types). */
export interface WorkloadIdentityInput {
  /** `attributes.source.principal`, the URI SAN of the mTLS peer, or empty. */
  readonly principal: string | undefined;
  /** The raw `x-forwarded-client-cert` header, if any. */
  readonly xfcc?: string | undefined;
}

/** An authenticated workload: its parsed SPIFFE ID and where it came from. */
export interface WorkloadIdentity {
  readonly ok: true;
  readonly id: SpiffeId;
  readonly uri: string;
  readonly source: 'peer' | 'xfcc';
}

/** Authenticates the workload; an empty or malformed principal is unauthenticated, never anonymous-allowed. */
export function resolveWorkloadIdentity(
  input: WorkloadIdentityInput,
  config: WorkloadIdentityConfig,
): WorkloadIdentity | IdentityFailure {
  let uri: string;
  let source: 'peer' | 'xfcc';
  if (config.xfcc !== undefined) {
    const last = lastXfccUri(input.xfcc ?? '', config.xfcc.trustedProxy);
    if (!last.ok) return last;
    uri = last.uri;
    source = 'xfcc';
  } else {
    uri = input.principal ?? '';
    source = 'peer';
  }
  if (uri.length === 0) return fail('ERR_IDENTITY_UNAUTHENTICATED', 'no peer principal');
  const id = parseSpiffeId(uri);
  if (id === null) return fail('ERR_IDENTITY_UNAUTHENTICATED', `principal ${quote(uri)} is not a spiffe id`);
  if (!isTrustedDomain(id, config.trustedTrustDomains)) {
    return fail('ERR_IDENTITY_UNTRUSTED_DOMAIN', `trust domain ${quote(id.trustDomain)} is not trusted`);
  }
  return { ok: true, id, uri: formatSpiffeId(id), source };
}
