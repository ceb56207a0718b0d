/**
 * Slack Web API (`slack.com/api/<method>`, and a workspace's own `<team>.slack.com/api/<method>`): the method
 * named by the path, read against the table generated from `@slack/web-api`'s method list and Slack's
 * descriptions (generated/slack-methods.ts). Slack runs a method whatever the HTTP method, and takes its
 * arguments from the query, a form body or a JSON body alike, so all of them are read. A POST to an incoming
 * webhook (`hooks.slack.com/services/...`) is a send; any other path is an operation the API does not define.
 */
import type { OperationClass } from '../../model/action.js';
import { isJsonObject, type JsonValue } from '../../model/json.js';
import type { ApiFamily, ApiRequest } from '../api/api-family.js';
import { unknownOperation, type ApiReading } from '../api/api-reading.js';
import { addressesIn } from '../api/mail-recipients.js';
import { SLACK_METHODS, SLACK_UNCLASSIFIED } from './generated/slack-methods.js';

/** Method name, lower-case -> [the API's name, class, kind]. */
const METHODS: ReadonlyMap<string, readonly [string, OperationClass, string]> = new Map(
  SLACK_METHODS.map((m) => [m[0].toLowerCase(), m] as const),
);
/** Methods of the API writ could not classify from Slack's words: the API's own name is still recorded. */
const UNCLASSIFIED: ReadonlyMap<string, string> = new Map(
  SLACK_UNCLASSIFIED.map(([name]) => [name.toLowerCase(), name] as const),
);

const API_PREFIX = '/api/';
/** A Web API method name as Slack spells them (`chat.postMessage`, `admin.apps.approved.list`). */
const METHOD_NAME = /^[A-Za-z][A-Za-z0-9]*(?:\.[A-Za-z][A-Za-z0-9]*){1,5}$/;

/** Arguments naming the conversation a call acts on (`channels` is a comma-separated list). */
const CHANNEL_ARGS = ['channel', 'channel_id', 'conversation', 'channels', 'channel_ids'];
/** Arguments naming the people a call reaches (user ids, or e-mail addresses of people outside Slack). */
const PEOPLE_ARGS = ['user', 'users', 'user_ids', 'emails', 'email'];

/** Every string value of an argument in the query and the body (form fields or JSON), comma lists split. */
function argumentValues(request: ApiRequest, name: string): string[] {
  const out: string[] = [...(request.query[name] ?? [])];
  const body: JsonValue = request.body;
  if (isJsonObject(body)) {
    const v = body[name];
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) for (const el of v) if (typeof el === 'string') out.push(el);
  }
  return out
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v.length > 0);
}

function firstValue(request: ApiRequest, names: readonly string[]): string | null {
  for (const n of names) {
    const v = argumentValues(request, n)[0];
    if (v !== undefined) return v;
  }
  return null;
}

/**
 * Who a send or an invitation reaches: the channels and people it names, lower-case as every recipient is
 * (`lists.slack_shared_channels` matches them so). E-mail addresses (a Slack Connect
 * invitation to someone outside the workspace) are lower-cased, so their domains count against
 * `lists.internal_domains` (`resource.external_recipient_domains`).
 */
function recipientsOf(request: ApiRequest): string[] {
  const out = new Set<string>();
  for (const n of CHANNEL_ARGS) for (const v of argumentValues(request, n)) out.add(v.toLowerCase());
  for (const n of PEOPLE_ARGS) {
    for (const v of argumentValues(request, n)) {
      const addresses = addressesIn(v);
      if (addresses.length === 0) out.add(v.toLowerCase());
      else for (const a of addresses) out.add(a);
    }
  }
  return [...out];
}

/** Incoming webhooks (`hooks.slack.com/services/T../B../secret`): a POST there posts a message. */
const WEBHOOK_PREFIX = '/services/';

function readRequest(request: ApiRequest): ApiReading {
  if (!request.pathname.startsWith(API_PREFIX)) {
    if (request.method === 'POST' && request.pathname.startsWith(WEBHOOK_PREFIX))
      return { operation: 'send', apiOperation: 'incoming-webhook', resource: { kind: 'incoming-webhook' } };
    // Slack's web pages and file downloads: no Web API method, read as an operation Slack does not define.
    return unknownOperation(request.method, 'delete');
  }
  const name = request.pathname.slice(API_PREFIX.length);
  // SECURITY: a path that is no method name (a second segment, an encoded dot) may still reach a method.
  if (!METHOD_NAME.test(name)) return { operation: 'delete', apiOperation: null };
  const known = METHODS.get(name.toLowerCase());
  if (known === undefined) {
    // A method the client does not know (new, legacy, or misspelt), or one Slack's words do not classify.
    return { operation: 'delete', apiOperation: UNCLASSIFIED.get(name.toLowerCase()) ?? null };
  }
  const [method, operation, kind] = known;
  const channel = firstValue(request, CHANNEL_ARGS);
  const reading: ApiReading = {
    operation,
    apiOperation: method,
    resource: { kind, id: channel, owner: firstValue(request, ['team_id', 'team']) },
  };
  if (operation !== 'send') return reading;
  return { ...reading, recipients: recipientsOf(request) };
}

/** The Slack Web API family. */
export const slackFamily: ApiFamily = {
  id: 'slack',
  hosts: ['slack.com', '*.slack.com'],
  mostDangerous: 'delete',
  readRequest,
};
