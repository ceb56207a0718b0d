/**
 * `writ audit fleet-anchor` and `writ audit fleet-verify`: one RFC 3161 time-stamp for many replicas.
 * fleet-anchor takes the replicas' checkpoint notes (`writ audit note`), checks each signature, builds the
 * RFC 6962 tree, signs its root with the fleet key and anchors it once; fleet-verify checks, offline, that
 * one replica's note is in a fleet checkpoint and that the checkpoint and its time-stamp hold.
 */
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { anchorFleet } from './anchoring/fleet-tree.js';
import { fleetCheckpointOf, verifyFleetInclusion } from './anchoring/fleet-verify.js';
import { createTsaClient } from './anchoring/tsa-client.js';
import { signerFromPrivateKey } from '../keys/local-key.js';
import { parseCheckpointNote } from '../pipeline/audit-record/checkpoint.js';
import { loadPublicKeys } from './verify-file.js';

export interface FleetAnchorFlags {
  /** The replicas' public keys (JWKS or PEM): every note must verify under one of them. */
  readonly keys: string;
  /** The fleet's Ed25519 private key (PKCS#8 PEM) that signs the tree head. */
  readonly signingKey: string;
  /** The fleet checkpoint's origin line, e.g. `writ-fleet/prod`. */
  readonly origin: string;
  /** RFC 3161 TSA URL and its CA (PEM); both or neither. */
  readonly tsaUrl?: string;
  readonly tsaCa?: string;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Prints the fleet checkpoint as JSON. Exit 0, 1 when a note does not verify or the TSA fails, 2 on bad input. */
export async function runFleetAnchor(
  notes: readonly string[],
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
  flags: FleetAnchorFlags,
): Promise<number> {
  let texts: string[];
  let signer;
  let tsa;
  let keys;
  try {
    if ((flags.tsaUrl === undefined) !== (flags.tsaCa === undefined))
      throw new Error('--tsa-url and --tsa-ca go together');
    keys = loadPublicKeys(flags.keys);
    signer = signerFromPrivateKey(createPrivateKey(readFileSync(flags.signingKey)));
    texts = notes.map((f) => readFileSync(f, 'utf8'));
    tsa =
      flags.tsaUrl === undefined
        ? undefined
        : createTsaClient({ url: flags.tsaUrl, trustedCaPem: readFileSync(flags.tsaCa!, 'utf8') });
  } catch (e) {
    err.write(`writ audit fleet-anchor: ${message(e)}\n`);
    return 2;
  }
  // SECURITY: only notes a replica key signed go into the tree: the fleet signature vouches for each leaf.
  for (const [i, text] of texts.entries()) {
    try {
      parseCheckpointNote(text, (kid) => keys.get(kid));
    } catch (e) {
      err.write(`writ audit fleet-anchor: ${notes[i]}: ${message(e)}\n`);
      return 1;
    }
  }
  try {
    const fleet = await anchorFleet(texts, signer, flags.origin, tsa);
    out.write(`${JSON.stringify(fleet, null, 2)}\n`);
    return 0;
  } catch (e) {
    err.write(`writ audit fleet-anchor: ${message(e)}\n`);
    return 1;
  }
}

export interface FleetVerifyFlags {
  /** The replica note to look for (`writ audit note`). */
  readonly note: string;
  /** The replicas' public keys: the note's signature is checked too. */
  readonly keys: string;
  /** The fleet's public keys. */
  readonly fleetKeys: string;
  readonly tsaCa?: string;
}

/** Exit 0 when the note is in the fleet checkpoint and everything verifies, 1 when not, 2 on bad input. */
export async function runFleetVerify(
  fleetFile: string,
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
  flags: FleetVerifyFlags,
): Promise<number> {
  let fleet;
  let note: string;
  let fleetKeys;
  let tsaCaPem: string | undefined;
  try {
    const parsed = fleetCheckpointOf(JSON.parse(readFileSync(fleetFile, 'utf8')) as unknown);
    if (typeof parsed === 'string') throw new Error(`${fleetFile}: ${parsed}`);
    fleet = parsed;
    note = readFileSync(flags.note, 'utf8');
    fleetKeys = loadPublicKeys(flags.fleetKeys);
    tsaCaPem = flags.tsaCa === undefined ? undefined : readFileSync(flags.tsaCa, 'utf8');
    const replicaKeys = loadPublicKeys(flags.keys);
    parseCheckpointNote(note, (kid) => replicaKeys.get(kid));
  } catch (e) {
    err.write(`writ audit fleet-verify: ${message(e)}\n`);
    return 2;
  }
  const v = await verifyFleetInclusion(fleet, note, {
    fleetKeys,
    ...(tsaCaPem === undefined ? {} : { tsaCaPem }),
  });
  if (!v.ok) {
    out.write(`FAILED (${v.problem}): ${v.detail}\n`);
    return 1;
  }
  out.write(
    `ok: leaf ${v.index} of ${v.size} in ${fleet.checkpoint.origin}, root ${fleet.checkpoint.head}; ` +
      (v.timestamped === null ? 'time-stamp NOT checked: no --tsa-ca\n' : `time-stamped ${v.timestamped}\n`),
  );
  return 0;
}
