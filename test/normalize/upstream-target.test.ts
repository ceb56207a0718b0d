/** The method writ decides and binds is the most dangerous reading; downgrades and path overrides are refused. */
import { describe, expect, it } from 'vitest';
import { lineToRawRequest } from '../../src/cli/inspect.js';
import { actionHash, boundParts } from '../../src/pipeline/bind/canonical-action.js';
import type { WritError } from '../../src/pipeline/errors.js';
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
const effectiveMethod = (raw: ReturnType<typeof request>) => normalizeRequest(raw, config).action.httpMethod;
const code = (raw: ReturnType<typeof request>) => {
  try {
    normalizeRequest(raw, config);
    return 'none';
  } catch (err) {
    return (err as WritError).code;
  }
};

describe('effective method', () => {
  it('is the request method without an override', () => {
    expect(effectiveMethod(request('get', '/x'))).toBe('GET');
  });
  it('follows the X-HTTP-Method-Override family of headers', () => {
    for (const name of ['x-http-method-override', 'x-http-method', 'x-method-override'])
      expect(effectiveMethod(request('POST', '/x', { [name]: ' delete ' })), name).toBe('DELETE');
  });
  it('follows _method in the query, the form body or a JSON body, on any method', () => {
    expect(effectiveMethod(request('POST', '/x?a=1&_method=PATCH'))).toBe('PATCH');
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    expect(effectiveMethod(request('POST', '/x', form, 'name=a&_method=delete'))).toBe('DELETE');
    // A framework that reads _method on a GET runs the DELETE: the most dangerous reading decides.
    expect(effectiveMethod(request('GET', '/x?_method=DELETE'))).toBe('DELETE');
    const json = { 'content-type': 'application/json' };
    expect(effectiveMethod(request('POST', '/x', json, '{"_method":"PUT"}'))).toBe('PUT');
  });
  it('reads every spelling of the override names', () => {
    for (const name of [
      'X-HTTP-Method-Override',
      'x_http_method_override',
      'X-Method-Override',
      'X_HTTP_METHOD',
    ])
      expect(effectiveMethod(request('POST', '/x', { [name]: 'delete' })), name).toBe('DELETE');
    for (const field of ['_METHOD', '%5Fmethod', '_Method', 'X-HTTP-Method-Override'])
      expect(effectiveMethod(request('POST', `/x?${field}=delete`)), field).toBe('DELETE');
  });
  it('refuses an override that would make the request safer', () => {
    expect(code(request('DELETE', '/x', { 'x-http-method-override': 'GET' }))).toBe(
      'ERR_METHOD_OVERRIDE_DOWNGRADE',
    );
    expect(code(request('POST', '/x?_method=GET'))).toBe('ERR_METHOD_OVERRIDE_DOWNGRADE');
    expect(code(request('PUT', '/x', { 'x-method-override': 'HEAD' }))).toBe('ERR_METHOD_OVERRIDE_DOWNGRADE');
    expect(code(request('DELETE', '/x?_method=POST'))).toBe('ERR_METHOD_OVERRIDE_DOWNGRADE');
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    expect(code(request('POST', '/x', form, 'a=1&_method=GET'))).toBe('ERR_METHOD_OVERRIDE_DOWNGRADE');
    // Same danger or more is not a downgrade: the override decides.
    expect(code(request('POST', '/x', { 'x-http-method-override': 'PATCH' }))).toBe('none');
    expect(code(request('GET', '/x', { 'x-http-method-override': 'HEAD' }))).toBe('none');
  });
  it('puts the wire method and every override in the action', () => {
    const action = normalizeRequest(
      request('GET', '/x?_method=DELETE', { 'x-http-method': 'delete' }),
      config,
    );
    expect(action.action.httpMethods).toEqual(['GET', 'DELETE', 'DELETE']);
    expect(normalizeRequest(request('GET', '/x'), config).action.httpMethods).toBeUndefined();
  });
  it('refuses overrides that are not one method, or that disagree', () => {
    const refuse = (raw: ReturnType<typeof request>) => {
      expect(code(raw)).toBe('ERR_BAD_REQUEST');
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
    expect(actionHash(overridden, action, boundParts(overridden, { subject: '' }))).not.toBe(
      actionHash(plain, normalizeRequest(plain, config), boundParts(plain, { subject: '' })),
    );
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
