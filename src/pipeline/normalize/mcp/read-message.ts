/**
 * One JSON-RPC 2.0 message of MCP, read strictly: a request, a notification, a result or an error. A member
 * JSON-RPC does not define, a missing or doubled member, or an id of the wrong type is ERR_MCP_INVALID: what
 * a server would ignore or read differently, writ refuses rather than guesses.
 */
import { WritError } from '../../errors.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../../model/json.js';
import { mcpMethod, type McpMethod } from './methods.js';

/** The four kinds of JSON-RPC message MCP sends. */
export type McpMessageKind = 'request' | 'notification' | 'result' | 'error';

/** A request or notification: a method and its params. */
export interface McpCall {
  readonly kind: 'request' | 'notification';
  readonly method: string;
  /** The specification's entry for the method; null for a method it does not define. */
  readonly spec: McpMethod | null;
  /** `params`, null when absent. */
  readonly params: JsonObject | JsonValue[] | null;
}

/** A response: the `result` object, or the `error` object. */
export interface McpAnswer {
  readonly kind: 'result' | 'error';
  /** The object the message carries (`result` or `error`). */
  readonly body: JsonObject;
}

/** One MCP message. */
export type McpMessage = McpCall | McpAnswer;

const CALL_MEMBERS: ReadonlySet<string> = new Set(['jsonrpc', 'id', 'method', 'params']);
const RESULT_MEMBERS: ReadonlySet<string> = new Set(['jsonrpc', 'id', 'result']);
const ERROR_MEMBERS: ReadonlySet<string> = new Set(['jsonrpc', 'id', 'error']);
const ERROR_OBJECT_MEMBERS: ReadonlySet<string> = new Set(['code', 'message', 'data']);

/** The error for a malformed message, naming where it stands (`batch element 3: ...`). */
function invalid(where: string, why: string): WritError {
  return new WritError('ERR_MCP_INVALID', where === '' ? why : `${where}: ${why}`);
}

function onlyMembers(message: JsonObject, allowed: ReadonlySet<string>, where: string): void {
  for (const key of Object.keys(message))
    if (!allowed.has(key)) throw invalid(where, `unknown JSON-RPC member "${key.slice(0, 32)}"`);
}

// MCP: "the request ID MUST NOT be null"; JSON-RPC allows a string or an integer.
function isRequestId(id: JsonValue | undefined): boolean {
  return typeof id === 'string' || (typeof id === 'number' && Number.isInteger(id));
}

/**
 * Reads one message. `where` names it in errors (empty for a lone message). Throws ERR_MCP_INVALID for
 * anything that is not exactly one of the four kinds.
 */
export function readMcpMessage(value: JsonValue, where = ''): McpMessage {
  if (!isJsonObject(value)) throw invalid(where, 'a JSON-RPC message must be an object');
  if (value['jsonrpc'] !== '2.0') throw invalid(where, 'jsonrpc must be "2.0"');
  const has = (k: string) => Object.prototype.hasOwnProperty.call(value, k);
  if (has('method')) {
    onlyMembers(value, CALL_MEMBERS, where);
    const method = value['method'];
    if (typeof method !== 'string' || method.length === 0)
      throw invalid(where, 'method must be a non-empty string');
    const params = has('params') ? value['params']! : null;
    if (params !== null && !isJsonObject(params) && !Array.isArray(params))
      throw invalid(where, 'params must be an object or an array');
    const spec = mcpMethod(method);
    const kind = has('id') ? 'request' : 'notification';
    // SECURITY: a tools/call without an id is ignored by a conforming server and run by a lenient one; a
    // message whose kind is not its method's is refused, never read one way or the other.
    if (spec !== null && spec.kind !== kind)
      throw invalid(where, `"${method}" is a ${spec.kind} and this message is a ${kind}`);
    if (kind === 'request' && !isRequestId(value['id']))
      throw invalid(where, 'a request id must be a string or an integer');
    return { kind, method, spec, params };
  }
  if (has('result') === has('error'))
    throw invalid(
      where,
      has('result')
        ? 'a response carries both result and error'
        : 'JSON-RPC message without a method, a result or an error',
    );
  if (has('result')) {
    onlyMembers(value, RESULT_MEMBERS, where);
    if (!isRequestId(value['id'])) throw invalid(where, 'a result id must be a string or an integer');
    const result = value['result']!;
    if (!isJsonObject(result)) throw invalid(where, 'result must be an object');
    return { kind: 'result', body: result };
  }
  onlyMembers(value, ERROR_MEMBERS, where);
  // JSON-RPC: an error answering a request that could not be read (a parse error) has a null id; MCP
  // 2025-11-25 lets it leave the id out.
  const id = value['id'];
  if (id !== undefined && id !== null && !isRequestId(id))
    throw invalid(where, 'an error id must be a string, an integer or null');
  const error = value['error']!;
  if (!isJsonObject(error)) throw invalid(where, 'error must be an object');
  onlyMembers(error, ERROR_OBJECT_MEMBERS, where === '' ? 'error' : `${where} error`);
  if (typeof error['code'] !== 'number' || !Number.isInteger(error['code']))
    throw invalid(where, 'error.code must be an integer');
  if (typeof error['message'] !== 'string') throw invalid(where, 'error.message must be a string');
  return { kind: 'error', body: error };
}
