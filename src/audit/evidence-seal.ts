/**
 * The seal of an evidence report (`npm run evidence`): the SHA-256 of each report file, in a manifest whose
 * digest is the head of a checkpoint signed by writ's audit key, time-stamped (RFC 3161) when a TSA is
 * configured. It is the audit log's checkpoint and anchor format, so `writ audit verify --evidence` checks it
 * offline with the same keys and TSA root as the log.
 */
import { createHash, type KeyObject } from 'node:crypto';
import { checkpointBody, type CheckpointEvent } from '../pipeline/audit-record/checkpoint.js';
import type { TimestampAuthority } from './checkpointer.js';
import {
  anchoredCheckpointShapeProblem,
  checkAnchor,
  checkSignedCheckpoint,
  type AnchoredCheckpoint,
} from './anchoring/anchored-checkpoint.js';

/** One sealed file: its name beside the seal and its SHA-256 (hex). */
export interface SealedFile {
  readonly name: string;
  readonly sha256: string;
}

/**
 * The seal, written as JSON beside the files it covers. Its checkpoint: origin `writ-evidence/<commit>`,
 * size = number of files, head = SHA-256 of the manifest; time-stamped only with a TSA.
 */
export interface EvidenceSeal extends AnchoredCheckpoint {
  readonly type: 'writ.evidence-seal';
  readonly files: readonly SealedFile[];
}

/** What signs the seal: writ's root key (local file or KMS), as src/keys/root-signer.ts opens it. */
export interface SealSigner {
  readonly kid: string;
  sign(data: Uint8Array): Promise<Uint8Array>;
}

/** A name a seal may list: one plain file beside it, so a seal can never point a verifier elsewhere. */
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

const sha256 = (data: Uint8Array | string): string => createHash('sha256').update(data).digest('hex');

/** The manifest the checkpoint head is the digest of: `<sha256>  <name>\n` per file, sorted by name. */
export function evidenceManifest(files: readonly SealedFile[]): string {
  return [...files]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((f) => `${f.sha256}  ${f.name}\n`)
    .join('');
}

/** Seals the files: digests, signed checkpoint, and a time-stamp of its body when `tsa` is given. */
export async function sealEvidence(
  files: readonly { readonly name: string; readonly bytes: Uint8Array }[],
  signer: SealSigner,
  origin: string,
  tsa?: TimestampAuthority,
): Promise<EvidenceSeal> {
  if (files.length === 0) throw new TypeError('nothing to seal');
  for (const f of files)
    if (!FILE_NAME.test(f.name)) throw new TypeError(`cannot seal file name "${f.name}"`);
  if (new Set(files.map((f) => f.name)).size !== files.length) throw new TypeError('duplicate file name');
  const sealed = files.map((f) => ({ name: f.name, sha256: sha256(f.bytes) }));
  const head = sha256(evidenceManifest(sealed));
  const body = checkpointBody(origin, sealed.length, head);
  const sig = await signer.sign(Buffer.from(body, 'utf8'));
  const checkpoint: CheckpointEvent = {
    type: 'audit.checkpoint',
    origin,
    size: sealed.length,
    head,
    kid: signer.kid,
    sig: Buffer.from(sig).toString('base64'),
  };
  const seal: EvidenceSeal = { type: 'writ.evidence-seal', files: sealed, checkpoint, body };
  if (tsa === undefined) return seal;
  const stamp = await tsa.timestamp(Buffer.from(body, 'utf8'));
  return { ...seal, tst: Buffer.from(stamp.token).toString('base64'), genTime: stamp.genTime.toISOString() };
}

/** Why a seal does not verify; stable strings for scripts. */
export type EvidenceProblem =
  | 'bad-shape'
  | 'unknown-key'
  | 'bad-signature'
  | 'bad-manifest'
  | 'missing-file'
  | 'digest-mismatch'
  | 'no-timestamp'
  | 'bad-timestamp';

export type EvidenceVerdict =
  | {
      readonly ok: true;
      readonly origin: string;
      readonly files: readonly SealedFile[];
      /** The time-stamp's genTime when one was checked (ISO), else null. */
      readonly timestamped: string | null;
    }
  | { readonly ok: false; readonly problem: EvidenceProblem; readonly detail: string };

export interface EvidenceVerifyOptions {
  /** Public keys that may sign seals (the audit log's), by kid. */
  readonly keys: ReadonlyMap<string, KeyObject>;
  /** The TSA root CA (PEM). Given: the seal must carry a time-stamp that verifies. Absent: not checked. */
  readonly tsaCaPem?: string;
}

const str = (v: unknown): v is string => typeof v === 'string';

/** Narrows parsed JSON to an EvidenceSeal, or says what is wrong with it. */
export function evidenceSealOf(value: unknown): EvidenceSeal | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const v = value as Record<string, unknown>;
  if (v['type'] !== 'writ.evidence-seal') return '"type" is not "writ.evidence-seal"';
  const files = v['files'];
  if (
    !Array.isArray(files) ||
    files.length === 0 ||
    !files.every(
      (f: unknown) =>
        typeof f === 'object' &&
        f !== null &&
        str((f as SealedFile).name) &&
        FILE_NAME.test((f as SealedFile).name) &&
        str((f as SealedFile).sha256) &&
        /^[0-9a-f]{64}$/.test((f as SealedFile).sha256),
    )
  )
    return '"files" is not a list of {name, sha256} with plain file names';
  const anchored = anchoredCheckpointShapeProblem(v);
  if (anchored !== null) return anchored;
  if ((v['tst'] === undefined) !== (v['genTime'] === undefined)) return '"tst" and "genTime" go together';
  return value as EvidenceSeal;
}

/**
 * Verifies a seal and the files it names (`read` returns a file's bytes, or null when it is missing):
 * signature by a known key, the manifest digest as the signed head, each file's digest, and the time-stamp.
 */
export async function verifyEvidenceSeal(
  seal: EvidenceSeal,
  read: (name: string) => Uint8Array | null,
  opts: EvidenceVerifyOptions,
): Promise<EvidenceVerdict> {
  const fail = (problem: EvidenceProblem, detail: string): EvidenceVerdict => ({
    ok: false,
    problem,
    detail,
  });
  const cp = seal.checkpoint;
  const signed = checkSignedCheckpoint(seal, opts.keys, 'the seal');
  if (signed !== null)
    return fail(signed.problem === 'bad-body' ? 'bad-manifest' : signed.problem, signed.detail);
  // SECURITY: the signed head must be the digest of exactly the files listed: a seal whose parts were swapped
  // between reports verifies nowhere.
  if (cp.size !== seal.files.length)
    return fail('bad-manifest', `size ${cp.size} but ${seal.files.length} files`);
  if (sha256(evidenceManifest(seal.files)) !== cp.head)
    return fail('bad-manifest', 'the listed file digests are not the signed head');
  for (const f of seal.files) {
    const bytes = read(f.name);
    if (bytes === null) return fail('missing-file', `${f.name}: missing`);
    const actual = sha256(bytes);
    if (actual !== f.sha256)
      return fail(
        'digest-mismatch',
        `${f.name}: sha256 ${actual} is not the sealed ${f.sha256} (the file changed)`,
      );
  }
  const anchor = await checkAnchor(seal, opts.tsaCaPem, 'the seal');
  if (!anchor.ok) return fail(anchor.problem, anchor.detail);
  return { ok: true, origin: cp.origin, files: seal.files, timestamped: anchor.timestamped };
}
