/**
 * Every MCP method of the specification (2024-11-05, 2025-03-26, 2025-06-18, 2025-11-25), each with who
 * sends it, whether it is a request or a notification, and the operation class writ gives it. A method not
 * in this table is read by the verbs of its name (`classifyToolName`), as before, and marked unlisted.
 */
import type { OperationClass } from '../../model/action.js';

/** Who sends a method: the client, the server, or either side (ping, cancellation, progress, tasks). */
export type McpSender = 'client' | 'server' | 'either';

/** One method of the specification. */
export interface McpMethod {
  readonly sender: McpSender;
  readonly kind: 'request' | 'notification';
  /**
   * What the method does to its receiver's world. tools/call is classed by its tool (and its SQL), not here.
   * WHY most are `read`: listing, reading, subscribing, completing, pinging and notifying change no data;
   * the content they carry is still inspected. logging/setLevel and tasks/cancel change the receiver's state.
   */
  readonly operation: OperationClass;
  /** The first version that defines it. */
  readonly since: '2024-11-05' | '2025-03-26' | '2025-06-18' | '2025-11-25';
}

const m = (
  sender: McpSender,
  kind: McpMethod['kind'],
  operation: OperationClass,
  since: McpMethod['since'] = '2024-11-05',
): McpMethod => Object.freeze({ sender, kind, operation, since });

/** The methods, by name; a null-prototype record so `__proto__` or `constructor` is never a method. */
export const MCP_METHODS: Readonly<Record<string, McpMethod>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, McpMethod>, {
    // Lifecycle and utilities.
    initialize: m('client', 'request', 'read'),
    'notifications/initialized': m('client', 'notification', 'read'),
    ping: m('either', 'request', 'read'),
    'notifications/cancelled': m('either', 'notification', 'read'),
    'notifications/progress': m('either', 'notification', 'read'),
    // Tools (tools/call's operation comes from its tool; `unknown` here is never used for it).
    'tools/list': m('client', 'request', 'read'),
    'tools/call': m('client', 'request', 'unknown'),
    'notifications/tools/list_changed': m('server', 'notification', 'read'),
    // Resources.
    'resources/list': m('client', 'request', 'read'),
    'resources/templates/list': m('client', 'request', 'read'),
    'resources/read': m('client', 'request', 'read'),
    'resources/subscribe': m('client', 'request', 'read'),
    'resources/unsubscribe': m('client', 'request', 'read'),
    'notifications/resources/list_changed': m('server', 'notification', 'read'),
    'notifications/resources/updated': m('server', 'notification', 'read'),
    // Prompts.
    'prompts/list': m('client', 'request', 'read'),
    'prompts/get': m('client', 'request', 'read'),
    'notifications/prompts/list_changed': m('server', 'notification', 'read'),
    // Completion and logging.
    'completion/complete': m('client', 'request', 'read'),
    'logging/setLevel': m('client', 'request', 'write'),
    'notifications/message': m('server', 'notification', 'read'),
    // Client features the server asks for: sampling, roots, elicitation.
    'sampling/createMessage': m('server', 'request', 'read'),
    'roots/list': m('server', 'request', 'read'),
    'notifications/roots/list_changed': m('client', 'notification', 'read'),
    'elicitation/create': m('server', 'request', 'read', '2025-06-18'),
    'notifications/elicitation/complete': m('server', 'notification', 'read', '2025-11-25'),
    // Tasks (2025-11-25): either side polls or cancels the tasks it started on the other.
    'tasks/get': m('either', 'request', 'read', '2025-11-25'),
    'tasks/result': m('either', 'request', 'read', '2025-11-25'),
    'tasks/list': m('either', 'request', 'read', '2025-11-25'),
    'tasks/cancel': m('either', 'request', 'write', '2025-11-25'),
    'notifications/tasks/status': m('either', 'notification', 'read', '2025-11-25'),
  }),
);

/** The specification's entry for a method, or null when it defines none (an extension or a typo). */
export function mcpMethod(name: string): McpMethod | null {
  return MCP_METHODS[name] ?? null;
}

/** The protocol versions writ reads (the `MCP-Protocol-Version` header); anything else is refused. */
export const MCP_PROTOCOL_VERSIONS: readonly string[] = Object.freeze([
  // 2024-10-07 preceded the first release; the official SDK still negotiates it.
  '2024-10-07',
  '2024-11-05',
  '2025-03-26',
  '2025-06-18',
  '2025-11-25',
]);
