/**
 * The Slack family against its specification's own words (`@slack/web-api`'s method list and Slack's
 * description of each method): every method is classified or listed, the classes agree with the words
 * (a "Delete..." is a delete, a list or info is a read, a chat post is a send, admin.* is administration),
 * every classified method is read back from its own path, and the counts and unclassified ones are printed.
 */
import { describe, expect, it } from 'vitest';
import { classifySlack, slackBoundMethodNames, slackMethods } from '../../scripts/api-tables/slack.js';
import {
  SLACK_METHODS,
  SLACK_SOURCE,
  SLACK_UNCLASSIFIED,
} from '../../src/pipeline/normalize/adapters/generated/slack-methods.js';
import { slackFamily } from '../../src/pipeline/normalize/adapters/slack.js';

const post = (name: string) =>
  slackFamily.readRequest({
    method: 'POST',
    host: 'slack.com',
    pathname: `/api/${name}`,
    query: {},
    contentType: 'application/json',
    body: { channel: 'C1' },
    bodyIsJson: true,
  });

describe(`Slack Web API table (${SLACK_SOURCE.package} ${SLACK_SOURCE.version})`, () => {
  const methods = slackMethods();

  it('classifies or lists every method the client binds, and prints the counts', () => {
    const bound = slackBoundMethodNames();
    expect(SLACK_SOURCE.operations).toBe(methods.length);
    expect(new Set(bound).size).toBe(methods.length);
    const listed = new Set([...SLACK_METHODS.map((m) => m[0]), ...SLACK_UNCLASSIFIED.map((m) => m[0])]);
    for (const name of bound) expect(listed.has(name), name).toBe(true);
    expect(SLACK_METHODS.length + SLACK_UNCLASSIFIED.length).toBe(methods.length);
    const counts = new Map<string, number>();
    for (const [, cls] of SLACK_METHODS) counts.set(cls, (counts.get(cls) ?? 0) + 1);
    console.log(
      `Slack Web API ${SLACK_SOURCE.version}: ${methods.length} methods, ${SLACK_METHODS.length} classified ` +
        `(${[...counts].map(([c, n]) => `${c} ${n}`).join(', ')}), ${SLACK_UNCLASSIFIED.length} unclassified ` +
        `(read as deletes):\n` +
        SLACK_UNCLASSIFIED.map(([name, why]) => `  ${name}: ${why}`).join('\n'),
    );
    expect(methods.length).toBeGreaterThan(250);
    expect(SLACK_UNCLASSIFIED.length).toBeLessThan(methods.length / 20);
  });

  it("agrees with Slack's words: deletes delete, lists and infos read, chat posts send, admin.* administers", () => {
    const byName = new Map(methods.map((m) => [m.name, m] as const));
    for (const [name, cls] of SLACK_METHODS) {
      const said = (byName.get(name)?.description ?? '').toLowerCase();
      const last = name.slice(name.lastIndexOf('.') + 1);
      if (/^(delete|deletes|permanently deletes)\b/.test(said) || last === 'delete')
        expect(cls, name).toBe('delete');
      if (name.startsWith('admin.')) expect(['admin', 'delete'], name).toContain(cls);
      else if (last === 'list' || last === 'info' || last === 'history') expect(cls, name).toBe('read');
      if (name.startsWith('chat.post')) expect(cls, name).toBe('send');
      if (/^sends\b/.test(said)) expect(cls, name).toBe('send');
    }
    const cls = (n: string) => SLACK_METHODS.find((m) => m[0] === n)?.[1];
    expect(cls('chat.postMessage')).toBe('send');
    expect(cls('conversations.history')).toBe('read');
    expect(cls('files.delete')).toBe('delete');
    expect(cls('conversations.kick')).toBe('delete');
    expect(cls('admin.users.setAdmin')).toBe('admin');
    expect(cls('conversations.inviteShared')).toBe('send');
  });

  it('generates what it classifies (the table is the classifier run over the methods)', () => {
    for (const m of methods) {
      const c = classifySlack(m);
      if ('unclassified' in c)
        expect(
          SLACK_UNCLASSIFIED.some(([n]) => n === m.name),
          m.name,
        ).toBe(true);
      else expect(SLACK_METHODS.find(([n]) => n === m.name)?.[1], m.name).toBe(c.operation);
    }
  });

  it('reads every method back from its own path; an unclassified or unknown method is a delete', () => {
    for (const [name, cls, kind] of SLACK_METHODS) {
      const r = post(name);
      expect([r.apiOperation, r.operation, r.resource?.kind], name).toEqual([name, cls, kind]);
    }
    for (const [name] of SLACK_UNCLASSIFIED)
      expect(post(name)).toEqual({ operation: 'delete', apiOperation: name });
    expect(post('chat.obliterateWorkspace')).toEqual({ operation: 'delete', apiOperation: null });
    expect(post('chat.postMessage/../files.delete').operation).toBe('delete');
  });
});
