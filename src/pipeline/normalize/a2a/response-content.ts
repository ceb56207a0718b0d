/**
 * What of an A2A answer reaches the calling agent's model: the parts of every message and artifact in a
 * Task, a Message, a status or artifact update (one per SSE event of a stream), in both dialects (v1.0
 * `{"task": ...}` wrappers and v0.3 `kind` members), the text of an error, and an agent card's
 * descriptions. Pure: the response role (ext_proc) inspects exactly these parts, as MCP tool results.
 */
import { isJsonObject, type JsonObject, type JsonValue } from '../../model/json.js';

/** One part of an answer to inspect: its JSON path from the message and its value (shape of the resp registry). */
export interface A2aContentPart {
  readonly path: string;
  readonly value: JsonValue;
}

/** What one A2A JSON-RPC message from the server carries for the model. */
export interface A2aResponseContent {
  /** `task`, `message`, `status-update`, `artifact-update`, `tasks`, `error`, or `result` for any other result. */
  readonly kind: string;
  /** The task the message is about, when it names one (audit and taint say which task was read). */
  readonly taskId: string | null;
  readonly parts: readonly A2aContentPart[];
}

const str = (v: JsonValue | undefined): string | null => (typeof v === 'string' ? v : null);

/** The parts of a message (its `parts` list, whole, and its metadata) at `path`. */
function messageParts(message: JsonValue | undefined, path: string, out: A2aContentPart[]): void {
  if (!isJsonObject(message)) return;
  if (message['parts'] !== undefined) out.push({ path: `${path}.parts`, value: message['parts'] });
  if (message['metadata'] !== undefined) out.push({ path: `${path}.metadata`, value: message['metadata'] });
}

/** An artifact's name, description, parts and metadata: all of it is shown to the model. */
function artifactParts(artifact: JsonValue | undefined, path: string, out: A2aContentPart[]): void {
  if (!isJsonObject(artifact)) return;
  for (const key of ['name', 'description', 'parts', 'metadata'])
    if (artifact[key] !== undefined) out.push({ path: `${path}.${key}`, value: artifact[key] });
}

function taskParts(task: JsonObject, path: string, out: A2aContentPart[]): void {
  if (isJsonObject(task['status'])) messageParts(task['status']['message'], `${path}.status.message`, out);
  const artifacts = task['artifacts'];
  if (Array.isArray(artifacts)) artifacts.forEach((a, i) => artifactParts(a, `${path}.artifacts[${i}]`, out));
  const history = task['history'];
  if (Array.isArray(history)) history.forEach((m, i) => messageParts(m, `${path}.history[${i}]`, out));
  if (task['metadata'] !== undefined) out.push({ path: `${path}.metadata`, value: task['metadata'] });
}

/** Which event a result is: the v1.0 wrapper member, else the v0.3 `kind`, else null. */
function eventOf(result: JsonObject): { kind: string; body: JsonObject; path: string } | null {
  const v1: Readonly<Record<string, string>> = {
    task: 'task',
    message: 'message',
    statusUpdate: 'status-update',
    artifactUpdate: 'artifact-update',
  };
  const members = Object.keys(v1).filter((k) => isJsonObject(result[k]));
  // SECURITY: a result wrapping two events reads two ways: none is chosen, the whole result is read.
  if (members.length > 1) return null;
  if (members.length === 1) {
    const m = members[0]!;
    return { kind: v1[m]!, body: result[m] as JsonObject, path: `$.response.result.${m}` };
  }
  const kind = str(result['kind']);
  if (kind !== null && ['task', 'message', 'status-update', 'artifact-update'].includes(kind))
    return { kind, body: result, path: '$.response.result' };
  // A v1.0 GetTask / CancelTask answer is a bare Task: an id and a status.
  if (members.length === 0 && typeof result['id'] === 'string' && isJsonObject(result['status']))
    return { kind: 'task', body: result, path: '$.response.result' };
  return null;
}

/** The content of one JSON-RPC message an A2A server sent (a response, or one SSE event's data). */
export function a2aResponseContent(message: JsonObject): A2aResponseContent {
  const parts: A2aContentPart[] = [];
  const error = message['error'];
  // An error's message and data come from the other agent and are shown to the model too.
  if (error !== undefined)
    return { kind: 'error', taskId: null, parts: [{ path: '$.response.error', value: error }] };
  const result = message['result'];
  if (!isJsonObject(result)) {
    if (result !== undefined && result !== null) parts.push({ path: '$.response.result', value: result });
    return { kind: 'result', taskId: null, parts };
  }
  if (Array.isArray(result['tasks'])) {
    result['tasks'].forEach((t, i) => {
      if (isJsonObject(t)) taskParts(t, `$.response.result.tasks[${i}]`, parts);
    });
    return { kind: 'tasks', taskId: null, parts };
  }
  const event = eventOf(result);
  if (event === null) {
    // Any other result (a push config, an extended card) or an ambiguous one: all of it, whole.
    return { kind: 'result', taskId: null, parts: [{ path: '$.response.result', value: result }] };
  }
  const { kind, body, path } = event;
  if (kind === 'task') taskParts(body, path, parts);
  else if (kind === 'message') messageParts(body, path, parts);
  else if (kind === 'status-update') {
    if (isJsonObject(body['status']))
      messageParts(body['status']['message'], `${path}.status.message`, parts);
    if (body['metadata'] !== undefined) parts.push({ path: `${path}.metadata`, value: body['metadata'] });
  } else {
    artifactParts(body['artifact'], `${path}.artifact`, parts);
    if (body['metadata'] !== undefined) parts.push({ path: `${path}.metadata`, value: body['metadata'] });
  }
  return { kind, taskId: str(body['taskId']) ?? (kind === 'task' ? str(body['id']) : null), parts };
}

/**
 * What of an agent card reaches the model that picks an agent and a skill: its name and description and
 * each skill's name, description, tags and examples, read like MCP tool definitions (poisoning).
 */
export function agentCardContent(card: JsonValue): readonly A2aContentPart[] {
  if (!isJsonObject(card)) return [{ path: '$.response.body', value: card }];
  const parts: A2aContentPart[] = [];
  for (const key of ['name', 'description'])
    if (card[key] !== undefined) parts.push({ path: `$.response.body.${key}`, value: card[key] });
  const skills = card['skills'];
  if (Array.isArray(skills))
    skills.forEach((s, i) => {
      if (!isJsonObject(s)) return;
      for (const key of ['name', 'description', 'tags', 'examples'])
        if (s[key] !== undefined) parts.push({ path: `$.response.body.skills[${i}].${key}`, value: s[key] });
    });
  return parts;
}
