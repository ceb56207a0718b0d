/**
 * Recipients of a mail message as its transport reads them: the To, Cc and Bcc (and Resent-*) header fields of
 * an RFC 5322 message (a Gmail `raw`, an upload body, a relay tool's MIME argument), and the stand-in for a
 * send whose recipients the request does not carry.
 */
import { isJsonObject, type JsonValue } from '../../model/json.js';

/**
 * The recipient of a send whose recipients writ cannot read (a stored draft sent by id, a reply to a sender
 * the request does not name, a message that does not decode). Its domain is empty, so it counts as outside
 * every trust boundary (`resource.external_recipient_domains` holds ""): SECURITY, an unread recipient is
 * never an internal one.
 */
export const UNREADABLE_RECIPIENT = 'unreadable-recipient@';

/** Header fields that name recipients (RFC 5322 section 3.6.3 and 3.6.6). */
const RECIPIENT_FIELD = /^(?:resent-)?(?:to|cc|bcc)[ \t]*:(.*)$/i;
/** An address: anything around an `@` that cannot be a separator; a display name holding one counts too. */
const ADDRESS = /[^\s<>,;:"()[\]\\]+@[^\s<>,;:"()[\]\\]*/g;
/** Lines read at most: a header block is short, a body is not looked at past this. */
const MAX_LINES = 20_000;

/** Every address in one header field's value, lower-case (display names that hold an `@` included). */
export function addressesIn(value: string): string[] {
  return (value.match(ADDRESS) ?? []).map((a) => a.toLowerCase());
}

/**
 * The recipients named by recipient header fields anywhere in a message text, folded lines unfolded. Every
 * header block counts (a multipart upload carries the message after its metadata part), so a body line that
 * looks like `To: x@y` counts as well: over-reading makes a send more external, never less.
 */
export function mimeRecipients(text: string): string[] {
  const lines = text.split(/\r?\n/, MAX_LINES);
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = RECIPIENT_FIELD.exec(lines[i] ?? '');
    if (m === null) continue;
    let value = m[1] ?? '';
    while (i + 1 < lines.length && /^[ \t]/.test(lines[i + 1] ?? '')) value += ` ${lines[++i] ?? ''}`;
    out.push(...addressesIn(value));
  }
  return out;
}

/** A base64url (or base64) RFC 5322 message as text; null when it is not a string. */
export function decodeRawMessage(raw: JsonValue | undefined): string | null {
  if (typeof raw !== 'string') return null;
  return Buffer.from(raw, 'base64url').toString('utf8');
}

/** The recipients of a `{raw}` (or `{message: {raw}}`) body, or of a message text body. */
export function rawMessageRecipients(body: JsonValue): string[] {
  if (typeof body === 'string') return mimeRecipients(body);
  if (!isJsonObject(body)) return [];
  const message = body['message'];
  const text =
    decodeRawMessage(body['raw']) ?? (isJsonObject(message) ? decodeRawMessage(message['raw']) : null);
  return text === null ? [] : mimeRecipients(text);
}

/** The recipients of a send, or the unreadable stand-in when it names none. */
export function sendRecipients(found: readonly string[]): string[] {
  return found.length === 0 ? [UNREADABLE_RECIPIENT] : [...found];
}
