/** The method writ decides and binds is the one the upstream runs; path overrides are refused. */
import { describe, expect, it } from 'vitest';
import { lineToRawRequest } from '../../src/cli/inspect.js';
import { actionHash } from '../../src/pipeline/bind/canonical-action.js';
import { WritError } from '../../src/pipeline/errors.js';
import { effectiveMethod } from '../../src/pipeline/normalize/upstream-target.js';
import { normalizeRequest } from '../../src/pipeline/normalize/index.js';

const request = (method: string, path: string, headers: Record<string, string> = {}, body?: string) =>
  lineToRawRequest(
    {
      http: {
        url: `https://api.example.com${path}`,
        method,
        headers,
        ...(body === undefined ? {} : { body }),
      },
    },
    1,
  );
const config = { internalDomains: [], productionDatabases: [], trustAgentHeaders: false };

describe('effective method', () => {
  it('is the request method without an override', () => {
    expect(effectiveMethod(request('get', '/x'))).toBe('GET');
  });
  it('follows the X-HTTP-Method-Override family of headers', () => {
    for (const name of ['x-http-method-override', 'x-http-method', 'x-method-override'])
      expect(effectiveMethod(request('POST', '/x', { [name]: ' delete ' })), name).toBe('DELETE');
  });
  it('follows _method in the query or the form body of a POST only', () => {
    expect(effectiveMethod(request('POST', '/x?a=1&_method=PATCH'))).toBe('PATCH');
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    expect(effectiveMethod(request('POST', '/x', form, 'name=a&_method=delete'))).toBe('DELETE');
    expect(effectiveMethod(request('GET', '/x?_method=DELETE'))).toBe('GET');
  });
  it('refuses overrides that are not one method, or that disagree', () => {
    const refuse = (raw: ReturnType<typeof request>) => {
      expect(() => effectiveMethod(raw)).toThrow(WritError);
    };
    refuse(request('POST', '/x', { 'x-http-method-override': 'DELETE, PUT' }));
    refuse(request('POST', '/x?_method=PUT', { 'x-http-method-override': 'DELETE' }));
    refuse(request('POST', '/x?_method=GET&_method=DELETE'));
  });
  it('is what normalization reports and what the execution token binds', () => {
    const plain = request('POST', '/x');
    const overridden = request('POST', '/x', { 'x-http-method-override': 'DELETE' });
    const action = normalizeRequest(overridden, config);
    expect(action.action.httpMethod).toBe('DELETE');
    expect(action.action.operation).toBe('delete');
    expect(action.action.tool).toBe('DELETE api.example.com');
    expect(actionHash(overridden, action)).not.toBe(actionHash(plain, normalizeRequest(plain, config)));
  });
});

describe('path overrides', () => {
  it('are refused: the upstream would route to a path writ did not decide', () => {
    for (const name of ['x-original-url', 'x-rewrite-url'])
      expect(
        () => normalizeRequest(request('GET', '/public', { [name]: '/admin/delete' }), config),
        name,
      ).toThrow(/would route the call to a path/);
  });
});
