/** What the main thread and the inspection thread send each other (src/inspect-worker/pool.ts). */
import type { ReasonCode } from '../pipeline/errors.js';
import type { InspectorConfig } from '../pipeline/inspect/inspector.js';
import type { Action } from '../pipeline/model/action.js';
import type { Finding } from '../pipeline/model/finding.js';

export interface InspectJob {
  readonly id: number;
  readonly action: Action;
  readonly headers: Readonly<Record<string, string>>;
  readonly config: InspectorConfig;
  /** One Int32: set to 1 by the main thread when the decision is over (deadline passed) and the work is moot. */
  readonly cancel: SharedArrayBuffer;
}

export type InspectReply =
  | { readonly id: number; readonly findings: Finding[] }
  | {
      readonly id: number;
      /** A WritError's code (the decision is denied with it), or null for any other failure. */
      readonly error: { readonly code: ReasonCode | null; readonly message: string };
    };
