/**
 * `writ audit verify --evidence SEAL --keys JWKS|PEM [--tsa-ca PEM]`: checks an evidence report
 * (`npm run evidence`) offline: the seal's signature by one of the audit log's keys, every sealed file
 * beside it byte for byte, and its RFC 3161 time-stamp against the TSA root.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { evidenceSealOf, verifyEvidenceSeal } from './evidence-seal.js';
import { loadPublicKeys } from './verify-file.js';

export interface EvidenceVerifyFlags {
  /** Public keys (JWKS or PEM) the seal may be signed with: the audit log's. */
  readonly keys: string;
  /** The TSA root CA (PEM): given, the seal must carry a time-stamp that verifies. */
  readonly tsaCa?: string;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Exit 0 when the report verifies, 1 when it does not (with the reason), 2 on unreadable input. */
export async function runEvidenceVerify(
  sealFile: string,
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
  flags: EvidenceVerifyFlags,
): Promise<number> {
  let seal;
  let keys;
  let tsaCaPem: string | undefined;
  try {
    keys = loadPublicKeys(flags.keys);
    tsaCaPem = flags.tsaCa === undefined ? undefined : readFileSync(flags.tsaCa, 'utf8');
    if (tsaCaPem !== undefined && !tsaCaPem.includes('-----BEGIN CERTIFICATE-----'))
      throw new Error(`no PEM certificate in "${flags.tsaCa}"`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(sealFile, 'utf8'));
    } catch (e) {
      throw new Error(`${sealFile}: not a JSON evidence seal (${message(e)})`);
    }
    const narrowed = evidenceSealOf(parsed);
    if (typeof narrowed === 'string') throw new Error(`${sealFile}: ${narrowed}`);
    seal = narrowed;
  } catch (e) {
    err.write(`writ audit verify: ${message(e)}\n`);
    return 2;
  }
  // The sealed files sit beside the seal; their names are plain file names (evidenceSealOf checks).
  const dir = dirname(sealFile);
  const read = (name: string): Uint8Array | null => {
    try {
      return readFileSync(join(dir, name));
    } catch {
      return null;
    }
  };
  const v = await verifyEvidenceSeal(seal, read, { keys, ...(tsaCaPem === undefined ? {} : { tsaCaPem }) });
  if (!v.ok) {
    out.write(`FAILED (${v.problem}): ${v.detail}\n`);
    return 1;
  }
  const stamp =
    v.timestamped !== null
      ? `time-stamped ${v.timestamped}`
      : seal.tst === undefined
        ? 'no time-stamp (none was configured when it was sealed)'
        : 'time-stamp NOT checked: no --tsa-ca';
  out.write(`ok: ${v.origin}, ${v.files.map((f) => f.name).join(', ')} as sealed; ${stamp}\n`);
  return 0;
}
