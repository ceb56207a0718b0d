/** Builds a frozen Action for unit tests, with defaults that describe a plain MCP call. */
import type { Action } from '../../src/pipeline/model/action.js';
import type { JsonValue } from '../../src/pipeline/model/json.js';

type DeepPartialAction = {
  subject?: Partial<Action['subject']>;
  action?: Partial<Action['action']>;
  resource?: Partial<Action['resource']>;
  context?: Partial<Action['context']>;
  payload?: JsonValue;
};

/** An action with sensible defaults; override any part. */
export function makeAction(over: DeepPartialAction = {}): Action {
  return {
    subject: {
      spiffeId: 'spiffe://cluster.local/ns/agents/sa/support-assistant',
      trustDomain: 'cluster.local',
      namespace: 'agents',
      serviceAccount: 'support-assistant',
      agent: 'support-assistant',
      tenant: null,
      roles: [],
      scopes: [],
      authMethod: 'mtls',
      ...over.subject,
    },
    action: {
      adapter: 'mcp',
      tool: 'query_db',
      operation: 'read',
      httpMethod: 'POST',
      mcpMethod: 'tools/call',
      arguments: {},
      ...over.action,
    },
    resource: {
      uri: 'https://mcp.tools.svc.cluster.local/mcp',
      scheme: 'https',
      host: 'mcp.tools.svc.cluster.local',
      port: null,
      path: '/mcp',
      query: {},
      database: null,
      table: null,
      filePath: null,
      environment: null,
      recipients: [],
      external: false,
      classification: null,
      ...over.resource,
    },
    context: {
      requestId: 'test-request',
      timeMs: Date.UTC(2026, 0, 5, 10, 0, 0),
      hops: 0,
      origin: null,
      sessionId: null,
      bodySize: 0,
      contentType: 'application/json',
      ...over.context,
    },
    payload: over.payload ?? null,
  };
}
