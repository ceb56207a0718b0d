/**
 * The A2A JSON-RPC methods, in both dialects the official SDK speaks: v1.0 (`SendMessage`, ...) and v0.3
 * (`message/send`, ...). Each maps to one v1.0 name, the tool policies match, and to what it does.
 */
import type { OperationClass } from '../../model/action.js';

/** One A2A method as writ governs it. */
export interface A2aMethod {
  /** The v1.0 name, whichever dialect was sent: what `action.tool` holds. */
  readonly name: string;
  readonly operation: OperationClass;
  /** Its params carry a message (`params.message`) whose parts are read and checked. */
  readonly carriesMessage: boolean;
}

const method = (name: string, operation: OperationClass, carriesMessage = false): A2aMethod =>
  Object.freeze({ name, operation, carriesMessage });

// A message to another agent is a send; a cancel changes a task's state; a push config makes the other
// agent call a URL later (a write); reading tasks, subscribing to one and reading cards only read.
const V1: readonly A2aMethod[] = [
  method('SendMessage', 'send', true),
  method('SendStreamingMessage', 'send', true),
  method('GetTask', 'read'),
  method('ListTasks', 'read'),
  method('CancelTask', 'write'),
  method('SubscribeToTask', 'read'),
  method('CreateTaskPushNotificationConfig', 'write'),
  method('GetTaskPushNotificationConfig', 'read'),
  method('ListTaskPushNotificationConfigs', 'read'),
  method('DeleteTaskPushNotificationConfig', 'delete'),
  method('GetExtendedAgentCard', 'read'),
];

/** v0.3 method -> its v1.0 name. */
const V03: Readonly<Record<string, string>> = {
  'message/send': 'SendMessage',
  'message/stream': 'SendStreamingMessage',
  'tasks/get': 'GetTask',
  'tasks/list': 'ListTasks',
  'tasks/cancel': 'CancelTask',
  'tasks/resubscribe': 'SubscribeToTask',
  'tasks/pushNotificationConfig/set': 'CreateTaskPushNotificationConfig',
  'tasks/pushNotificationConfig/get': 'GetTaskPushNotificationConfig',
  'tasks/pushNotificationConfig/list': 'ListTaskPushNotificationConfigs',
  'tasks/pushNotificationConfig/delete': 'DeleteTaskPushNotificationConfig',
  'agent/getAuthenticatedExtendedCard': 'GetExtendedAgentCard',
};

const BY_NAME: ReadonlyMap<string, A2aMethod> = new Map([
  ...V1.map((m) => [m.name, m] as const),
  ...Object.entries(V03).map(([v03, v1]) => [v03, V1.find((m) => m.name === v1)!] as const),
]);

// Lower-cased, as a lenient server might compare: used only to recognise an A2A message off an endpoint.
const LOOSE: ReadonlySet<string> = new Set([...BY_NAME.keys()].map((k) => k.toLowerCase()));

/** The method a server dispatching on the exact name runs, or null for a name A2A does not define. */
export function a2aMethod(name: string): A2aMethod | null {
  return BY_NAME.get(name) ?? null;
}

/** Whether a name reads as an A2A method to any server, exact or not (` SendMessage`, `MESSAGE/SEND`). */
export function looksLikeA2aMethod(name: string): boolean {
  return LOOSE.has(name.trim().toLowerCase());
}

/** Whether a v0.3 spelling was used (its parts carry `kind`). */
export function isV03Method(name: string): boolean {
  return Object.hasOwn(V03, name);
}
