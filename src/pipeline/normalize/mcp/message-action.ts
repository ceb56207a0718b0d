/**
 * One MCP message as the action part of the model: a tools/call is classed by its tool and SQL; every other
 * method by the specification's table (methods.ts); a result by what it answers; an error as a read. The
 * params, result or error object are the arguments, so the inspectors read a sampling answer's text or an
 * elicitation's content as they read a tool's arguments.
 */
import { WritError } from '../../errors.js';
import { isJsonObject, type JsonValue } from '../../model/json.js';
import type { AdapterResult } from '../adapter.js';
import { API_FAMILIES } from '../adapters/families.js';
import { DEFAULT_API_HOSTS, type ApiHostLists } from '../api/api-hosts.js';
import { withApiToolCall } from '../api/tool-call.js';
import { resourceHintsFromArguments } from '../argument-hints.js';
import { classifyToolName, withSqlOperation } from '../operation-class.js';
import { readSqlOperation } from '../sql-arguments.js';
import { answeredMethod, deliversContent } from './answered-method.js';
import type { McpMessage } from './read-message.js';
import type { ShellReader } from '../../shell/shell-reader.js';

/**
 * A tools/call: the operation is what its SQL does (every statement of every SQL-carrying argument, at any
 * depth), raised by the tool name's verb; a tool named `query_db` running `SELECT 1; DROP TABLE t` deletes.
 */
export function toolCallAction(
  httpMethod: string,
  tool: string,
  args: JsonValue,
  shell?: ShellReader,
  apiHosts: ApiHostLists = DEFAULT_API_HOSTS,
): AdapterResult {
  const hints = resourceHintsFromArguments(args);
  const operation = withSqlOperation(classifyToolName(tool), readSqlOperation(args));
  const result: AdapterResult = {
    action: {
      adapter: 'mcp',
      tool,
      operation,
      httpMethod,
      mcpMethod: 'tools/call',
      mcpKind: 'request',
      arguments: args,
    },
    resource: hints,
  };
  // A tool that carries a typed API's operation (github_delete_repo, an SMTP relay) is read by its family too.
  if (!isJsonObject(args)) return result;
  return withApiToolCall(
    result,
    { tool, arguments: args, ...(shell === undefined ? {} : { shell }) },
    API_FAMILIES,
    apiHosts,
  );
}

/**
 * The action part of one message; throws ERR_MCP_INVALID for a tools/call without a tool name. `shell` reads
 * a tool call's command lines (the pipeline's reader; absent: afresh).
 */
export function messageAction(
  httpMethod: string,
  message: McpMessage,
  where = '',
  shell?: ShellReader,
  apiHosts: ApiHostLists = DEFAULT_API_HOSTS,
): AdapterResult {
  const at = where === '' ? '' : `${where}: `;
  switch (message.kind) {
    case 'request':
    case 'notification': {
      const { method, params } = message;
      if (method === 'tools/call') {
        if (!isJsonObject(params)) throw new WritError('ERR_MCP_INVALID', `${at}tools/call without params`);
        const name = params['name'];
        if (typeof name !== 'string' || name.length === 0)
          throw new WritError('ERR_MCP_INVALID', `${at}tools/call params.name must be a non-empty string`);
        const args = params['arguments'] ?? {};
        if (!isJsonObject(args))
          throw new WritError('ERR_MCP_INVALID', `${at}tools/call params.arguments must be an object`);
        return toolCallAction(httpMethod, name, args, shell, apiHosts);
      }
      // A method the specification does not define (an extension) is read by its verbs, as a tool name is.
      const operation = message.spec !== null ? message.spec.operation : classifyToolName(method);
      return {
        action: {
          adapter: 'mcp',
          tool: method,
          operation,
          httpMethod,
          mcpMethod: method,
          mcpKind: message.kind,
          arguments: params,
        },
      };
    }
    case 'result': {
      const answers = answeredMethod(message.body);
      return {
        action: {
          adapter: 'mcp',
          tool: answers ?? 'result',
          operation: deliversContent(answers, message.body) ? 'send' : 'read',
          httpMethod,
          mcpMethod: answers,
          mcpKind: 'result',
          arguments: message.body,
        },
      };
    }
    case 'error':
      return {
        action: {
          adapter: 'mcp',
          tool: 'error',
          operation: 'read',
          httpMethod,
          mcpMethod: null,
          mcpKind: 'error',
          arguments: message.body,
        },
      };
  }
}
