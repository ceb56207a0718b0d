/**
 * SendGrid v3 (api.sendgrid.com): mail sends, message activity, templates, API keys, teammates, senders and
 * suppressions. Written by hand from SendGrid's v3 reference: SendGrid publishes no machine-readable
 * description in the npm registry (`@sendgrid/mail` and `@sendgrid/client` carry none), so the table lists
 * these operations and every other path is an unknown operation (never a read). A send's recipients are the
 * `personalizations[].to/cc/bcc[].email` the argument reader collects.
 */
import type { OperationClass } from '../../model/action.js';
import type { ApiFamily } from '../api/api-family.js';
import { unknownOperation } from '../api/api-reading.js';
import { compileRoutes, type Route } from '../api/route-table.js';
import { resourceHintsFromArguments } from '../argument-hints.js';
import { sendRecipients } from '../api/mail-recipients.js';

type Row = readonly [method: string, path: string, id: string, operation: OperationClass, kind: string];

const ROWS: readonly Row[] = [
  ['POST', '/v3/mail/send', 'mail.send', 'send', 'mail'],
  ['GET', '/v3/messages', 'messages.list', 'read', 'message'],
  ['GET', '/v3/messages/{msg_id}', 'messages.get', 'read', 'message'],
  ['GET', '/v3/templates', 'templates.list', 'read', 'template'],
  ['POST', '/v3/templates', 'templates.create', 'write', 'template'],
  ['GET', '/v3/templates/{template_id}', 'templates.get', 'read', 'template'],
  ['PATCH', '/v3/templates/{template_id}', 'templates.update', 'write', 'template'],
  ['DELETE', '/v3/templates/{template_id}', 'templates.delete', 'delete', 'template'],
  ['GET', '/v3/api_keys', 'api-keys.list', 'read', 'api-key'],
  ['POST', '/v3/api_keys', 'api-keys.create', 'admin', 'api-key'],
  ['GET', '/v3/api_keys/{api_key_id}', 'api-keys.get', 'read', 'api-key'],
  ['PUT', '/v3/api_keys/{api_key_id}', 'api-keys.update', 'admin', 'api-key'],
  ['PATCH', '/v3/api_keys/{api_key_id}', 'api-keys.update-name', 'admin', 'api-key'],
  ['DELETE', '/v3/api_keys/{api_key_id}', 'api-keys.delete', 'delete', 'api-key'],
  ['GET', '/v3/teammates', 'teammates.list', 'read', 'teammate'],
  ['POST', '/v3/teammates', 'teammates.invite', 'admin', 'teammate'],
  ['DELETE', '/v3/teammates/{username}', 'teammates.delete', 'delete', 'teammate'],
  ['GET', '/v3/verified_senders', 'verified-senders.list', 'read', 'sender'],
  ['POST', '/v3/verified_senders', 'verified-senders.create', 'admin', 'sender'],
  ['DELETE', '/v3/verified_senders/{id}', 'verified-senders.delete', 'delete', 'sender'],
  ['GET', '/v3/suppression/bounces', 'bounces.list', 'read', 'suppression'],
  ['DELETE', '/v3/suppression/bounces', 'bounces.delete-all', 'delete', 'suppression'],
  ['DELETE', '/v3/suppression/bounces/{email}', 'bounces.delete', 'delete', 'suppression'],
  ['GET', '/v3/user/webhooks/event/settings', 'event-webhook.get', 'read', 'webhook'],
  ['PATCH', '/v3/user/webhooks/event/settings', 'event-webhook.update', 'admin', 'webhook'],
  ['GET', '/v3/mail_settings', 'mail-settings.list', 'read', 'mail-settings'],
];
const TABLE = compileRoutes(
  ROWS.map(([method, path, id, operation, kind]): Route => ({ method, path, id, operation, kind })),
);

/** How many operations the hand-written table lists, for the coverage test. */
export const SENDGRID_OPERATIONS: number = ROWS.length;

/** The SendGrid family. */
export const sendgridFamily: ApiFamily = {
  id: 'sendgrid',
  hosts: ['api.sendgrid.com'],
  mostDangerous: 'delete',
  readRequest(request) {
    const match = TABLE.match(request.method, request.pathname);
    if (match === null) return unknownOperation(request.method, 'delete');
    const { route, params } = match;
    const resource = { kind: route.kind, id: Object.values(params)[0] ?? null };
    if (route.operation !== 'send') return { operation: route.operation, apiOperation: route.id, resource };
    const found = request.bodyIsJson ? (resourceHintsFromArguments(request.body).recipients ?? []) : [];
    return { operation: 'send', apiOperation: route.id, resource, recipients: sendRecipients(found) };
  },
};
