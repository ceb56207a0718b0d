/**
 * Microsoft Graph mail (graph.microsoft.com, `/v1.0` and `/beta`): messages, mail folders, inbox rules and
 * mailbox settings of `/me` and `/users/{user}`. Written by hand from Graph's mail reference: Microsoft
 * publishes no method-and-path description in the npm registry (`@microsoft/microsoft-graph-types` holds the
 * entity types only), so the table lists the mail operations and every other Graph path is an unknown
 * operation (never a read). Send recipients are read from the body (`message.toRecipients`, ...); a send or
 * reply whose recipients the request does not carry counts an unreadable, external recipient.
 */
import { isJsonObject, type JsonValue } from '../../model/json.js';
import type { OperationClass } from '../../model/action.js';
import type { ApiFamily } from '../api/api-family.js';
import { unknownOperation } from '../api/api-reading.js';
import { addressesIn, sendRecipients, UNREADABLE_RECIPIENT } from '../api/mail-recipients.js';
import { compileRoutes, type Route } from '../api/route-table.js';

type Row = readonly [method: string, path: string, id: string, operation: OperationClass, kind: string];

/** The mail operations under one mailbox root (`/me` or `/users/{user}`), ids as Graph's reference names them. */
const MAILBOX: readonly Row[] = [
  ['POST', '/sendMail', 'user.sendMail', 'send', 'message'],
  ['GET', '/messages', 'user.list.messages', 'read', 'message'],
  ['POST', '/messages', 'user.post.messages', 'write', 'message'],
  ['GET', '/messages/{id}', 'message.get', 'read', 'message'],
  ['PATCH', '/messages/{id}', 'message.update', 'write', 'message'],
  ['DELETE', '/messages/{id}', 'message.delete', 'delete', 'message'],
  ['GET', '/messages/{id}/$value', 'message.get.mime', 'read', 'message'],
  ['GET', '/messages/{id}/attachments', 'message.list.attachments', 'read', 'attachment'],
  ['GET', '/messages/{id}/attachments/{attachment}', 'attachment.get', 'read', 'attachment'],
  ['POST', '/messages/{id}/attachments', 'message.post.attachments', 'write', 'attachment'],
  ['DELETE', '/messages/{id}/attachments/{attachment}', 'attachment.delete', 'delete', 'attachment'],
  ['POST', '/messages/{id}/send', 'message.send', 'send', 'message'],
  ['POST', '/messages/{id}/reply', 'message.reply', 'send', 'message'],
  ['POST', '/messages/{id}/replyAll', 'message.replyAll', 'send', 'message'],
  ['POST', '/messages/{id}/forward', 'message.forward', 'send', 'message'],
  ['POST', '/messages/{id}/createReply', 'message.createReply', 'write', 'message'],
  ['POST', '/messages/{id}/createReplyAll', 'message.createReplyAll', 'write', 'message'],
  ['POST', '/messages/{id}/createForward', 'message.createForward', 'write', 'message'],
  ['POST', '/messages/{id}/move', 'message.move', 'write', 'message'],
  ['POST', '/messages/{id}/copy', 'message.copy', 'write', 'message'],
  ['GET', '/mailFolders', 'user.list.mailFolders', 'read', 'mailFolder'],
  ['POST', '/mailFolders', 'user.post.mailFolders', 'write', 'mailFolder'],
  ['GET', '/mailFolders/{folder}', 'mailFolder.get', 'read', 'mailFolder'],
  ['PATCH', '/mailFolders/{folder}', 'mailFolder.update', 'write', 'mailFolder'],
  ['DELETE', '/mailFolders/{folder}', 'mailFolder.delete', 'delete', 'mailFolder'],
  ['GET', '/mailFolders/{folder}/messages', 'mailFolder.list.messages', 'read', 'message'],
  ['POST', '/mailFolders/{folder}/messages', 'mailFolder.post.messages', 'write', 'message'],
  ['GET', '/mailFolders/{folder}/messages/{id}', 'message.get', 'read', 'message'],
  ['DELETE', '/mailFolders/{folder}/messages/{id}', 'message.delete', 'delete', 'message'],
  ['GET', '/mailFolders/{folder}/childFolders', 'mailFolder.list.childFolders', 'read', 'mailFolder'],
  // Inbox rules forward, redirect and delete mail unseen: who reads the mailbox is an admin question.
  ['GET', '/mailFolders/{folder}/messageRules', 'mailFolder.list.messageRules', 'read', 'messageRule'],
  ['POST', '/mailFolders/{folder}/messageRules', 'mailFolder.post.messageRules', 'admin', 'messageRule'],
  ['GET', '/mailFolders/{folder}/messageRules/{rule}', 'messageRule.get', 'read', 'messageRule'],
  ['PATCH', '/mailFolders/{folder}/messageRules/{rule}', 'messageRule.update', 'admin', 'messageRule'],
  ['DELETE', '/mailFolders/{folder}/messageRules/{rule}', 'messageRule.delete', 'delete', 'messageRule'],
  ['GET', '/mailboxSettings', 'user.get.mailboxSettings', 'read', 'mailboxSettings'],
  ['PATCH', '/mailboxSettings', 'user.update.mailboxSettings', 'admin', 'mailboxSettings'],
];

const ROOTS = ['/v1.0/me', '/beta/me', '/v1.0/users/{user}', '/beta/users/{user}'];
const TABLE = compileRoutes(
  ROOTS.flatMap((root) =>
    MAILBOX.map(([method, path, id, operation, kind]): Route => ({
      method,
      path: root + path,
      id,
      operation,
      kind,
    })),
  ),
);

/** Every mail operation Graph's table lists (per mailbox root), for the coverage test. */
export const GRAPH_MAIL_OPERATIONS: number = MAILBOX.length;

/**
 * Addresses under Graph's recipient keys (`toRecipients`, `ccRecipients`, `bccRecipients`, `replyTo`... any key
 * ending in `recipients`), at any depth (`message.toRecipients[].emailAddress.address`).
 */
function graphRecipients(body: JsonValue): string[] {
  const out: string[] = [];
  const visit = (v: JsonValue, inRecipients: boolean, depth: number): void => {
    if (depth > 8) return;
    if (typeof v === 'string') {
      if (inRecipients) out.push(...addressesIn(v));
    } else if (Array.isArray(v)) {
      for (const x of v) visit(x, inRecipients, depth + 1);
    } else if (isJsonObject(v)) {
      for (const k of Object.keys(v))
        visit(v[k] as JsonValue, inRecipients || /recipients$|^replyto$/i.test(k), depth + 1);
    }
  };
  visit(body, false, 0);
  return out;
}

/** The Microsoft Graph mail family. */
export const graphMailFamily: ApiFamily = {
  id: 'graph-mail',
  hosts: ['graph.microsoft.com'],
  mostDangerous: 'delete',
  readRequest(request) {
    const match = TABLE.match(request.method, request.pathname);
    if (match === null) return unknownOperation(request.method, 'delete');
    const { route, params } = match;
    const resource = {
      kind: route.kind,
      owner: params['user'] ?? 'me',
      id: params['id'] ?? params['rule'] ?? params['folder'] ?? null,
    };
    if (route.operation !== 'send') return { operation: route.operation, apiOperation: route.id, resource };
    const named = graphRecipients(request.body);
    // A draft sent by id names no recipient; a reply goes to a sender the request does not name.
    const unread =
      route.id === 'message.send' || route.id === 'message.reply' || route.id === 'message.replyAll';
    return {
      operation: 'send',
      apiOperation: route.id,
      resource,
      recipients: unread ? [...named, UNREADABLE_RECIPIENT] : sendRecipients(named),
    };
  },
};
