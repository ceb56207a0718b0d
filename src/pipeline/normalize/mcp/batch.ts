/**
 * A JSON-RPC batch (MCP 2025-03-26; removed again in 2025-06-18): every element is read as a message of its
 * own and becomes an action of its own, so each is inspected and decided; the batch as a whole is the riskiest
 * of them. SECURITY: an element writ cannot read refuses the whole batch (fail closed), and so does a batch
 * past MAX_BATCH_ELEMENTS (a limit is a decision, never a skipped element).
 */
import { WritError } from '../../errors.js';
import type { OperationClass } from '../../model/action.js';
import type { JsonValue } from '../../model/json.js';
import type { AdapterResult } from '../adapter.js';
import { riskierKnown } from '../../model/operation-danger.js';
import { DEFAULT_API_HOSTS, type ApiHostLists } from '../api/api-hosts.js';
import { messageAction } from './message-action.js';
import { readMcpMessage } from './read-message.js';
import type { McpSessionFacts } from './transport.js';
import type { ShellReader } from '../../shell/shell-reader.js';

/** The most messages one batch may hold: each is inspected and decided on its own. */
export const MAX_BATCH_ELEMENTS = 64;

/** The first protocol version without batches; a request that names it or a later one sends none. */
const BATCHES_REMOVED_IN = '2025-06-18';

/** The batch as one action (the riskiest operation of its elements, all their arguments) and each element. */
export function batchAction(
  httpMethod: string,
  body: readonly JsonValue[],
  facts: McpSessionFacts,
  shell?: ShellReader,
  apiHosts: ApiHostLists = DEFAULT_API_HOSTS,
): AdapterResult {
  if (body.length === 0)
    throw new WritError('ERR_MCP_INVALID', 'a JSON-RPC batch must hold at least one message');
  if (body.length > MAX_BATCH_ELEMENTS)
    throw new WritError(
      'ERR_MCP_BATCH_TOO_LARGE',
      `a JSON-RPC batch of ${body.length} messages (writ decides at most ${MAX_BATCH_ELEMENTS})`,
    );
  // Versions are dates, so they compare as strings.
  const version = facts.mcpProtocolVersion;
  if (version !== null && version >= BATCHES_REMOVED_IN)
    throw new WritError('ERR_MCP_INVALID', `MCP ${version} has no JSON-RPC batches`);
  const elements: AdapterResult[] = [];
  let operation: OperationClass = 'unknown';
  let unread = false;
  for (let i = 0; i < body.length; i++) {
    const where = `batch element ${i}`;
    const message = body[i]!;
    const element = messageAction(httpMethod, readMcpMessage(message, where), where, shell, apiHosts);
    elements.push({ ...element, context: facts, payload: message });
    operation = i === 0 ? element.action.operation : riskierKnown(operation, element.action.operation);
    if (element.action.operation === 'unknown') unread = true;
  }
  // An element whose operation is unknown is never hidden behind a read (`riskierKnown` lets unknown raise nothing).
  if (unread && operation === 'read') operation = 'unknown';
  return {
    action: {
      adapter: 'mcp',
      tool: 'batch',
      operation,
      httpMethod,
      mcpMethod: null,
      mcpKind: 'batch',
      // Every element's arguments, so a reader of the batch as one action still sees all of its content.
      arguments: elements.map((e) => e.action.arguments),
    },
    context: facts,
    elements,
  };
}
