/** What the main thread and the inspection thread send each other (src/inspect-worker/pool.ts). */
import type { ReasonCode } from '../pipeline/errors.js';
import type { KeepArguments, KeptFacts } from '../pipeline/kept-arguments.js';
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
  /**
   * For a single (not batched) action, answer the facts of its arguments and payload instead of them
   * (src/pipeline/kept-arguments.ts); `until-inspected` keeps them here for an `InspectKeptJob`.
   */
  readonly keep: KeepArguments;
  /** As InspectJob's. */
  readonly cancel: SharedArrayBuffer;
}

/** Inspect an action whose arguments and payload this thread kept when it normalized it (job `handle`). */
export interface InspectKeptJob {
  readonly kind: 'inspect-kept';
  readonly id: number;
  readonly handle: number;
  /**
   * The action as the main thread decides it (identity applied), its arguments and payload null: the thread
   * puts its kept ones back in their place.
   */
  readonly action: Action;
  readonly headers: Readonly<Record<string, string>>;
  readonly config: Omit<InspectorConfig, 'shell'>;
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

export type WorkerJob = NormalizeJob | InspectJob | InspectKeptJob;

export type WorkerReply =
  | { readonly id: number; readonly findings: Finding[] }
  | { readonly id: number; readonly action: Action }
  /** A normalized action kept here: the rest of it (arguments and payload null) and their facts. */
  | { readonly id: number; readonly kept: { readonly action: Action; readonly facts: KeptFacts } }
  | {
      readonly id: number;
      /** A WritError's code (the decision is denied with it), or null for any other failure. */
      readonly error: { readonly code: ReasonCode | null; readonly message: string };
    };
