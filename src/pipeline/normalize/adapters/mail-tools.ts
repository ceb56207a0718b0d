/**
 * Mail tools in MCP servers: SMTP-over-HTTP relays and mailbox tools (`send_email` with to/from/subject,
 * `read_email`, `delete_email`, `move_email`). No host of its own: it reads tool calls only. A send's
 * recipients are every address the arguments name (to, cc, bcc, nested) and those in a MIME message argument
 * (`raw`, `mime`, `message`); a send that names none counts an unreadable, external recipient.
 */
import { isJsonObject, type JsonValue } from '../../model/json.js';
import type { OperationClass } from '../../model/action.js';
import type { ApiFamily, ToolCall } from '../api/api-family.js';
import type { ApiReading } from '../api/api-reading.js';
import { decodeRawMessage, mimeRecipients, sendRecipients } from '../api/mail-recipients.js';
import { resourceHintsFromArguments } from '../argument-hints.js';
import { toolWords } from '../operation-class.js';

/** Words that make a tool a mail tool. */
const MAIL_WORDS: ReadonlySet<string> = new Set([
  'mail',
  'email',
  'emails',
  'mails',
  'smtp',
  'imap',
  'inbox',
  'mailbox',
]);
/** Argument names that carry what a message says. */
const CONTENT_KEYS = ['subject', 'body', 'text', 'html', 'content', 'raw', 'mime'];
const RECIPIENT_KEYS = ['to', 'cc', 'bcc', 'recipient', 'recipients'];
/** Tool verbs, in the order they win. */
const VERBS: ReadonlyArray<readonly [OperationClass, string, ReadonlySet<string>]> = [
  ['delete', 'mail.delete', new Set(['delete', 'remove', 'trash', 'purge', 'expunge', 'destroy'])],
  ['send', 'mail.send', new Set(['send', 'reply', 'forward', 'relay', 'compose', 'deliver'])],
  [
    'write',
    'mail.write',
    new Set(['move', 'draft', 'label', 'flag', 'mark', 'archive', 'save', 'create', 'update', 'copy']),
  ],
  ['read', 'mail.read', new Set(['read', 'get', 'list', 'search', 'fetch', 'find', 'show', 'view', 'query'])],
];

const has = (args: ToolCall['arguments'], keys: readonly string[]) =>
  keys.some((k) => Object.hasOwn(args, k) && args[k] !== null && args[k] !== '');

/** Recipients in MIME text arguments (`raw` base64url, `mime` or `message` as text). */
function mimeArgumentRecipients(args: ToolCall['arguments']): string[] {
  const out: string[] = [];
  const raw = decodeRawMessage(args['raw']);
  if (raw !== null) out.push(...mimeRecipients(raw));
  for (const k of ['mime', 'message', 'raw'] as const) {
    const v: JsonValue | undefined = args[k];
    if (typeof v === 'string') out.push(...mimeRecipients(v));
  }
  return out;
}

function send(args: ToolCall['arguments'], id: string): ApiReading {
  const found = [...(resourceHintsFromArguments(args).recipients ?? []), ...mimeArgumentRecipients(args)];
  return {
    operation: 'send',
    apiOperation: id,
    resource: { kind: 'message' },
    recipients: sendRecipients(found),
  };
}

/** The mail tools family. */
export const mailToolsFamily: ApiFamily = {
  id: 'mail-tools',
  hosts: [],
  mostDangerous: 'send',
  readRequest() {
    // INVARIANT: no host, so the registry never hands this family a request; a read of nothing is no read.
    return { operation: 'unknown', apiOperation: null };
  },
  readToolCall(call) {
    if (!isJsonObject(call.arguments)) return null;
    const words = toolWords(call.tool);
    const mailTool = words.some((w) => MAIL_WORDS.has(w));
    // A relay by its arguments, whatever its name: recipients and what the message says.
    const relay = has(call.arguments, RECIPIENT_KEYS) && has(call.arguments, CONTENT_KEYS);
    if (!mailTool && !relay) return null;
    for (const [operation, id, verbs] of VERBS) {
      if (!words.some((w) => verbs.has(w))) continue;
      if (operation === 'send') return send(call.arguments, id);
      // A "read" or "search" whose arguments compose a message is a send as well (the riskier reading).
      if (operation === 'read' && relay && has(call.arguments, ['body', 'text', 'html', 'raw', 'mime']))
        return send(call.arguments, 'mail.send');
      return { operation, apiOperation: id, resource: { kind: 'message' } };
    }
    return relay
      ? send(call.arguments, 'mail.send')
      : { operation: 'unknown', apiOperation: null, resource: { kind: 'message' } };
  },
};
