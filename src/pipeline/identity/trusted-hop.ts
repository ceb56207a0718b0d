/**
 * Trusted hops: the workloads an operator names as allowed to speak for another on a request. One home for
 * "is the immediate peer a configured hop", so the verify role's token forwarders (`--token-forwarders`)
 * and the origin hops (`--origin-hops`) are matched the same way: by the workload writ itself
 * authenticated for this request (`IdentityStage.boundWorkload`: the mTLS peer principal, or the trusted
 * proxy's XFCC element), never by anything the request says about itself.
 */
import { ORIGIN_HEADER } from '../headers.js';
import type { Action } from '../model/action.js';
import type { RawRequest } from '../model/raw-request.js';

/** Whether `peer` (an authenticated SPIFFE ID, "" when none) is one of `hops`. */
export function isTrustedHop(peer: string, hops: readonly string[] | undefined): boolean {
  return peer !== '' && hops !== undefined && hops.includes(peer);
}

/**
 * The action with `context.origin` as a trusted hop named it (`x-writ-origin`), else null. SECURITY: the
 * agent's own side can set any header; from a peer that is not an origin hop the header is ignored for
 * every decision (it is not a finding either: its value would be the agent's choice). Session taint
 * (docs/session-taint.md) is the primary cross-trust-boundary signal and needs no header at all.
 */
export function withHopOrigin(
  action: Action,
  raw: RawRequest,
  peer: string,
  hops: readonly string[] | undefined,
): Action {
  const origin = isTrustedHop(peer, hops) ? (raw.headers[ORIGIN_HEADER] ?? null) : null;
  return origin === action.context.origin ? action : { ...action, context: { ...action.context, origin } };
}
