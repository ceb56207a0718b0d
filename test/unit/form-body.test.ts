/** Form bodies are read as the fields a server sees, so each value is inspected under its own name. */
import { describe, expect, it } from 'vitest';
import { lineToAction } from '../../src/cli/inspect.js';
import type { InspectorConfig } from '../../src/pipeline/inspect/inspector.js';
import { inspectAction } from '../../src/pipeline/inspect/registry.js';

const CONFIG: InspectorConfig = {
  egressAllowlist: ['api.example.com'],
  internalDomains: [],
  productionDatabases: [],
  protectedBranches: [],
};

const form = (body: string, contentType = 'application/x-www-form-urlencoded') =>
  lineToAction(
    {
      http: {
        url: 'https://api.example.com/ping',
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
