/** Offline key trust: a signing key is trusted only through a root's certification, and only within its validity. */
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyAuditText } from '../../src/audit/verify-file.js';
import { certificationInput, publicJwk } from '../../src/keys/key-events.js';
import { signerFromPrivateKey } from '../../src/keys/local-key.js';
import type { Signer } from '../../src/keys/signer.js';
import type { AuditEvent } from '../../src/pipeline/audit-record/audit-event.js';
import { makeCheckpoint } from '../../src/pipeline/audit-record/checkpoint.js';
import { chainRecord, GENESIS_HASH } from '../../src/pipeline/audit-record/hash-chain.js';

const newSigner = () => signerFromPrivateKey(generateKeyPairSync('ed25519').privateKey);
const root = newSigner();
const T0 = Date.UTC(2026, 0, 5); // ms

function certify(issuer: Signer, key: Signer, nbf: number, exp: number): string {
  const input = certificationInput(issuer.kid, key.publicKey, nbf, exp);
  return `${input}.${Buffer.from(issuer.sign(Buffer.from(input, 'ascii'))).toString('base64url')}`;
}

const keyAdded = (key: Signer, certification: string | null): AuditEvent => ({
  type: 'audit.key-added',
  kid: key.kid,
  jwk: publicJwk(key.publicKey),
  role: certification === null ? 'root' : 'signing',
  root_kind: 'local',
  issuer: certification === null ? null : root.kid,
  certification,
});

/** Chains events at the given times; `checkpointBy` makes a checkpoint signed by that key over the head. */
function log(items: Array<{ at: number; event?: AuditEvent; checkpointBy?: Signer }>): string {
  let prev = GENESIS_HASH;
  return items
    .map((it, i) => {
      const event: AuditEvent =
        it.checkpointBy !== undefined
          ? makeCheckpoint(it.checkpointBy, 'writ-audit/k', i, prev)
          : (it.event ?? { type: 'audit.started' });
      const { record, line } = chainRecord(prev, i + 1, it.at, event);
      prev = record.hash;
      return line;
    })
    .join('');
}

const trustRoot = new Map([[root.kid, root.publicKey]]);
const nbf = T0 / 1000;

describe('key trust in `writ audit verify`', () => {
  it('trusts a certified signing key for checkpoints inside its validity', async () => {
    const k = newSigner();
    const text = log([
      { at: T0, event: keyAdded(root, null) },
      { at: T0, event: keyAdded(k, certify(root, k, nbf, nbf + 600)) },
      { at: T0 + 1000, event: { type: 'audit.started' } },
      { at: T0 + 2000, checkpointBy: k },
    ]);
    expect(await verifyAuditText([text], { keys: trustRoot })).toMatchObject({ ok: true, checkpoints: 1 });
  });

  it('refuses a checkpoint made after the key certification expired', async () => {
    const k = newSigner();
    const text = log([
      { at: T0, event: keyAdded(k, certify(root, k, nbf, nbf + 600)) },
      { at: T0 + 601_000, checkpointBy: k },
    ]);
    const v = await verifyAuditText([text], { keys: trustRoot });
    expect(v.firstBad).toMatchObject({ line: 2, problem: 'bad-checkpoint' });
    expect(v.firstBad!.detail).toMatch(/validity/);
  });

  it('refuses a key certified by an untrusted issuer, or announced under another kid', async () => {
    const k = newSigner();
    const mallory = newSigner();
    const forged = log([{ at: T0, event: keyAdded(k, certify(mallory, k, nbf, nbf + 600)) }]);
    expect((await verifyAuditText([forged], { keys: trustRoot })).firstBad).toMatchObject({
      line: 1,
      problem: 'bad-key-event',
    });
    const other = newSigner();
    const swapped = log([{ at: T0, event: { ...keyAdded(other, certify(root, k, nbf, nbf + 600)) } }]);
    expect((await verifyAuditText([swapped], { keys: trustRoot })).firstBad).toMatchObject({
      problem: 'bad-key-event',
    });
    // And a key never announced cannot sign checkpoints.
    const unannounced = log([{ at: T0, checkpointBy: k }]);
    expect((await verifyAuditText([unannounced], { keys: trustRoot })).firstBad).toMatchObject({
      problem: 'unknown-key',
    });
  });
});
