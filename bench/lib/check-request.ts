/**
 * The check-role call the bench sends: the allowed seed scenario (scenarios/seed/02-analytics-readonly.yaml,
 * an MCP `query_db` read on the analytics replica), so writ runs the whole path: inspect, policy, sign, audit.
 * The scenario goes into the bench's report, so a committed report can be checked against what the bench sends
 * (the CheckRequest itself holds a random request id).
 */
import { scenarioCheckRequest, type ScenarioRequest } from '../../src/cli/scenario.js';
import { authorizationService } from '../../src/extauthz/envoy-protos.js';

export const ALLOWED: ScenarioRequest = {
  mcp: {
    tool: 'query_db',
    arguments: { database: 'analytics-replica', query: 'SELECT id, status FROM orders WHERE id = 42' },
  },
};

/** The h2load body: the 5-byte gRPC prefix (uncompressed, big-endian length) and the CheckRequest. */
export function checkRequestFrame(): Buffer {
  const method = authorizationService()['Check'];
  if (method === undefined) throw new Error('Authorization/Check not found in the Envoy protos');
  const message = method.requestSerialize(scenarioCheckRequest(ALLOWED));
  const frame = Buffer.alloc(5 + message.length);
  frame.writeUInt32BE(message.length, 1);
  message.copy(frame, 5);
  return frame;
}
