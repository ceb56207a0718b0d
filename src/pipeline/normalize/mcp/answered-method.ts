/**
 * The server request a client's result answers, read from the result's own shape: a POSTed response names
 * only the id of the request it answers, and writ keeps no table of the ids a server sent. Each shape below
 * is one result type of the specification and no other; anything else answers an unknown request (null).
 */
import { isJsonObject, type JsonObject } from '../../model/json.js';

const ELICIT_ACTIONS: ReadonlySet<string> = new Set(['accept', 'decline', 'cancel']);

/** True when the object holds no member but `_meta` (the empty result: ping, subscribe, setLevel...). */
function isEmptyResult(result: JsonObject): boolean {
  for (const key of Object.keys(result)) if (key !== '_meta') return false;
  return true;
}

/**
 * The method a result answers: `sampling/createMessage`, `elicitation/create`, `roots/list`, `ping` (an empty
 * result), or null when its shape is not one of theirs.
 */
export function answeredMethod(result: JsonObject): string | null {
  if (Array.isArray(result['roots'])) return 'roots/list';
  const action = result['action'];
  if (typeof action === 'string' && ELICIT_ACTIONS.has(action)) return 'elicitation/create';
  if (
    typeof result['model'] === 'string' &&
    typeof result['role'] === 'string' &&
    (isJsonObject(result['content']) || Array.isArray(result['content']))
  )
    return 'sampling/createMessage';
  // An empty result answers ping, the only server request a client answers with nothing.
  if (isEmptyResult(result)) return 'ping';
  return null;
}

/**
 * True when a result hands the server content from the user or a model: a sampling answer, or an elicitation
 * the user accepted. Such a result is a `send`; every other result only acknowledges or lists.
 */
export function deliversContent(method: string | null, result: JsonObject): boolean {
  if (method === 'sampling/createMessage') return true;
  return method === 'elicitation/create' && result['action'] === 'accept';
}
