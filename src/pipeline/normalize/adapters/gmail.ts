/**
 * Gmail API (gmail.googleapis.com, www.googleapis.com): method and path read against the table generated from
 * the Gmail client's discovery document (generated/gmail-routes.ts); a send's recipients are read from the
 * message it sends (the base64url `raw`, or an upload body), never from the request's own fields alone.
 */
import type { ApiFamily } from '../api/api-family.js';
import { unknownOperation } from '../api/api-reading.js';
import { rawMessageRecipients, sendRecipients } from '../api/mail-recipients.js';
import { compileRoutes, type Route } from '../api/route-table.js';
import { GMAIL_ROUTES } from './generated/gmail-routes.js';

const TABLE = compileRoutes(
  GMAIL_ROUTES.map(([method, path, id, operation, kind]): Route => ({ method, path, id, operation, kind })),
);

/** The Gmail family. */
export const gmailFamily: ApiFamily = {
  id: 'gmail',
  hosts: ['gmail.googleapis.com', 'www.googleapis.com'],
  mostDangerous: 'delete',
  // www.googleapis.com serves every Google API: only its Gmail paths are this family's.
  claims: (request) =>
    request.host === 'gmail.googleapis.com' ||
    request.pathname.startsWith('/gmail/') ||
    request.pathname.startsWith('/upload/gmail/'),
  readRequest(request) {
    const match = TABLE.match(request.method, request.pathname);
    if (match === null) return unknownOperation(request.method, 'delete');
    const { route, params } = match;
    const resource = {
      kind: route.kind,
      owner: params['userId'] ?? null,
      id: params['id'] ?? params['messageId'] ?? null,
    };
    if (route.operation !== 'send') return { operation: route.operation, apiOperation: route.id, resource };
    // A draft sent by id carries no recipients: the stand-in counts as external.
    return {
      operation: 'send',
      apiOperation: route.id,
      resource,
      recipients: sendRecipients(rawMessageRecipients(request.body)),
    };
  },
};
