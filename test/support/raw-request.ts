/**
 * RawRequest literals for unit tests that call the pipeline without a transport: an agent's JSON POST to an
 * MCP server's `/mcp` unless the test says otherwise, and the body of an MCP `tools/call`.
 */
import type { RawRequest } from '../../src/pipeline/model/raw-request.js';

/** A request as the transport would hand it over; override any field. */
export function rawRequest(over: Partial<RawRequest> = {}): RawRequest {
  return {
    role: 'check',
    requestId: 'r',
    method: 'POST',
    scheme: 'https',
    authority: 'mcp.tools.svc.cluster.local',
    path: '/mcp',
    headers: { 'content-type': 'application/json' },
    body: new Uint8Array(),
    bodyPartial: false,
    sourcePrincipal: 'spiffe://cluster.local/ns/agents/sa/a',
    sourceAddress: '',
    destinationPrincipal: '',
    receivedAtMs: 0,
    ...over,
  };
}

/** The bytes of a JSON-RPC `tools/call` of `tool`; `argumentsJson` is the arguments' JSON text as given. */
export function toolCallBody(tool: string, argumentsJson: string): Buffer {
  return Buffer.from(
    `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":${JSON.stringify(tool)},"arguments":${argumentsJson}}}`,
  );
}

/** A bare verify-role GET of `a/`: what token tests bind when the envelope itself is not under test. */
export const BARE_VERIFY_REQUEST: RawRequest = rawRequest({
  role: 'verify',
  method: 'GET',
  authority: 'a',
  path: '/',
  headers: {},
  sourcePrincipal: '',
});
