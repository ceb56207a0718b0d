/**
 * Typed readings of MCP tool calls: a family reads a tool that carries one of its API's operations (by the
 * tool's name and arguments, or by the HTTP request the arguments spell out: `{"method","url","body"}`), and
 * the MCP adapter folds the reading into its own. The MCP adapter stays the adapter (`action.adapter: mcp`).
 */
import type { OperationClass } from '../../model/action.js';
import { isJsonObject, type JsonValue } from '../../model/json.js';
import type { AdapterResult } from '../adapter.js';
import { API_FAMILIES } from '../adapters/families.js';
import { riskierReading } from '../../model/operation-danger.js';
import { classifyToolName } from '../operation-class.js';
import { readSqlOperation } from '../sql-arguments.js';
import type { ApiFamily, ApiRequest, ToolCall } from './api-family.js';
import { DEFAULT_API_HOSTS, type ApiHostLists } from './api-hosts.js';
import { familyClaims } from './family-claims.js';
import { riskiestReading, type ApiReading } from './api-reading.js';
import { typedActionPart, typedResourceHints } from './typed-result.js';

const URL_KEYS = ['url', 'uri', 'endpoint'];
const BODY_KEYS = ['body', 'data', 'json', 'payload'];
/** Method-override headers an HTTP tool may pass on (the same names normalize/upstream-target.ts reads). */
const OVERRIDE_HEADERS: ReadonlySet<string> = new Set([
  'x-http-method-override',
  'x-http-method',
  'x-method-override',
]);

function firstOf(args: ToolCall['arguments'], keys: readonly string[]): JsonValue | undefined {
  for (const k of keys) if (Object.hasOwn(args, k)) return args[k];
  return undefined;
}

/** Methods named by override headers in a tool's `headers` argument, upper-case. */
function overrideMethods(headers: JsonValue | undefined): string[] {
  if (!isJsonObject(headers)) return [];
  const out: string[] = [];
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (OVERRIDE_HEADERS.has(name.toLowerCase().replaceAll('_', '-')) && typeof value === 'string')
      out.push(value.trim().toUpperCase());
  }
  return out;
}

/**
 * The HTTP request a tool's arguments spell out, with every method it may run, or null. A tool that names a
 * URL but no method runs GET, as every HTTP client does by default.
 */
export function requestInArguments(
  args: ToolCall['arguments'],
): { request: ApiRequest; methods: readonly string[] } | null {
  const url = firstOf(args, URL_KEYS);
  if (typeof url !== 'string') return null;
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return null;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return null;
  const method = args['method'];
  const decided =
    typeof method === 'string' && method.trim().length > 0 ? method.trim().toUpperCase() : 'GET';
  const body = firstOf(args, BODY_KEYS) ?? null;
  const query: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  for (const [k, v] of parsed.searchParams) (query[k] ??= []).push(v);
  const request: ApiRequest = {
    method: decided,
    host: parsed.hostname.toLowerCase(),
    pathname: parsed.pathname,
    query,
    contentType: isJsonObject(body) || Array.isArray(body) ? 'application/json' : '',
    body,
    bodyIsJson: isJsonObject(body) || Array.isArray(body),
  };
  return { request, methods: [decided, ...overrideMethods(args['headers'])] };
}

/** Every typed reading of one tool call by the given families. */
export function readToolCall(
  call: ToolCall,
  families: readonly ApiFamily[] = API_FAMILIES,
  apiHosts: ApiHostLists = DEFAULT_API_HOSTS,
): ApiReading[] {
  const readings: ApiReading[] = [];
  for (const family of families) {
    const r = family.readToolCall?.(call) ?? null;
    if (r !== null) readings.push(r);
  }
  const carried = requestInArguments(call.arguments);
  if (carried !== null) {
    const { request, methods } = carried;
    for (const family of families) {
      if (!familyClaims(family, request, apiHosts)) continue;
      const main = family.readRequest(request);
      let operation: OperationClass = main.operation;
      for (const m of methods.slice(1))
        operation = riskierReading(operation, family.readRequest({ ...request, method: m }).operation);
      readings.push({ ...main, operation });
      break;
    }
  }
  return readings;
}

/**
 * The MCP adapter's result for a tools/call with every typed reading folded in: the class raised to the
 * riskiest reading (a tool named `get_x` that deletes a repository deletes), the API operation id and the
 * resource facts added. Only a tool whose name and SQL say nothing takes a typed class below its own.
 */
export function withApiToolCall(
  result: AdapterResult,
  call: ToolCall,
  families: readonly ApiFamily[] = API_FAMILIES,
  apiHosts: ApiHostLists = DEFAULT_API_HOSTS,
): AdapterResult {
  const reading = riskiestReading(readToolCall(call, families, apiHosts));
  if (reading === null) return result;
  const own = result.action.operation;
  const saysNothing =
    own === 'unknown' &&
    classifyToolName(call.tool) === 'unknown' &&
    readSqlOperation(call.arguments) === null;
  const operation = saysNothing ? reading.operation : riskierReading(own, reading.operation);
  return {
    action: typedActionPart(result.action, { ...reading, operation }),
    resource: typedResourceHints(result.resource ?? {}, reading),
  };
}
