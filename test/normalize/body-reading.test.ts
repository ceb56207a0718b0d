/** How plain HTTP bodies become arguments: form fields and JSON in text are read as a server reads them. */
import { describe, expect, it } from 'vitest';
import { lineToAction, lineToRawRequest } from '../../src/cli/inspect.js';
import { normalizeRequest } from '../../src/pipeline/normalize/index.js';
import type { InspectorConfig } from '../../src/pipeline/inspect/inspector.js';
import { inspectAction } from '../../src/pipeline/inspect/registry.js';

const CONFIG: InspectorConfig = {
  egressAllowlist: ['api.example.com'],
  internalDomains: [],
  productionDatabases: [],
  protectedBranches: [],
};

const form = (body: string, contentType = 'application/x-www-form-urlencoded', path = '/ping') =>
  lineToAction(
    {
      http: {
        url: `https://api.example.com${path}`,
        method: 'POST',
        headers: { 'content-type': contentType },
        body,
      },
    },
    1,
    CONFIG,
  );

describe('application/x-www-form-urlencoded bodies', () => {
  it('become fields, decoded as a server decodes them, with repeated names as lists', () => {
    const { action } = form('note=hello+world&tag=a&tag=b%26c&empty=');
    expect(action.action.arguments).toEqual({ note: 'hello world', tag: ['a', 'b&c'], empty: '' });
  });
  it('keep a field named __proto__ as a field', () => {
    const { action } = form('__proto__=x&constructor=y');
    const args = action.action.arguments as Record<string, unknown>;
    expect(Object.keys(args)).toEqual(['__proto__', 'constructor']);
    expect(args['__proto__']).toBe('x');
  });
  it('let key-aware inspectors judge each field by its name', () => {
    const { action, headers } = form('host=127.0.0.1%3B+sysinfo&customer_id=1%27+OR+%271%27%3D%271');
    const ids = inspectAction(action, headers, CONFIG).findings.map((f) => `${f.id} ${f.path}`);
    expect(ids).toContain('command-injection.metachar-command $.action.arguments.host');
    expect(ids).toContain('sql-injection.tautology $.action.arguments.customer_id');
  });
  it('leave other text bodies as one string', () => {
    expect(form('host=127.0.0.1', 'text/plain').action.action.arguments).toBe('host=127.0.0.1');
  });
});

describe('text bodies that hold a JSON document', () => {
  it('are inspected as the JSON a lenient server would parse', () => {
    const { action, headers } = form(
      '{"host": "10.0.0.1; sysinfo", "q": "\\u0027 OR \\u00271\\u0027=\\u00271"}',
      'text/plain',
    );
    expect(action.action.arguments).toEqual({ host: '10.0.0.1; sysinfo', q: "' OR '1'='1" });
    const ids = inspectAction(action, headers, CONFIG).findings.map((f) => `${f.id} ${f.path}`);
    expect(ids).toContain('command-injection.metachar-command $.action.arguments.host');
  });
  it('stay one string when they are not strict JSON, and are not refused', () => {
    expect(form('{"a": 1, "a": 2}', 'text/plain').action.action.arguments).toBe('{"a": 1, "a": 2}');
    expect(form('{not json', 'text/plain').action.action.arguments).toBe('{not json');
  });
});

describe('a JSON-RPC call sent as text', () => {
  it('is still an MCP tools/call, decided as one', () => {
    const call = JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name: 'execute_query', arguments: { database: 'production', query: 'DROP TABLE users' } },
    });
    const { action } = form(call, 'text/plain', '/mcp');
    expect(action.action.adapter).toBe('mcp');
    expect(action.action.tool).toBe('execute_query');
    expect(action.resource.database).toBe('production');
  });
  it('is refused off an MCP endpoint, where it would read as a plain POST too', () => {
    const call = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
    expect(() => form(call, 'text/plain')).toThrow(/off every configured MCP endpoint/);
  });
});

describe('other declared types', () => {
  it('are read as JSON when they hold a strict JSON document', () => {
    const { action } = form('{"host": "10.0.0.1; sysinfo"}', 'application/octet-stream');
    expect(action.action.arguments).toEqual({ host: '10.0.0.1; sysinfo' });
  });
  it('are inspected as text when they are UTF-8, and left uninspected when they are not', () => {
    expect(form('<q>1 OR 1=1</q>', 'application/xml').action.action.arguments).toBe('<q>1 OR 1=1</q>');
    const multipart = '--b\r\nContent-Disposition: form-data; name="note"\r\n\r\nhello\r\n--b--\r\n';
    expect(form(multipart, 'multipart/form-data').action.action.arguments).toBe(multipart);
    const png = {
      ...lineToRawRequest(
        {
          http: {
            url: 'https://api.example.com/up',
            method: 'POST',
            headers: { 'content-type': 'image/png' },
          },
        },
        1,
      ),
      body: Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0xfe),
    };
    const config = { internalDomains: [], productionDatabases: [], trustAgentHeaders: false };
    expect(normalizeRequest(png, config).action.arguments).toBeNull();
  });
});

describe('multipart/form-data bodies', () => {
  const multipart = (parts: Array<string | Uint8Array>, boundary = 'XyZ') => {
    const raw = lineToRawRequest(
      {
        http: {
          url: 'https://api.example.com/upload',
          method: 'POST',
          headers: { 'content-type': `multipart/form-data; boundary="${boundary}"` },
        },
      },
      1,
    );
    const body = Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p)));
    const config = { internalDomains: [], productionDatabases: [], trustAgentHeaders: false };
    return normalizeRequest({ ...raw, body }, config).action.arguments;
  };
  const part = (name: string, content: string | Uint8Array, extra = '') => [
    `--XyZ\r\nContent-Disposition: form-data; name="${name}"${extra}\r\n\r\n`,
    content,
    '\r\n',
  ];
  it('become fields, text files included and binary parts left out', () => {
    const args = multipart([
      ...part('host', '10.0.0.1; sysinfo'),
      ...part('notes', 'customer list', '; filename="a.txt"\r\nContent-Type: text/plain'),
      ...part('image', Uint8Array.of(0x89, 0x50, 0xff, 0xfe), '; filename="a.png"'),
      ...part('tag', 'a'),
      ...part('tag', 'b'),
      '--XyZ--\r\n',
    ]);
    expect(args).toEqual({ host: '10.0.0.1; sysinfo', notes: 'customer list', tag: ['a', 'b'] });
  });
  it('fall back to one text when the reader cannot take them apart with certainty', () => {
    const unterminated = '--XyZ\r\nContent-Disposition: form-data; name="a"\r\n\r\nvalue';
    expect(multipart([unterminated])).toBe(unterminated);
    const noName = '--XyZ\r\nContent-Type: text/plain\r\n\r\nx\r\n--XyZ--\r\n';
    expect(multipart([noName])).toBe(noName);
  });
});
