/**
 * MCP messages as the official SDK (@modelcontextprotocol/sdk) defines them: every method of its request and
 * notification unions with params its own schemas accept, and the results and errors a client POSTs back.
 * Tests build their messages here so that what writ is asked to read is what an SDK puts on the wire.
 */
import {
  ClientNotificationSchema,
  ClientRequestSchema,
  ClientResultSchema,
  JSONRPCMessageSchema,
  ServerNotificationSchema,
  ServerRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';

type Union = {
  readonly options: ReadonlyArray<{ readonly shape: { readonly method: { readonly value: string } } }>;
};

/** The method names of one of the SDK's unions (its zod literals). */
export function sdkMethods(schema: unknown): string[] {
  return (schema as Union).options.map((o) => o.shape.method.value);
}

/** Every method the SDK defines, with the unions it belongs to. */
export const SDK_UNIONS = {
  clientRequest: sdkMethods(ClientRequestSchema),
  serverRequest: sdkMethods(ServerRequestSchema),
  clientNotification: sdkMethods(ClientNotificationSchema),
  serverNotification: sdkMethods(ServerNotificationSchema),
} as const;

const NOW = '2026-01-05T10:00:00.000Z';

/** Params for each method, accepted by the SDK's schema of that method. */
export const SAMPLE_PARAMS: Readonly<Record<string, Record<string, unknown> | undefined>> = {
  ping: undefined,
  initialize: {
    protocolVersion: '2025-06-18',
    capabilities: { roots: { listChanged: true }, sampling: {}, elicitation: {} },
    clientInfo: { name: 'writ-test', version: '1.0.0' },
  },
  'completion/complete': {
    ref: { type: 'ref/resource', uri: 'file:///project/{path}' },
    argument: { name: 'path', value: 'src/ma' },
  },
  'logging/setLevel': { level: 'info' },
  'prompts/get': { name: 'code_review', arguments: { code: 'fn main() {}' } },
  'prompts/list': {},
  'resources/list': { cursor: 'page-2' },
  'resources/templates/list': {},
  'resources/read': { uri: 'file:///project/src/main.rs' },
  'resources/subscribe': { uri: 'file:///project/README.md' },
  'resources/unsubscribe': { uri: 'file:///project/README.md' },
  'tools/call': { name: 'get_weather', arguments: { city: 'Paris' } },
  'tools/list': {},
  'tasks/get': { taskId: 'task-1' },
  'tasks/result': { taskId: 'task-1' },
  'tasks/list': {},
  'tasks/cancel': { taskId: 'task-1' },
  'sampling/createMessage': {
    messages: [{ role: 'user', content: { type: 'text', text: 'Summarize the release notes.' } }],
    maxTokens: 200,
  },
  'elicitation/create': {
    message: 'Which environment should I deploy to?',
    requestedSchema: { type: 'object', properties: { environment: { type: 'string' } } },
  },
  'roots/list': {},
  'notifications/cancelled': { requestId: 7, reason: 'the user stopped it' },
  'notifications/progress': { progressToken: 'p-1', progress: 1, total: 4 },
  'notifications/initialized': {},
  'notifications/roots/list_changed': {},
  'notifications/tasks/status': {
    taskId: 'task-1',
    status: 'working',
    ttl: null,
    createdAt: NOW,
    lastUpdatedAt: NOW,
  },
  'notifications/message': { level: 'info', logger: 'db', data: 'connected' },
  'notifications/resources/updated': { uri: 'file:///project/src/main.rs' },
  'notifications/resources/list_changed': {},
  'notifications/tools/list_changed': {},
  'notifications/prompts/list_changed': {},
  'notifications/elicitation/complete': { elicitationId: 'el-1' },
};

const UNION_OF: Record<string, unknown> = {
  clientRequest: ClientRequestSchema,
  serverRequest: ServerRequestSchema,
  clientNotification: ClientNotificationSchema,
  serverNotification: ServerNotificationSchema,
};

type Parser = { safeParse(v: unknown): { success: boolean; error?: unknown } };

/** Throws unless the SDK's own schemas accept the value (as `union` and as a JSON-RPC message). */
export function sdkAccepts(
  union: keyof typeof SDK_UNIONS | 'clientResult',
  message: Record<string, unknown>,
): void {
  const { jsonrpc: _j, id: _i, ...inner } = message;
  const schema = (union === 'clientResult' ? ClientResultSchema : UNION_OF[union]) as Parser;
  const checked = union === 'clientResult' ? message['result'] : inner;
  const own = schema.safeParse(checked);
  if (!own.success) throw new Error(`the SDK's ${union} schema refuses ${JSON.stringify(message)}`);
  if (!(JSONRPCMessageSchema as Parser).safeParse(message).success)
    throw new Error(`the SDK's JSONRPCMessageSchema refuses ${JSON.stringify(message)}`);
}

let nextId = 1;

/** A JSON-RPC request or notification of `method` with its sample params, checked against the SDK. */
export function sdkMessage(union: keyof typeof SDK_UNIONS, method: string): Record<string, unknown> {
  const params = SAMPLE_PARAMS[method];
  if (!(method in SAMPLE_PARAMS)) throw new Error(`no sample params for "${method}"`);
  const notification = union.endsWith('Notification');
  const message: Record<string, unknown> = {
    jsonrpc: '2.0',
    ...(notification ? {} : { id: nextId++ }),
    method,
    ...(params === undefined ? {} : { params }),
  };
  sdkAccepts(union, message);
  return message;
}

/** Results a client POSTs back for the server's requests, each accepted by the SDK's ClientResultSchema. */
export const CLIENT_RESULTS: ReadonlyArray<{
  readonly answers: string | null;
  readonly result: Record<string, unknown>;
}> = [
  { answers: 'ping', result: {} },
  {
    answers: 'sampling/createMessage',
    result: {
      role: 'assistant',
      model: 'claude-x',
      stopReason: 'endTurn',
      content: { type: 'text', text: 'The notes list three fixes.' },
    },
  },
  { answers: 'elicitation/create', result: { action: 'accept', content: { environment: 'staging' } } },
  { answers: 'elicitation/create', result: { action: 'decline' } },
  { answers: 'elicitation/create', result: { action: 'cancel' } },
  { answers: 'roots/list', result: { roots: [{ uri: 'file:///home/dev/project', name: 'project' }] } },
  {
    answers: null,
    result: { taskId: 'task-1', status: 'completed', ttl: 60000, createdAt: NOW, lastUpdatedAt: NOW },
  },
  { answers: null, result: { tasks: [] } },
];

/** A JSON-RPC result message, checked against the SDK. */
export function sdkResult(
  result: Record<string, unknown>,
  id: string | number = nextId++,
): Record<string, unknown> {
  const message = { jsonrpc: '2.0', id, result };
  sdkAccepts('clientResult', message);
  return message;
}

/** A JSON-RPC error message, checked against the SDK's JSONRPCMessageSchema. */
export function sdkError(
  code: number,
  message: string,
  id: string | number | null = nextId++,
): Record<string, unknown> {
  const out = { jsonrpc: '2.0', ...(id === null ? {} : { id }), error: { code, message } };
  if (!(JSONRPCMessageSchema as Parser).safeParse(out).success) throw new Error('the SDK refuses the error');
  return out;
}
