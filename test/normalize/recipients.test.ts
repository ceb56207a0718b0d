/** Recipients are read wherever a send names them, since a missed one makes `resource.external` false. */
import { describe, expect, it } from 'vitest';
import { resourceHintsFromArguments } from '../../src/pipeline/normalize/argument-hints.js';
import type { JsonValue } from '../../src/pipeline/model/json.js';

const recipients = (args: JsonValue) => resourceHintsFromArguments(args).recipients;

describe('recipients', () => {
  it('are read from strings, lists and "Name <address>" forms at the top level', () => {
    expect(recipients({ to: 'A <a@x.com>, b@y.com', cc: ['c@z.com'], channel: '#ops' })).toEqual([
      'a@x.com',
      'b@y.com',
      'c@z.com',
      '#ops',
    ]);
  });
  it('are read from objects in recipient lists and from nested messages', () => {
    expect(recipients({ to: [{ email: 'Attacker@External.com', name: 'A' }] })).toEqual([
      'attacker@external.com',
    ]);
    expect(recipients({ message: { toRecipients: [{ emailAddress: { address: 'a@ext.com' } }] } })).toEqual([
      'a@ext.com',
    ]);
    expect(recipients({ personalizations: [{ to: [{ email: 'a@ext.com' }], bcc: ['b@ext.com'] }] })).toEqual([
      'a@ext.com',
      'b@ext.com',
    ]);
    expect(recipients({ to: 'ceo@acme.com', reply_to: 'x@ext.com' })).toEqual(['ceo@acme.com', 'x@ext.com']);
  });
  it('do not include addresses that are only mentioned in text or names without an @', () => {
    expect(recipients({ to: [{ email: 'a@acme.com', name: 'Dana' }], body: 'write to x@ext.com' })).toEqual([
      'a@acme.com',
    ]);
  });
  it('stop at a bounded depth', () => {
    let deep: JsonValue = { to: 'deep@ext.com' };
    for (let i = 0; i < 20; i++) deep = { wrap: deep };
    expect(recipients(deep)).toEqual([]);
  });
});
