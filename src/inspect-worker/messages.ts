/** What the main thread and the inspection thread send each other (src/inspect-worker/pool.ts). */
import type { ReasonCode } from '../pipeline/errors.js';
import type { InspectorConfig } from '../pipeline/inspect/inspector.js';
import type { Action } from '../pipeline/model/action.js';
import type { Finding } from '../pipeline/model/finding.js';
import type { RawRequest } from '../pipeline/model/raw-request.js';
import type { NormalizeConfig } from '../pipeline/normalize/index.js';

/** Normalize a costly request there: parse its body and read it through the adapters into one action. */
export interface NormalizeJob {
  readonly kind: 'normalize';
  readonly id: number;
  readonly raw: RawRequest;
  /**
   * Without its memo and shell reader: they hold maps of the main thread's pipeline, and only speed up (the
   * thread reads command lines with its own reader).
   */
  readonly config: Omit<NormalizeConfig, 'memo' | 'shell'>;
  /** As InspectJob's. */
  readonly cancel: SharedArrayBuffer;
}

export interface InspectJob {
  readonly kind: 'inspect';
  readonly id: number;
  readonly action: Action;
  readonly headers: Readonly<Record<string, string>>;
  /** Without the main thread's shell reader, as NormalizeJob's. */
  readonly config: Omit<InspectorConfig, 'shell'>;
  /** One Int32: set to 1 by the main thread when the decision is over (deadline passed) and the work is moot. */
  readonly cancel: SharedArrayBuffer;
}

export type WorkerJob = NormalizeJob | InspectJob;

export type WorkerReply =
  | { readonly id: number; readonly findings: Finding[] }
  | { readonly id: number; readonly action: Action }
  | {
      readonly id: number;
      /** A WritError's code (the decision is denied with it), or null for any other failure. */
      readonly error: { readonly code: ReasonCode | null; readonly message: string };
    };
