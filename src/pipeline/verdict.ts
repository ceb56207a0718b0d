/** Verdict: the pipeline's answer, in writ's terms; the transport maps it onto Envoy's CheckResponse. */
import type { ReasonCode } from './errors.js';
import type { Finding } from './model/finding.js';
import type { Role } from './model/raw-request.js';
import type { Decision } from './policy/types.js';

/** What a decision looked like at each stage: printed by `writ demo`, sent as Envoy dynamic metadata. */
export interface DecisionTrace {
  readonly requested: {
    readonly method: string;
    readonly authority: string;
    readonly path: string;
    readonly bodyBytes: number;
  };
  readonly normalized: {
    readonly adapter: string;
    readonly tool: string;
    readonly operation: string;
    /** The API's own operation id a typed adapter read (`repos/delete`), null when none did. */
    readonly apiOperation: string | null;
    /** What the call acts on, as a typed adapter read it: kind, owner and id (null where it did not say). */
    readonly resourceKind: string | null;
    readonly resourceOwner: string | null;
    readonly resourceId: string | null;
    readonly subject: string | null;
    readonly host: string;
    readonly database: string | null;
    readonly external: boolean;
  } | null;
  readonly inspectors: ReadonlyArray<{
    readonly id: string;
    readonly severity: string;
    readonly path: string;
    readonly occurrences: number;
  }>;
  readonly policy: {
    readonly decision: Decision;
    readonly rules: readonly string[];
    readonly version: string;
  } | null;
  readonly enforcement: {
    readonly tokenId: string | null;
    readonly expiresAt: number | null;
    readonly obligations: string | null;
  };
  readonly audit: { readonly seq: number; readonly hash: string; readonly prev: string } | null;
}

export interface Verdict {
  readonly role: Role;
  readonly decision: Decision;
  readonly code: ReasonCode;
  readonly message: string;
  readonly traceId: string;
  readonly rules: readonly string[];
  readonly policyVersion: string;
  readonly findings: readonly Finding[];
  /** Headers to set on the request that goes upstream (the execution token, obligations). */
  readonly upstreamHeaders: Readonly<Record<string, string>>;
  /** Headers to strip from the request before it goes upstream. */
  readonly removeHeaders: readonly string[];
  /** Extra fields for the deny body (approval details). */
  readonly details?: Readonly<Record<string, string | number | readonly string[]>>;
  readonly trace: DecisionTrace;
}

/** True for the two decisions that let the request proceed. */
export function isAllowed(decision: Decision): boolean {
  return decision === 'ALLOW' || decision === 'ALLOW_WITH_OBLIGATIONS';
}
