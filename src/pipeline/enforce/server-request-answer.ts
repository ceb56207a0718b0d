/**
 * A client's JSON-RPC response matched to the server request it answers (issue 16 item 1): the response
 * role records each request an MCP server sends in its session (roles/response.ts), and the check role
 * takes that record here when the client POSTs the answer, so each request is answered once and only what
 * was asked is answered (docs/mcp.md, "Answers matched by id").
 */
import type { PipelineDeps } from '../deps.js';
import type { Action } from '../model/action.js';
import { isJsonObject, type JsonValue } from '../model/json.js';
import { keptFacts } from '../kept-arguments.js';
import { mcpTaintKey, taintScopeOf } from '../taint/taint-keys.js';
import { DEFAULT_ROOTS_TTL_MS, rpcIdKey } from '../../state/store.js';
import { stateful } from './quarantine.js';

/** What an answer was matched to. */
export type AnswerMatch =
  /** Not a lone MCP answer in a session writ has recorded server requests in: read by its shape as before. */
  | { readonly kind: 'unmatched-session' }
  /** The server request it answers (`roots/list`, `sampling/createMessage`, ...), now taken. */
  | { readonly kind: 'answers'; readonly method: string }
  /** An error without an id (it answers a request the client could not read): nothing to match it to. */
  | { readonly kind: 'no-id' }
  /** Its id matches no request recorded in this session (never sent, lapsed, or already answered). */
  | { readonly kind: 'unsolicited'; readonly id: string };

/** What answer matching reads of a message: its id and the roots a roots/list result declares. */
export interface AnswerParts {
  /** The JSON-RPC id when it is a string or a number; null for any other (or none). */
  readonly id: string | number | null;
  /** The `uri` strings of `result.roots` when that is a list; null otherwise. */
  readonly rootUris: readonly string[] | null;
}

/** The parts of a message answer matching reads; null when the payload is not a JSON object. */
export function answerParts(payload: JsonValue): AnswerParts | null {
  // A payload kept on the inspection thread was read there by this same function (kept-arguments.ts).
  const kept = keptFacts(payload);
  if (kept !== undefined) return kept.answer;
  if (!isJsonObject(payload)) return null;
  const id = payload['id'];
  const result = payload['result'];
  return {
    id: typeof id === 'string' || typeof id === 'number' ? id : null,
    rootUris:
      isJsonObject(result) && Array.isArray(result['roots'])
        ? result['roots'].flatMap((r) => (isJsonObject(r) && typeof r['uri'] === 'string' ? [r['uri']] : []))
        : null,
  };
}

const UNMATCHED: AnswerMatch = Object.freeze({ kind: 'unmatched-session' });
const NO_ID: AnswerMatch = Object.freeze({ kind: 'no-id' });

/**
 * Matches a lone MCP result or error to the server request it answers, taking the record (single use).
 * A session writ has recorded no server request in (no `Mcp-Session-Id`, a session whose requests came
 * through another gateway, or the older HTTP+SSE transport, whose stream carries no session header) keeps
 * the reading by shape alone: writ cannot tell an unsolicited answer there from one it never saw asked.
 * A batch's answers are not matched (MCP 2025-06-18 removed batches; older ones are read by shape).
 */
export async function matchAnswer(
  deps: Pick<PipelineDeps, 'store' | 'now'>,
  action: Action,
  headers: Readonly<Record<string, string>>,
): Promise<AnswerMatch> {
  const kind = action.action.mcpKind;
  if (action.action.adapter !== 'mcp' || (kind !== 'result' && kind !== 'error')) return UNMATCHED;
  if (action.elements !== undefined) return UNMATCHED;
  const parts = answerParts(action.payload);
  if (parts === null) return UNMATCHED;
  const scope = taintScopeOf(action, headers);
  if (scope.mcpSessionId === null || scope.mcpSessionId === '') return UNMATCHED;
  const id = parts.id;
  const session = mcpTaintKey(scope.server, scope.mcpSessionId);
  if (typeof id !== 'string' && typeof id !== 'number') {
    // A null id still says whether the session is known, without taking anything: `null` is the key of
    // no recordable id (only strings and integers are recorded).
    const m = await stateful(deps.store.takeServerRequest(session, 'null', deps.now()));
    return m.session === 'unknown' ? UNMATCHED : NO_ID;
  }
  const m = await stateful(deps.store.takeServerRequest(session, rpcIdKey(id), deps.now()));
  if (m.session === 'unknown') return UNMATCHED;
  if (m.method === null) return { kind: 'unsolicited', id: rpcIdKey(id).slice(0, 80) };
  // A matched roots/list answer declares the session's roots: resource reads are judged against them.
  if (m.method === 'roots/list' && parts.rootUris !== null) {
    await stateful(deps.store.recordRoots(session, [...parts.rootUris], DEFAULT_ROOTS_TTL_MS, deps.now()));
  }
  return { kind: 'answers', method: m.method };
}

/** Methods whose `params.uri` names a resource judged against the session's roots. */
const RESOURCE_METHODS: ReadonlySet<string> = new Set(['resources/read', 'resources/subscribe']);

/**
 * The roots the client declared in the session of a lone `resources/read` or `resources/subscribe`, for
 * `resource.within_roots`; undefined when the call is neither or names no MCP session, null when the
 * session declared none writ matched.
 */
export async function sessionRoots(
  deps: Pick<PipelineDeps, 'store' | 'now'>,
  action: Action,
  headers: Readonly<Record<string, string>>,
): Promise<readonly string[] | null | undefined> {
  const method = action.action.mcpMethod;
  if (action.action.adapter !== 'mcp' || method === null || !RESOURCE_METHODS.has(method)) return undefined;
  const scope = taintScopeOf(action, headers);
  if (scope.mcpSessionId === null || scope.mcpSessionId === '') return undefined;
  return stateful(deps.store.rootsOf(mcpTaintKey(scope.server, scope.mcpSessionId), deps.now()));
}

/** The answered method as policy sees it (`request.mcp_answers`): the method, `unmatched`, or absent. */
export function answersFact(match: AnswerMatch): string | undefined {
  if (match.kind === 'answers') return match.method;
  return match.kind === 'no-id' ? 'unmatched' : undefined;
}
