/**
 * Tool-definition pins (rug pull) and description checks for MCP `tools/list` responses, as the ext_proc
 * role sees them: each tool's definition is hashed (SHA-256 of its RFC 8785 form) and pinned per MCP
 * server on first sight in the shared store; a later list that changes a pinned definition is blocked,
 * and so is a list whose descriptions hide instructions for the model (the tool-poisoning inspector).
 */
import { createHash, randomBytes } from 'node:crypto';
import { toolPoisoningInspector } from '../inspect/inspectors/tool-poisoning.js';
import type { InspectorConfig } from '../inspect/inspector.js';
import { blankAction, type Action } from '../model/action.js';
import { severityRank, type Finding } from '../model/finding.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../model/json.js';
import { decodeUtf8Strict, parseStrictJson } from '../normalize/strict-json.js';
import type { ReasonCode } from '../errors.js';
import type { StateStore } from '../../state/store.js';
import { canonicalJson } from '../bind/canonical-json.js';

/** True when a JSON-RPC request body (one message or a batch) calls `tools/list`. */
export function isToolsListRequest(body: Uint8Array): boolean {
  let parsed: JsonValue;
  try {
    parsed = parseStrictJson(decodeUtf8Strict(body));
  } catch {
    // The check role parses the same bytes strictly and denies what it cannot read; nothing to pin here.
    return false;
  }
  const messages = Array.isArray(parsed) ? parsed : [parsed];
  return messages.some((m) => isJsonObject(m) && m['method'] === 'tools/list');
}

/** The JSON-RPC messages of a response body: one JSON document, or the `data` of each SSE event. */
function messagesOf(body: Uint8Array, contentType: string): JsonValue[] {
  const text = decodeUtf8Strict(body);
  if (!/^\s*text\/event-stream\b/i.test(contentType))
    return text.trim() === '' ? [] : [parseStrictJson(text)];
  // MCP's Streamable HTTP may answer with server-sent events; each event's data lines form one message.
  const out: JsonValue[] = [];
  let data: string[] = [];
  const dispatch = () => {
    if (data.length > 0) out.push(parseStrictJson(data.join('\n')));
    data = [];
  };
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line === '') dispatch();
    else if (line.startsWith('data:')) data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
  }
  dispatch();
  return out;
}

/**
 * The tool definitions of every JSON-RPC result in a response (`result.tools`), or null when the body
 * cannot be read strictly. SECURITY: a client may read an ambiguous body (a repeated key, bad UTF-8)
 * differently from writ, so an unreadable tools/list response is withheld rather than passed on.
 */
export function toolsInResponse(body: Uint8Array, contentType: string): JsonValue[] | null {
  let messages: JsonValue[];
  try {
    messages = messagesOf(body, contentType);
  } catch {
    return null;
  }
  const tools: JsonValue[] = [];
  for (const doc of messages)
    for (const m of Array.isArray(doc) ? doc : [doc]) {
      if (!isJsonObject(m) || !isJsonObject(m['result'])) continue;
      const list = m['result']['tools'];
      if (list === undefined) continue;
      if (!Array.isArray(list)) return null;
      tools.push(...list);
    }
  return tools;
}

/** The SHA-256 (hex) of a tool definition's RFC 8785 serialization. */
export function toolDefinitionHash(tool: JsonValue): string {
  const text = canonicalJson(tool);
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * The value a pin is stored as: `<definition hash>.<nonce>`. The nonce is fresh on every attempt, so the
 * one attempt (of any replica) that created the pin is the one that reads its own value back: that is how
 * a first-time pin is told apart from one made before, without a second store call. A pin stored as the
 * bare hash (before the nonce was added) still compares by its hash.
 */
export const pinValue = (hash: string): string => `${hash}.${randomBytes(9).toString('base64url')}`;
/** The definition hash a stored pin holds. */
export const pinnedHash = (value: string): string => value.split('.')[0] ?? value;

/** The store key of one tool's pin: `<server>/<tool name>` (a server key never holds `/`). */
export const pinKey = (server: string, tool: string): string => `${server}/${tool}`;
/** The prefix of every pin of one server, for a reset. */
export const pinPrefix = (server: string): string => `${server}/`;

/** What a tools/list response check found. `code` is null when the response may pass. */
export interface ToolListVerdict {
  readonly code: ReasonCode | null;
  /** Names of pinned tools whose definition differs from the pin. */
  readonly changed: readonly string[];
  /** Names of tools whose definition equals their pin (pinned by this response or before). */
  readonly unchanged: readonly string[];
  /** Tools this response pinned for the first time (sorted by name): what `tools.pinned` records. */
  readonly pinned: ReadonlyArray<{ readonly name: string; readonly hash: string }>;
  /** For each changed tool, the pinned and the offered definition hash (sorted by name). */
  readonly changes: ReadonlyArray<{ readonly name: string; readonly pinned: string; readonly seen: string }>;
  /** Tool-poisoning findings of severity high or critical. */
  readonly findings: readonly Finding[];
  readonly tools: number;
}

const INSPECTOR_CONFIG: InspectorConfig = {
  egressAllowlist: [],
  internalDomains: [],
  productionDatabases: [],
  protectedBranches: [],
};

/** A minimal action around a tool list, so the tool-poisoning inspector reads it as a tools/list payload. */
function listAction(server: string, path: string, tools: JsonValue[]): Action {
  return blankAction({
    action: {
      adapter: 'mcp',
      tool: 'tools/list',
      operation: 'read',
      httpMethod: 'POST',
      mcpMethod: 'tools/list',
    },
    resource: { uri: `https://${server}${path}`, host: server, path },
    context: { origin: 'tool', contentType: 'application/json' },
    payload: { result: { tools } },
  });
}

const HIGH = severityRank('high');

/**
 * Checks the tools of one tools/list response from `server`: description checks first (a poisoned
 * tool is never pinned), then every named tool is pinned once (first definition wins, shared across
 * replicas) and compared with its pin. Rejects when the store is unreachable.
 */
export async function checkToolList(
  store: StateStore,
  server: string,
  path: string,
  tools: readonly JsonValue[],
): Promise<ToolListVerdict> {
  const base = { changed: [], unchanged: [], pinned: [], changes: [], findings: [], tools: tools.length };
  if (tools.length === 0) return { code: null, ...base };
  const named = tools.filter((t): t is JsonObject => isJsonObject(t) && typeof t['name'] === 'string');
  // A tool without a name cannot be pinned, and a client may still show it to the model.
  if (named.length !== tools.length) return { code: 'ERR_TOOL_LIST_INVALID', ...base };
  const findings = toolPoisoningInspector
    .inspect({ action: listAction(server, path, [...tools]), leaves: [], config: INSPECTOR_CONFIG })
    .filter((f) => f.id !== 'tool-poisoning.definition-changed' && severityRank(f.severity) >= HIGH);
  if (findings.length > 0) return { code: 'ERR_TOOL_POISONED', ...base, findings };
  const changes: { name: string; pinned: string; seen: string }[] = [];
  const unchanged: string[] = [];
  const pinned: { name: string; hash: string }[] = [];
  await Promise.all(
    named.map(async (tool) => {
      const name = tool['name'] as string;
      const hash = toolDefinitionHash(tool);
      const offered = pinValue(hash);
      const pin = await store.pinOnce(pinKey(server, name), offered);
      if (pin === offered) pinned.push({ name, hash });
      if (pinnedHash(pin) === hash) unchanged.push(name);
      else changes.push({ name, pinned: pinnedHash(pin), seen: hash });
    }),
  );
  const byName = (a: { name: string }, b: { name: string }) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  changes.sort(byName);
  pinned.sort(byName);
  const changed = changes.map((c) => c.name);
  return {
    code: changed.length > 0 ? 'ERR_TOOL_DEFINITION_CHANGED' : null,
    changed,
    unchanged,
    pinned,
    changes,
    findings,
    tools: tools.length,
  };
}
