/**
 * What a response answers: ext_proc sees the request's headers and body on the same stream before the
 * response, so the JSON-RPC calls of the request (method, id, tool) are read from there, bounded, and each
 * response message is matched to the call it answers by its id.
 */
import { isJsonObject, type JsonObject, type JsonValue } from '../model/json.js';
import { decodeUtf8Strict, parseStrictJson } from '../normalize/strict-json.js';

/** A request body larger than this is not read for its calls: its responses are read as plain HTTP. */
export const MAX_REQUEST_BODY_BYTES = 1024 * 1024;

/** One JSON-RPC call of the request: what a response with its id answers. */
export interface AnsweredCall {
  readonly method: string;
  /** The JSON-RPC id (a string or a number). */
  readonly id: string | number;
  /** The tool, resource or prompt it names: `params.name` (tools/call, prompts/get) or `params.uri`. */
  readonly tool: string | null;
}

/** The request as the response role remembers it. */
export interface RequestReading {
  /** True when the body is JSON-RPC (one message or a batch). */
  readonly rpc: boolean;
  /** Every method the body names (calls and notifications), in order. */
  readonly methods: readonly string[];
  /** The calls that expect a response. */
  readonly calls: readonly AnsweredCall[];
}

/** A request with no body writ read (a GET, a large upload, bytes that are not JSON). */
export const NOT_RPC: RequestReading = Object.freeze({ rpc: false, methods: [], calls: [] });

function toolOf(method: string, params: JsonValue | undefined): string | null {
  if (!isJsonObject(params)) return null;
  const name =
    method === 'resources/read' || method === 'resources/subscribe' ? params['uri'] : params['name'];
  return typeof name === 'string' ? name.slice(0, 512) : null;
}

/** Reads the JSON-RPC calls of a request body; NOT_RPC when it is not JSON-RPC or larger than the bound. */
export function readRequestBody(body: Uint8Array): RequestReading {
  if (body.length === 0 || body.length > MAX_REQUEST_BODY_BYTES) return NOT_RPC;
  let parsed: JsonValue;
  try {
    parsed = parseStrictJson(decodeUtf8Strict(body));
  } catch {
    // The check role parsed the same bytes strictly and denied what it could not read.
    return NOT_RPC;
  }
  const messages = Array.isArray(parsed) ? parsed : [parsed];
  const methods: string[] = [];
  const calls: AnsweredCall[] = [];
  let rpc = false;
  for (const m of messages) {
    if (!isJsonObject(m) || m['jsonrpc'] !== '2.0') continue;
    rpc = true;
    const method = m['method'];
    if (typeof method !== 'string') continue;
    methods.push(method);
    const id = m['id'];
    if (typeof id === 'string' || typeof id === 'number')
      calls.push({ method, id, tool: toolOf(method, m['params']) });
  }
  return rpc ? { rpc, methods, calls } : NOT_RPC;
}

/** The JSON-RPC id of a message, when it has a valid one (a string or a number). */
export function rpcIdOf(message: JsonObject): string | number | null {
  const id = message['id'];
  return typeof id === 'string' || typeof id === 'number' ? id : null;
}

/** The call a response message with this id answers, if the request made it. */
export function callAnswered(request: RequestReading, id: JsonValue | undefined): AnsweredCall | null {
  if (typeof id !== 'string' && typeof id !== 'number') return null;
  // INVARIANT: ids compare by type and value, as JSON-RPC matches them (1 is not "1").
  return request.calls.find((c) => c.id === id) ?? null;
}
