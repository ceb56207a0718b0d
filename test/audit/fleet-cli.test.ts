/** `writ audit fleet-anchor` / `fleet-verify` over real replica logs, with the real RFC 3161 TSA (openssl ts). */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jwksDocument } from '../../src/admin/admin-server.js';
import { runFleetAnchor, runFleetVerify } from '../../src/audit/fleet.js';
import { runAuditNote } from '../../src/audit/note.js';
import { signerFromPrivateKey } from '../../src/keys/local-key.js';
import type { Signer } from '../../src/keys/signer.js';
import { checkpointNote, makeCheckpoint } from '../../src/pipeline/audit-record/checkpoint.js';
import { withCheckpoints } from '../../src/audit/checkpointer.js';
import { openFileAuditLog } from '../../src/audit/file-audit-log.js';
import { startTestTsa, type TestTsa } from '../support/tsa.js';

const dir = mkdtempSync(join(tmpdir(), 'writ-fleet-'));
let tsa: TestTsa;
const tsaCa = join(dir, 'tsa-ca.pem');
beforeAll(async () => {
  tsa = await startTestTsa();
  writeFileSync(tsaCa, tsa.caPem);
}, 60_000);
afterAll(async () => {
  await tsa.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
const newSigner = () => {
  const { privateKey } = generateKeyPairSync('ed25519');
  return {
    signer: signerFromPrivateKey(privateKey),
    pem: privateKey.export({ format: 'pem', type: 'pkcs8' }),
  };
};
function capture() {
  const chunks: string[] = [];
  return {
    text: () => chunks.join(''),
    sink: { write: (s: string) => chunks.push(s) } as unknown as NodeJS.WritableStream,
  };
}

/** A replica's log with `records` decisions and a checkpoint after them; returns the file. */
function replicaLog(name: string, signer: Signer, records: number): string {
  const path = join(dir, `${name}.jsonl`);
  const log = withCheckpoints(openFileAuditLog({ path, fsyncIntervalMs: 0 }), {
    signer: () => signer,
    origin: `writ-audit/${name}`,
    everyRecords: 0,
    everyMs: 0,
    now: () => 1_767_600_000_000,
    log: silent,
  });
  for (let i = 1; i <= records; i++) log.append({ type: 'audit.started', i }, 1_767_600_000_000 + i);
  log.close(); // writes the checkpoint covering them
  return path;
}

describe('fleet anchoring from the command line', () => {
  const replicas = ['a', 'b', 'c'].map((name) => ({ name, ...newSigner() }));
  const replicaKeys = join(dir, 'replicas.jwks');
  writeFileSync(replicaKeys, JSON.stringify(jwksDocument(replicas.map((r) => r.signer.publicKey))));
  const fleet = newSigner();
  const fleetKeyFile = join(dir, 'fleet-key.pem');
  writeFileSync(fleetKeyFile, fleet.pem);
  const fleetPublic = join(dir, 'fleet.pub.pem');
  writeFileSync(fleetPublic, fleet.signer.publicKey.export({ format: 'pem', type: 'spki' }));

  async function fleetVerify(file: string, note: string, over: object = {}) {
    const o = capture();
    const code = await runFleetVerify(file, o.sink, o.sink, {
      note,
      keys: replicaKeys,
      fleetKeys: fleetPublic,
      tsaCa,
      ...over,
    });
    return { code, text: o.text() };
  }

  async function noteOf(name: string, signer: Signer, records: number): Promise<string> {
    const out = capture();
    const code = await runAuditNote(replicaLog(name, signer, records), out.sink, capture().sink, {
      keys: replicaKeys,
    });
    expect(code).toBe(0);
    const file = join(dir, `${name}.note`);
    writeFileSync(file, out.text());
    return file;
  }

  it('anchors the replicas once; each proves its note is covered; tampering and strangers fail', async () => {
    const notes = await Promise.all(replicas.map((r, i) => noteOf(r.name, r.signer, 3 + i)));
    const out = capture();
    const err = capture();
    const answered = tsa.answered();
    const code = await runFleetAnchor(notes, out.sink, err.sink, {
      keys: replicaKeys,
      signingKey: fleetKeyFile,
      origin: 'writ-fleet/prod',
      tsaUrl: tsa.url,
      tsaCa,
    });
    expect(err.text()).toBe('');
    expect(code).toBe(0);
    expect(tsa.answered()).toBe(answered + 1); // one time-stamp for the whole fleet
    const fleetFile = join(dir, 'fleet.json');
    writeFileSync(fleetFile, out.text());
    const verify = (note: string, file = fleetFile, over: object = {}) => fleetVerify(file, note, over);
    for (const note of notes) {
      const v = await verify(note);
      expect(v.text).toMatch(/^ok: leaf \d of 3 in writ-fleet\/prod, root [0-9a-f]{64}; time-stamped \d{4}-/);
      expect(v.code).toBe(0);
    }
    // A later checkpoint of replica a is not in this fleet checkpoint.
    const later = await noteOf('a-later', replicas[0]!.signer, 9);
    expect(await verify(later)).toMatchObject({
      code: 1,
      text: expect.stringMatching(/^FAILED \(not-included\)/),
    });
    // Swapping a leaf keeps the signature but breaks the root.
    const doc = JSON.parse(readFileSync(fleetFile, 'utf8')) as { leaves: string[] };
    doc.leaves[0] = readFileSync(later, 'utf8');
    const swapped = join(dir, 'swapped.json');
    writeFileSync(swapped, JSON.stringify(doc));
    expect(await verify(notes[0]!, swapped)).toMatchObject({
      code: 1,
      text: expect.stringMatching(/bad-root/),
    });
    // Another fleet key does not vouch for it.
    const strangerKey = join(dir, 'stranger.pub.pem');
    writeFileSync(strangerKey, newSigner().signer.publicKey.export({ format: 'pem', type: 'spki' }));
    expect(await verify(notes[0]!, fleetFile, { fleetKeys: strangerKey })).toMatchObject({
      code: 1,
      text: expect.stringMatching(/unknown-key/),
    });
  });

  it('refuses a note no replica key signed, and a time-stamp check without a time-stamp', async () => {
    const forger = newSigner().signer;
    const forged = join(dir, 'forged.note');
    writeFileSync(
      forged,
      checkpointNote(makeCheckpoint(forger, 'writ-audit/a', 3, 'ab'.repeat(32)), forger.publicKey),
    );
    const err = capture();
    const refused = await runFleetAnchor([forged], capture().sink, err.sink, {
      keys: replicaKeys,
      signingKey: fleetKeyFile,
      origin: 'writ-fleet/prod',
    });
    expect(refused).toBe(1);
    expect(err.text()).toContain('signed by unknown key');
    const note = await noteOf('d', replicas[1]!.signer, 2);
    const out = capture();
    expect(
      await runFleetAnchor([note], out.sink, capture().sink, {
        keys: replicaKeys,
        signingKey: fleetKeyFile,
        origin: 'writ-fleet/dev',
      }),
    ).toBe(0);
    const file = join(dir, 'untimed.json');
    writeFileSync(file, out.text());
    const timed = await fleetVerify(file, note);
    expect(timed.code).toBe(1);
    expect(timed.text).toMatch(/^FAILED \(bad-timestamp\): the fleet checkpoint carries no time-stamp/);
    const plain = await fleetVerify(file, note, { tsaCa: undefined });
    expect(plain.code).toBe(0);
    expect(plain.text).toContain('time-stamp NOT checked');
  });
});
