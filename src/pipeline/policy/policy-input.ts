/** What rules are evaluated over: the frozen action, the inspector findings, and facts the pipeline adds. */
import type { Action } from '../model/action.js';
import type { Finding } from '../model/finding.js';
import { READ_AFRESH, type ShellReader } from '../shell/shell-reader.js';
import type { TaintFacts } from '../taint/taint-facts.js';

/** Facts about a call that live outside the action itself; the pipeline fills them when it has them. */
export interface PolicyFacts {
  /**
   * Calls per minute by this subject, counted by the rate stage (a later issue). Absent means "not
   * measured": `context.request_rate` is then null, so `gt`/`lt` conditions on it are false, never 0.
   */
  readonly requestRate?: number;
  /**
   * The request's headers (names lower-cased), for `request.headers.<name>` and
   * `request.bearer_for_other_host`. Absent (an action-only policy test): every header reads as absent.
   */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * The upstream answer a response rule decides (`response.*` dimensions): what kind of message it is
   * (`tools/call`, `resources/read`, `sampling/createMessage`, `http`, ...) and the HTTP status. Absent for
   * a request decision: every `response.*` dimension is then null.
   */
  readonly response?: { readonly kind: string; readonly status: number | null };
  /**
   * The session's taint, read by the check role once per decision (src/pipeline/taint/). Absent (a policy
   * test without `taint:`, the verify and inbound roles): `taint.*` reads as untainted.
   */
  readonly taint?: TaintFacts;
  /**
   * For a client's MCP answer, the server request it answers as matched by id in its session
   * (`roots/list`, `sampling/createMessage`, ...), or `unmatched` for an error without an id. Absent when
   * writ recorded no server request in the session: `request.mcp_answers` is then null.
   */
  readonly mcpAnswers?: string;
  /**
   * For an MCP `resources/read` or `resources/subscribe`, the roots the client declared in its session
   * (matched `roots/list` answers), null when none are known; absent otherwise (`resource.within_roots` null).
   */
  readonly mcpRoots?: readonly string[] | null;
}

export interface PolicyInput {
  readonly action: Action;
  readonly findings: readonly Finding[];
  readonly facts: PolicyFacts;
  /** Memo for dimensions that cost something to compute (time parts, signal maxima); per decision. */
  readonly memo: Map<string, unknown>;
  /** Reads the call's command lines (`action.commands`, `action.shell`): the pipeline's reader, or afresh. */
  readonly shell: ShellReader;
}

/** Makes the input for one evaluation. */
export function policyInput(
  action: Action,
  findings: readonly Finding[],
  facts: PolicyFacts = {},
  shell: ShellReader = READ_AFRESH,
): PolicyInput {
  return { action, findings, facts, memo: new Map(), shell };
}
