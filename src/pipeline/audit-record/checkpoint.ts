/**
 * Audit checkpoints: the chain head signed by writ's key, written into the chain as an
 * `audit.checkpoint` record. The signed text is a C2SP tlog-checkpoint note body (origin, size, base64
 * head hash), so it can be exported as a signed note and co-signed by outside witnesses later.
 */
import { createHash, verify as edVerify, type KeyObject } from 'node:crypto';
import type { Signer } from '../../keys/signer.js';
import type { JsonValue } from '../model/json.js';

/** The `audit.checkpoint` event (docs/audit.md). */
export interface CheckpointEvent {
  readonly type: 'audit.checkpoint';
  /** `writ-audit/<replica>`: one chain per replica, so each has its own origin. */
  readonly origin: string;
  /** seq of the record the checkpoint covers (always the record just before it). */
  readonly size: number;
  /** hash of that record (hex). */
  readonly head: string;
  readonly kid: string;
  /** base64 Ed25519 signature over `checkpointBody(origin, size, head)`. */
  readonly sig: string;
  readonly [key: string]: JsonValue;
}

/** The `audit.anchor` event: an RFC 3161 token whose imprint is the checkpoint record's hash. */
export interface AnchorEvent {
  readonly type: 'audit.anchor';
  readonly checkpoint_seq: number;
  readonly checkpoint_hash: string;
  readonly tsa: string;
  readonly gen_time: string;
  /** base64 DER TimeStampToken (CMS ContentInfo). */
  readonly tst: string;
  readonly [key: string]: JsonValue;
}

/** The C2SP checkpoint note body: `<origin>\n<size>\n<base64 head>\n`. */
export function checkpointBody(origin: string, size: number, headHex: string): string {
  if (origin.includes('\n') || origin.length === 0) throw new TypeError('checkpoint origin must be one line');
  return `${origin}\n${size}\n${Buffer.from(headHex, 'hex').toString('base64')}\n`;
}

/** Signs the head with the given key and returns the event to append. */
export function makeCheckpoint(
  signer: Signer,
  origin: string,
  size: number,
  headHex: string,
): CheckpointEvent {
  const sig = signer.sign(Buffer.from(checkpointBody(origin, size, headHex), 'utf8'));
  return {
    type: 'audit.checkpoint',
    origin,
    size,
    head: headHex,
    kid: signer.kid,
    sig: Buffer.from(sig).toString('base64'),
  };
}

/** Whether the checkpoint's signature verifies under `key`. */
export function verifyCheckpointSignature(event: CheckpointEvent, key: KeyObject): boolean {
  const sig = Buffer.from(event.sig, 'base64');
  if (sig.length !== 64) return false;
  return edVerify(null, Buffer.from(checkpointBody(event.origin, event.size, event.head), 'utf8'), key, sig);
}

/** The C2SP note key hash for an Ed25519 key: SHA-256(name || "\n" || 0x01 || raw key)[:4]. */
function noteKeyHash(name: string, key: KeyObject): Buffer {
  const raw = Buffer.from(key.export({ format: 'jwk' }).x ?? '', 'base64url');
  return createHash('sha256')
    .update(Buffer.concat([Buffer.from(`${name}\n`, 'utf8'), Buffer.from([0x01]), raw]))
    .digest()
    .subarray(0, 4);
}

/**
 * The checkpoint as a C2SP signed note (body, blank line, `— <name> <base64(keyhash || sig)>`), for
 * export to witnesses and SIEMs and for `writ audit verify --checkpoint`.
 */
export function checkpointNote(event: CheckpointEvent, key: KeyObject): string {
  const name = `writ-${event.kid}`;
  const blob = Buffer.concat([noteKeyHash(name, key), Buffer.from(event.sig, 'base64')]);
  return `${checkpointBody(event.origin, event.size, event.head)}\n\u2014 ${name} ${blob.toString('base64')}\n`;
}

/** A parsed signed note: the body fields and the writ signature line, if any. */
export interface ParsedNote {
  readonly origin: string;
  readonly size: number;
  readonly head: string;
  readonly kid: string;
  readonly sig: string;
}

/** Parses a note written by `checkpointNote` and checks its signature; throws on anything else. */
export function parseCheckpointNote(
  text: string,
  keyFor: (kid: string) => KeyObject | undefined,
): ParsedNote {
  const split = text.indexOf('\n\n');
  if (split === -1) throw new Error('checkpoint note has no signature block');
  const [origin, sizeText, head64] = text.slice(0, split).split('\n');
  if (origin === undefined || sizeText === undefined || head64 === undefined || !/^\d+$/.test(sizeText))
    throw new Error('checkpoint note body is not origin, size, hash');
  const head = Buffer.from(head64, 'base64').toString('hex');
  for (const line of text.slice(split + 2).split('\n')) {
    const m = /^\u2014 writ-([A-Za-z0-9_-]+) ([A-Za-z0-9+/=]+)$/.exec(line);
    if (m === null) continue;
    const kid = m[1]!;
    const key = keyFor(kid);
    if (key === undefined) throw new Error(`checkpoint note is signed by unknown key "${kid}"`);
    const blob = Buffer.from(m[2]!, 'base64');
    if (!blob.subarray(0, 4).equals(noteKeyHash(`writ-${kid}`, key)))
      throw new Error('checkpoint note key hash does not match');
    const event: CheckpointEvent = {
      type: 'audit.checkpoint',
      origin,
      size: Number(sizeText),
      head,
      kid,
      sig: blob.subarray(4).toString('base64'),
    };
    if (!verifyCheckpointSignature(event, key)) throw new Error('checkpoint note signature does not verify');
    return { origin, size: event.size, head, kid, sig: event.sig };
  }
  throw new Error('checkpoint note has no writ signature');
}
