/**
 * Typed readings of MCP tool calls and of plain requests through a family, on the example family written for
 * the tests (example-family.ts); the real families run the same paths through their golden cases.
 */
import { describe, expect, it } from 'vitest';
import type { Action } from '../../src/pipeline/model/action.js';
import type { JsonObject } from '../../src/pipeline/model/json.js';
import { classifyToolName } from '../../src/pipeline/normalize/operation-class.js';
import { tasks } from './example-family.js';
import { familyAdapter } from '../../src/pipeline/normalize/api/family-adapter.js';
import {
  readToolCall,
  requestInArguments,
  withApiToolCall,
} from '../../src/pipeline/normalize/api/tool-call.js';
import { ADAPTERS } from '../../src/pipeline/normalize/adapters/index.js';
import { mcpAdapter } from '../../src/pipeline/normalize/adapters/mcp.js';
import { normalizeRequest } from '../../src/pipeline/normalize/index.js';
import { parseMcpEndpoints } from '../../src/pipeline/normalize/mcp-endpoint.js';
import { request } from '../normalize/adapter.case.js';

const adapters = [mcpAdapter, familyAdapter(tasks), ...ADAPTERS.slice(-1)];
const config = {
  internalDomains: ['acme.com'],
  productionDatabases: [],
  trustAgentHeaders: false,
  mcpEndpoints: parseMcpEndpoints(['*.svc.cluster.local/mcp']),
};
const normalize = (raw: ReturnType<typeof request>): Action => normalizeRequest(raw, config, adapters);

describe('a family adapter', () => {
  it('reads the operation, its id and the resource from method and path', () => {
    const a = normalize(request('DELETE', '/tasks/acme/42', '', {}, 'tasks.example'));
    expect(a.action).toMatchObject({ adapter: 'tasks', operation: 'delete', apiOperation: 'tasks/delete' });
    expect(a.resource).toMatchObject({ kind: 'task', owner: 'acme', id: '42' });
  });

  it('reads an operation its API lacks as unknown (safe method) or its most dangerous class, never a read', () => {
    expect(normalize(request('GET', '/nope', '', {}, 'tasks.example')).action.operation).toBe('unknown');
    expect(normalize(request('PUT', '/tasks/a/1', '{}', undefined, 'tasks.example')).action.operation).toBe(
      'delete',
    );
    expect(normalize(request('GET', '/nope', '', {}, 'tasks.example')).action.apiOperation).toBeUndefined();
  });

  it('raises the class to the riskiest method reading the request carries (an override)', () => {
    const a = normalize(
      request(
        'POST',
        '/tasks/acme',
        '{}',
        { 'content-type': 'application/json', 'x-http-method-override': 'DELETE' },
        'tasks.example',
      ),
    );
    expect(a.action.httpMethods).toEqual(['POST', 'DELETE']);
    expect(a.action.operation).toBe('delete');
  });

  it('marks a send external by its recipients, whatever the API host', () => {
    const inside = normalize(request('POST', '/mail', '{"to":"bob@acme.com"}', undefined, 'tasks.example'));
    expect(inside.resource.externalRecipientDomains).toEqual([]);
    const outside = normalize(
      request('POST', '/mail', '{"to":"eve@evil.example"}', undefined, 'tasks.example'),
    );
    expect(outside.action.operation).toBe('send');
    expect(outside.resource.externalRecipientDomains).toEqual(['evil.example']);
    expect(outside.resource.external).toBe(true);
  });
});

describe('typed readings of MCP tool calls', () => {
  const mcpRead = (tool: string, args: Record<string, unknown>) => {
    const base = {
      action: {
        adapter: 'mcp',
        tool,
        operation: classifyToolName(tool),
        httpMethod: 'POST',
        mcpMethod: 'tools/call',
        arguments: args as JsonObject,
      },
    };
    return withApiToolCall(base, { tool, arguments: args as JsonObject }, [tasks]);
  };

  it('reads a tool the family knows by name, raising the tool name class', () => {
    const a = mcpRead('tasks_delete', { owner: 'acme' });
    expect(a.action).toMatchObject({ adapter: 'mcp', operation: 'delete', apiOperation: 'tasks/delete' });
    expect(a.resource).toMatchObject({ kind: 'task', owner: 'acme' });
  });

  it('reads the HTTP request a tool carries in its arguments (method, url, body, override header)', () => {
    const get = mcpRead('http_get', { url: 'https://tasks.example/tasks/acme/1' });
    expect(get.action).toMatchObject({ operation: 'read', apiOperation: 'tasks/get' });
    // A tool named get_* that deletes a task deletes.
    const del = mcpRead('get_page', { url: 'https://TASKS.example/tasks/acme/1', method: 'delete' });
    expect(del.action).toMatchObject({ operation: 'delete', apiOperation: 'tasks/delete' });
    // A tool whose name says nothing takes the typed class, even a read.
    expect(mcpRead('tasks', { url: 'https://tasks.example/tasks/acme/1' }).action.operation).toBe('read');
    const over = requestInArguments({
      url: 'https://tasks.example/tasks/acme',
      method: 'POST',
      headers: { 'X-HTTP-Method-Override': 'delete' },
    });
    expect(over?.methods).toEqual(['POST', 'DELETE']);
    expect(
      readToolCall(
        {
          tool: 'http',
          arguments: {
            url: 'https://tasks.example/tasks/acme',
            method: 'POST',
            headers: { 'x-http-method-override': 'DELETE' },
          },
        },
        [tasks],
      )[0]?.operation,
    ).toBe('delete');
  });

  it('leaves a tool no family reads as the MCP adapter read it', () => {
    const before = {
      action: {
        adapter: 'mcp',
        tool: 'x',
        operation: 'read' as const,
        httpMethod: 'POST',
        mcpMethod: 'tools/call',
        arguments: {},
      },
    };
    expect(
      withApiToolCall(before, { tool: 'x', arguments: { url: 'https://other.example/tasks/a/1' } }, [tasks]),
    ).toBe(before);
    expect(
      withApiToolCall(before, { tool: 'x', arguments: { url: 'ftp://tasks.example/tasks/a/1' } }, [tasks]),
    ).toBe(before);
  });

  it('never lowers a class the tool name or its SQL gave (a typed read does not make delete_x a read)', () => {
    const before = {
      action: {
        adapter: 'mcp',
        tool: 'delete_cache',
        operation: 'delete' as const,
        httpMethod: 'POST',
        mcpMethod: 'tools/call',
        arguments: {},
      },
    };
    const after = withApiToolCall(
      before,
      { tool: 'delete_cache', arguments: { url: 'https://tasks.example/tasks/a/1' } },
      [tasks],
    );
    expect(after.action).toMatchObject({ operation: 'delete', apiOperation: 'tasks/get' });
  });
});
