/**
 * `writ audit verify FILE [--keys JWKS|PEM] [--tsa-ca PEM] [--checkpoint NOTE]`: streams a hash-chained
 * audit log offline and checks every link, every checkpoint signature and every RFC 3161 anchor, naming
 * the first bad record. With --keys it also refuses a log whose records are not under a signed checkpoint
 * (none at all, or a long unsigned tail). Needs only public keys and the TSA's CA certificate.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { TimestampError, verifyTimeStampToken } from './anchoring/timestamp-token.js';
import { ed25519Thumbprint } from '../keys/local-key.js';
import { verifyKeyEvent } from '../keys/key-events.js';
import {
  parseCheckpointNote,
  verifyCheckpointSignature,
  type CheckpointEvent,
  type ParsedNote,
} from '../pipeline/audit-record/checkpoint.js';
import {
  ChainVerifier,
  recordBody,
  type AuditRecord,
  type ChainVerdict,
} from '../pipeline/audit-record/hash-chain.js';

/** What the offline verifier trusts beyond the file itself. */
export interface AuditVerifyOptions {
  /** Public keys (by kid) that may sign checkpoints and certify keys; without them signatures are not checked. */
  readonly keys?: ReadonlyMap<string, KeyObject>;
  /** The TSA root CA (PEM); without it time-stamp tokens are not checked. */
  readonly tsaCaPem?: string;
  /** Checkpoints held outside the log (signed notes): the log must contain each, so truncation shows. */
  readonly checkpoints?: readonly ParsedNote[];
  readonly onProgress?: (records: number) => void;
  readonly progressEvery?: number;
}

/** The chain verdict plus what the checkpoint layer counted. */
export interface AuditVerdict extends ChainVerdict {
  readonly checkpoints: number;
  readonly anchors: number;
  readonly keyEvents: number;
  readonly signaturesChecked: boolean;
  readonly timestampsChecked: boolean;
  /** Checkpoints with no anchor record (the TSA was down at the end, or anchoring is off). */
  readonly unanchored: number;
  /** Records after the last checkpoint: linked, but not yet signed. */
  readonly uncovered: number;
}

const str = (v: unknown): v is string => typeof v === 'string';

function isCheckpoint(e: Record<string, unknown>): e is CheckpointEvent & Record<string, unknown> {
  return (
    e['type'] === 'audit.checkpoint' &&
    str(e['origin']) &&
    Number.isSafeInteger(e['size']) &&
    str(e['head']) &&
    str(e['kid']) &&
    str(e['sig'])
  );
}

/** Verifies a log file line by line; memory grows only with unanchored checkpoints. */
export async function verifyAuditFile(
  path: string,
  optsOrProgress?: AuditVerifyOptions | ((records: number) => void),
  progressEvery = 100_000,
): Promise<AuditVerdict> {
  const opts: AuditVerifyOptions =
    typeof optsOrProgress === 'function'
      ? { onProgress: optsOrProgress, progressEvery }
      : (optsOrProgress ?? {});
  return verifyAuditText(createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 }), opts);
}

/** Verifies a log given as text chunks (a file stream, or a string in tests). */
export async function verifyAuditText(
  chunks: AsyncIterable<unknown> | Iterable<string>,
  opts: AuditVerifyOptions = {},
  progressEvery = 100_000,
): Promise<AuditVerdict> {
  const every = opts.progressEvery ?? progressEvery;
  const chain = new ChainVerifier();
  const trusted = new Map(opts.keys ?? []);
  // Certified keys may sign only within their certification's validity (seconds); roots have none.
  const validity = new Map<string, { nbf: number; exp: number }>();
  const signaturesChecked = opts.keys !== undefined;
  const timestampsChecked = opts.tsaCaPem !== undefined;
  const notes = [...(opts.checkpoints ?? [])];
  // Checkpoint records awaiting their anchor: seq -> hash and the canonical bytes the TSA imprinted.
  const pending = new Map<number, { hash: string; body: string }>();
  let checkpoints = 0;
  let anchors = 0;
  let keyEvents = 0;
  let lastCheckpointSeq = 0;

  const onRecord = async (r: AuditRecord): Promise<void> => {
    for (const n of notes)
      if (n.size === r.seq && n.head !== r.hash)
        return chain.reject(
          'missing-checkpoint',
          `record ${r.seq} differs from the external checkpoint's head`,
        );
    const e = r.event as Record<string, unknown> | null;
    if (e === null || typeof e !== 'object') return;
    switch (e['type']) {
      case 'audit.checkpoint': {
        if (!isCheckpoint(e)) return chain.reject('bad-checkpoint', 'checkpoint event is malformed');
        // INVARIANT: a checkpoint covers exactly the record before it.
        if (e.size !== r.seq - 1 || e.head !== r.prev)
          return chain.reject('bad-checkpoint', 'checkpoint does not sign the record before it');
        if (signaturesChecked) {
          const key = trusted.get(e.kid);
          if (key === undefined)
            return chain.reject('unknown-key', `checkpoint signed by unknown key "${e.kid}"`);
          if (!verifyCheckpointSignature(e, key))
            return chain.reject('bad-checkpoint', 'checkpoint signature does not verify');
          const window = validity.get(e.kid);
          const t = Math.floor(Date.parse(r.time) / 1000);
          if (window !== undefined && (t < window.nbf || t > window.exp))
            return chain.reject(
              'bad-checkpoint',
              `checkpoint signed outside key "${e.kid}"'s certified validity`,
            );
        }
        checkpoints++;
        lastCheckpointSeq = r.seq;
        pending.set(r.seq, { hash: r.hash, body: recordBody(r.seq, r.time, r.prev, r.event) });
        return;
      }
      case 'audit.anchor': {
        const seq = e['checkpoint_seq'];
        if (typeof seq !== 'number') return chain.reject('bad-anchor', 'anchor has no checkpoint_seq');
        const target = pending.get(seq);
        if (target === undefined || target.hash !== e['checkpoint_hash'] || !str(e['tst']))
          return chain.reject('bad-anchor', 'anchor does not name an earlier, unanchored checkpoint');
        const caPem = opts.tsaCaPem;
        if (caPem !== undefined) {
          try {
            const v = await verifyTimeStampToken(Buffer.from(e['tst'], 'base64'), {
              data: Buffer.from(target.body, 'utf8'),
              trustedCaPem: caPem,
            });
            if (e['gen_time'] !== v.genTime.toISOString())
              return chain.reject('bad-anchor', 'anchor gen_time differs from the token');
          } catch (err) {
            if (!(err instanceof TimestampError)) throw err;
            return chain.reject('bad-anchor', `time-stamp token: ${err.problem}: ${err.message}`);
          }
        }
        pending.delete(seq);
        anchors++;
        return;
      }
      case 'audit.key-added':
      case 'audit.key-retired': {
        keyEvents++;
        if (!signaturesChecked || e['type'] === 'audit.key-retired') return;
        // A key enters the trusted set only with a certification by a key already trusted.
        const added = verifyKeyEvent(e, trusted);
        if (!added.ok) return chain.reject('bad-key-event', added.reason);
        trusted.set(added.kid, added.key);
        if (added.validity !== undefined) validity.set(added.kid, added.validity);
        return;
      }
      default:
        return;
    }
  };

  let pendingText = '';
  let count = 0;
  let stopped = false;
  for await (const chunk of chunks) {
    pendingText += chunk as string;
    let nl: number;
    while ((nl = pendingText.indexOf('\n')) !== -1) {
      const line = pendingText.slice(0, nl);
      pendingText = pendingText.slice(nl + 1);
      const record = chain.pushRecord(line);
      if (record !== null) await onRecord(record);
      if (chain.result().firstBad !== undefined) {
        stopped = true;
        break;
      }
      if (++count % every === 0) opts.onProgress?.(count);
    }
    if (stopped) break;
  }
  // Bytes after the last newline are a torn write: reported, never accepted.
  if (!stopped && pendingText.length > 0) chain.tornTail();
  const base = chain.result();
  if (base.ok) {
    const short = notes.find((n) => n.size > base.records);
    if (short !== undefined)
      chain.rejectAtEnd(
        'missing-checkpoint',
        `log ends at record ${base.records} but an external checkpoint covers ${short.size}: truncated`,
      );
  }
  const v = chain.result();
  return {
    ...v,
    checkpoints,
    anchors,
    keyEvents,
    signaturesChecked,
    timestampsChecked,
    unanchored: pending.size,
    uncovered: Math.max(0, v.records - lastCheckpointSeq),
  };
}

/** Reads public keys from a JWKS (JSON) or PEM file, keyed by RFC 7638 thumbprint. */
export function loadPublicKeys(file: string): Map<string, KeyObject> {
  const text = readFileSync(file, 'utf8');
  const keys: KeyObject[] = [];
  if (text.trimStart().startsWith('-----BEGIN')) {
    for (const pem of text.match(/-----BEGIN PUBLIC KEY-----[^-]+-----END PUBLIC KEY-----/g) ?? [])
      keys.push(createPublicKey(pem));
  } else {
    const doc = JSON.parse(text) as { keys?: Array<Record<string, unknown>> };
    for (const jwk of doc.keys ?? []) {
      if (jwk['kty'] !== 'OKP' || jwk['crv'] !== 'Ed25519' || !str(jwk['x'])) continue;
      keys.push(createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk['x'] }, format: 'jwk' }));
    }
  }
  if (keys.length === 0) throw new Error(`no Ed25519 public key in "${file}"`);
  return new Map(keys.map((k) => [ed25519Thumbprint(k), k] as const));
}

/** Flags of `writ audit verify`, as file paths. */
export interface AuditVerifyFlags {
  readonly keys?: string;
  readonly tsaCa?: string;
  readonly checkpoint?: readonly string[];
  /** With keys: accept a log whose records are not (all) under a signed checkpoint. */
  readonly allowUnsigned?: boolean;
  /** With keys: most records allowed after the last signed checkpoint (default {@link DEFAULT_MAX_UNSIGNED}). */
  readonly maxUnsigned?: number;
}

/**
 * Records a verified log may hold after its last signed checkpoint: writ's default checkpoint cadence
 * (`--checkpoint-every 1000`), so a log copied between two checkpoints still verifies.
 */
export const DEFAULT_MAX_UNSIGNED = 1000;

/**
 * With keys, an intact chain proves nothing by itself: anyone can hash-chain records. Returns why the
 * signed coverage is not enough, or undefined when it is.
 */
export function unsignedCoverage(verdict: AuditVerdict, maxUnsigned: number): string | undefined {
  if (verdict.checkpoints === 0)
    return `no signed checkpoint in ${verdict.records} records: anyone can write such a log`;
  if (verdict.uncovered > maxUnsigned)
    return (
      `${verdict.uncovered} records after the last signed checkpoint (more than ${maxUnsigned}): ` +
      'they could have been appended by anyone'
    );
  return undefined;
}

/** Runs the command; returns the exit code (0 intact, 1 tampered or torn, 2 unreadable or bad flags). */
export async function runAuditVerify(
  path: string,
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
  flags: AuditVerifyFlags = {},
): Promise<number> {
  let opts: AuditVerifyOptions;
  try {
    const keys = flags.keys === undefined ? undefined : loadPublicKeys(flags.keys);
    const notes = (flags.checkpoint ?? []).map((f) =>
      parseCheckpointNote(readFileSync(f, 'utf8'), (kid) => keys?.get(kid)),
    );
    const tsaCaPem = flags.tsaCa === undefined ? undefined : readFileSync(flags.tsaCa, 'utf8');
    if (tsaCaPem !== undefined && !tsaCaPem.includes('-----BEGIN CERTIFICATE-----'))
      throw new Error(`no PEM certificate in "${flags.tsaCa}"`);
    opts = {
      ...(keys === undefined ? {} : { keys }),
      ...(tsaCaPem === undefined ? {} : { tsaCaPem }),
      checkpoints: notes,
      onProgress: (n) => err.write(`verified ${n} records...\n`),
    };
  } catch (e) {
    err.write(`writ audit verify: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  let verdict: AuditVerdict;
  try {
    verdict = await verifyAuditFile(path, opts);
  } catch (e) {
    err.write(`writ audit verify: cannot read "${path}": ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  if (verdict.ok && verdict.signaturesChecked) {
    const gap = unsignedCoverage(verdict, flags.maxUnsigned ?? DEFAULT_MAX_UNSIGNED);
    if (gap !== undefined && flags.allowUnsigned !== true) {
      out.write(
        `FAILED (unsigned): ${gap}; the chain is intact but not signed by --keys ` +
          '(--allow-unsigned accepts it, --max-unsigned N sets the tail allowed)\n',
      );
      return 1;
    }
    if (gap !== undefined) err.write(`writ audit verify: accepted with --allow-unsigned: ${gap}\n`);
  }
  if (verdict.ok) {
    out.write(`ok: ${verdict.records} records, chain intact, head ${verdict.lastHash}\n`);
    out.write(
      `checkpoints: ${verdict.checkpoints} (signatures ${verdict.signaturesChecked ? 'verified' : 'NOT checked: no --keys'}), ` +
        `anchors: ${verdict.anchors} (time-stamps ${verdict.timestampsChecked ? 'verified' : 'NOT checked: no --tsa-ca'}), ` +
        `unanchored checkpoints: ${verdict.unanchored}, records after the last checkpoint: ${verdict.uncovered}\n`,
    );
    return 0;
  }
  const bad = verdict.firstBad!;
  out.write(
    `FAILED at line ${bad.line} (${bad.problem}): ${bad.detail}; ${verdict.records} records before it verified\n`,
  );
  return 1;
}
