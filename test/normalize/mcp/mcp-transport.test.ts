/**
 * MCP's HTTP transports around the messages: the session id and protocol version are read into the action's
 * context; the older HTTP+SSE transport (GET /sse, POST /messages?sessionId=) is read once its endpoints are
 * configured; a GET or DELETE with a body, or JSON-RPC off an endpoint, stays two readings (F2).
 */
import { describe, expect, it } from 'vitest';
import { lineToAction } from '../../../src/cli/inspect.js';
import type { InspectorConfig } from '../../../src/pipeline/inspect/inspector.js';
import { sdkMessage } from './sdk-messages.js';

const CONFIG: InspectorConfig = {
  egressAllowlist: [],
  internalDomains: ['*.svc.cluster.local'],
  productionDatabases: [],
  protectedBranches: [],
  mcpEndpoints: [
    '*.svc.cluster.local/mcp',
    'legacy.svc.cluster.local/sse',
    'legacy.svc.cluster.local/messages',
  ],
};

const request = (method: string, url: string, headers: Record<string, string> = {}, body?: unknown) =>
  lineToAction(
    {
      http: {
        url,
        method,
        headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
        ...(body === undefined ? {} : { body }),
      },
    },
    1,
    CONFIG,
  ).action;

const MCP = 'https://files.svc.cluster.local/mcp';

describe('Streamable HTTP', () => {
  it('records Mcp-Session-Id and MCP-Protocol-Version in the context of every message', () => {
    const a = request(
      'POST',
      MCP,
      { 'mcp-session-id': 'abc-123', 'mcp-protocol-version': '2025-06-18' },
      sdkMessage('clientRequest', 'tools/list'),
    );
    expect(a.context).toMatchObject({ mcpSessionId: 'abc-123', mcpProtocolVersion: '2025-06-18' });
    // The agent-chosen session id is not the quarantine key (context.sessionId comes from a trusted hop only).
    expect(a.context.sessionId).toBeNull();
    const none = request('POST', MCP, {}, sdkMessage('clientRequest', 'initialize'));
    expect(none.context).toMatchObject({ mcpSessionId: null, mcpProtocolVersion: null });
  });

  it('reads the stream GET and the session DELETE as MCP, not as HTTP reads and deletes', () => {
    expect(request('GET', MCP, { accept: 'text/event-stream' }).action).toMatchObject({
      adapter: 'mcp',
      mcpKind: 'open-stream',
      operation: 'read',
    });
    expect(request('DELETE', MCP, { 'mcp-session-id': 's-9' }).action).toMatchObject({
      adapter: 'mcp',
      mcpKind: 'end-session',
      operation: 'write',
    });
  });

  it('refuses a session id outside visible ASCII or past 256 characters, at the bound and one past it', () => {
    expect(request('DELETE', MCP, { 'mcp-session-id': 'x'.repeat(256) }).context.mcpSessionId).toHaveLength(
      256,
    );
    for (const bad of ['x'.repeat(257), 'a b', 'caf\u00e9', 'tab\there'])
      expect(() => request('DELETE', MCP, { 'mcp-session-id': bad }), JSON.stringify(bad)).toThrow(
        /session id/,
      );
  });

  it('keeps the two-readings refusal: a body on the GET or DELETE, JSON-RPC on another method', () => {
    expect(() => request('GET', MCP, { 'content-type': 'text/plain' }, 'hello')).toThrow(/carries a body/);
    expect(() =>
      request('DELETE', MCP, { 'mcp-session-id': 's' }, sdkMessage('clientRequest', 'tools/list')),
    ).toThrow(/JSON-RPC body on a method other than POST/);
    // PUT, PATCH, HEAD at the endpoint are no MCP transport's: left to the HTTP adapter as before.
    expect(request('PUT', MCP).action.adapter).toBe('http');
  });
});

describe('the older HTTP+SSE transport', () => {
  it('reads GET /sse as the stream and POST /messages?sessionId= as a message of that session', () => {
    expect(request('GET', 'https://legacy.svc.cluster.local/sse').action.mcpKind).toBe('open-stream');
    const a = request(
      'POST',
      'https://legacy.svc.cluster.local/messages?sessionId=9f8e7d',
      {},
      sdkMessage('clientRequest', 'resources/list'),
    );
    expect(a.action).toMatchObject({ adapter: 'mcp', mcpMethod: 'resources/list' });
    expect(a.context.mcpSessionId).toBe('9f8e7d');
  });

  it('refuses two session ids that disagree, or one named twice', () => {
    const msg = sdkMessage('clientRequest', 'ping');
    expect(() =>
      request(
        'POST',
        'https://legacy.svc.cluster.local/messages?sessionId=a',
        { 'mcp-session-id': 'b' },
        msg,
      ),
    ).toThrow(/different sessions/);
    expect(() =>
      request('POST', 'https://legacy.svc.cluster.local/messages?sessionId=a&sessionId=b', {}, msg),
    ).toThrow(/more than once/);
    expect(
      request('POST', 'https://legacy.svc.cluster.local/messages?sessionId=a', { 'mcp-session-id': 'a' }, msg)
        .context.mcpSessionId,
    ).toBe('a');
  });

  it('is not read where its endpoints are not configured (a JSON-RPC POST there is two readings)', () => {
    expect(() =>
      request(
        'POST',
        'https://other.svc.cluster.local/messages?sessionId=a',
        {},
        sdkMessage('clientRequest', 'ping'),
      ),
    ).toThrow(/off every configured MCP endpoint/);
  });
});
