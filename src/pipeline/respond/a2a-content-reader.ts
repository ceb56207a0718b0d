/**
 * A2A's response content reader: what an A2A agent answers (a Task, a Message, each status or artifact
 * update of a stream, an error) read by its parts (src/pipeline/normalize/a2a/response-content.ts), and its
 * agent card read as tool definitions are. It claims an exchange by where the request went (a configured
 * A2A endpoint), never by method name: `tasks/get` is an MCP method too.
 */
import type { JsonObject, JsonValue } from '../model/json.js';
import { isJsonObject } from '../model/json.js';
import { a2aResponseContent, agentCardContent } from '../normalize/a2a/response-content.js';
import { callAnswered, rpcIdOf } from './answered-request.js';
import type { ResponseContent, ResponseContentReader } from './response-content.js';

export const a2aContentReader: ResponseContentReader = {
  protocol: 'a2a',
  claims: (_request, endpoint) => endpoint === 'a2a',
  read(message, request) {
    const method = message['method'];
    if (typeof method === 'string') {
      // An A2A server sends no requests on this binding; one that does is read whole, as MCP's would be,
      // and has no caller waiting for it.
      return {
        protocol: 'a2a',
        kind: method,
        tool: null,
        id: rpcIdOf(message),
        fromServer: true,
        parts: [{ path: '$.response', value: message }],
      };
    }
    const read = a2aResponseContent(message);
    return {
      protocol: 'a2a',
      // response.kind: the method answered (`SendMessage`, `message/send`), else what the answer is.
      kind: callAnswered(request, message['id'])?.method ?? read.kind,
      tool: null,
      id: rpcIdOf(message),
      fromServer: false,
      parts: read.parts,
    };
  },
};

/**
 * An agent card returned to the agent: its descriptions are content a model reads to pick an agent and a
 * skill, and the card's skills (and the card itself) are offered like tools, so tool-poisoning judges them
 * as a tool list. A card that is not a JSON object is read whole.
 */
export function agentCardResponse(card: JsonValue): ResponseContent {
  const definitions: JsonObject[] = [];
  if (isJsonObject(card)) {
    const named = (v: JsonValue | undefined, fallback: string) => (typeof v === 'string' ? v : fallback);
    definitions.push({
      name: named(card['name'], 'agent-card'),
      description: card['description'] ?? null,
    });
    const skills = card['skills'];
    if (Array.isArray(skills))
      skills.forEach((s, i) => {
        if (!isJsonObject(s)) return;
        definitions.push({
          name: named(s['name'], `skill #${i}`),
          description: s['description'] ?? null,
          tags: s['tags'] ?? null,
          examples: s['examples'] ?? null,
        });
      });
  }
  return {
    protocol: 'a2a',
    kind: 'agent-card',
    tool: null,
    id: null,
    fromServer: false,
    parts: agentCardContent(card),
    definitions,
  };
}
