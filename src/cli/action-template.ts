/**
 * Builds a complete Action from a partial description, for policy test cases written as actions and for
 * explanations rebuilt from an audit record. Defaults describe an authenticated MCP read.
 */
import { blankAction, type Action, type PartialAction } from '../pipeline/model/action.js';

export type { PartialAction } from '../pipeline/model/action.js';

/** A complete action from a partial one. */
export function actionFrom(over: PartialAction = {}): Action {
  return blankAction({
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
      principal: 'spiffe://cluster.local/ns/agents/sa/support-assistant',
      ...over.subject,
    },
    action: {
      adapter: 'mcp',
      tool: 'unknown',
      operation: 'unknown',
      httpMethod: 'POST',
      mcpMethod: 'tools/call',
      arguments: {},
      ...over.action,
    },
    // Only what differs from the blank action: blankAction fills every other field of each section.
    resource: {
      uri: 'https://mcp.tools.svc.cluster.local/mcp',
      host: 'mcp.tools.svc.cluster.local',
      path: '/mcp',
      ...over.resource,
    },
    context: {
      requestId: 'policy-test',
      timeMs: Date.UTC(2026, 0, 5, 10, 0, 0),
      contentType: 'application/json',
      ...over.context,
    },
    payload: over.payload ?? null,
  });
}
