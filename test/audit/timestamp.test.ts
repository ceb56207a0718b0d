/** The RFC 3161 client against a real OpenSSL TSA: every check pkijs leaves out is made, and each can fail. */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTsaClient } from '../../src/audit/anchoring/tsa-client.js';
import {
  buildTimeStampRequest,
  newNonce,
  TimestampError,
  tokenFromResponse,
  verifyTimeStampToken,
} from '../../src/audit/anchoring/timestamp-token.js';
import { startTestTsa, type TestTsa } from '../support/tsa.js';

let tsa: TestTsa;
let other: TestTsa;
beforeAll(async () => {
  [tsa, other] = await Promise.all([startTestTsa(), startTestTsa()]);
}, 60_000);
afterAll(async () => {
  await Promise.all([tsa.dispose(), other.dispose()]);
});

const problemOf = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
  } catch (e) {
    if (e instanceof TimestampError) return e.problem;
    throw e;
  }
  return 'none';
};

async function rawReply(url: string, data: Uint8Array, nonce: Uint8Array): Promise<Uint8Array> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/timestamp-query' },
    body: buildTimeStampRequest(createHash('sha256').update(data).digest(), nonce),
  });
  return tokenFromResponse(new Uint8Array(await res.arrayBuffer()));
}

describe('RFC 3161 time-stamping', () => {
  it('gets a token that both writ and `openssl ts -verify` accept', async () => {
    const data = Buffer.from('checkpoint bytes');
    const client = createTsaClient({ url: tsa.url, trustedCaPem: tsa.caPem });
    const { token, genTime } = await client.timestamp(data);
    expect(Math.abs(genTime.getTime() - Date.now())).toBeLessThan(60_000);
    const v = await verifyTimeStampToken(token, { data, trustedCaPem: tsa.caPem });
    expect(v.tsaSubject).toContain('Test TSA');
    expect(v.policy).toBe('1.3.6.1.4.1.55555.1.1');
    // An independent verifier agrees (the token, not just our reading of it).
    writeFileSync(join(tsa.dir, 'data.bin'), data);
    writeFileSync(join(tsa.dir, 'token.der'), token);
    const out = execFileSync(
      'openssl',
      ['ts', '-verify', '-data', 'data.bin', '-in', 'token.der', '-token_in', '-CAfile', 'cacert.pem'],
      { cwd: tsa.dir, encoding: 'utf8' },
    );
    expect(out).toContain('Verification: OK');
  });

  it('refuses a token over other data (imprint) and one chained to another CA', async () => {
    const data = Buffer.from('a');
    const { token } = await createTsaClient({ url: tsa.url, trustedCaPem: tsa.caPem }).timestamp(data);
    expect(
      await problemOf(verifyTimeStampToken(token, { data: Buffer.from('b'), trustedCaPem: tsa.caPem })),
    ).toBe('imprint');
    expect(await problemOf(verifyTimeStampToken(token, { data, trustedCaPem: other.caPem }))).toBe('chain');
    // The client itself refuses a TSA whose CA is not the configured one.
    const wrongCa = createTsaClient({ url: other.url, trustedCaPem: tsa.caPem });
    expect(await problemOf(wrongCa.timestamp(data))).toBe('chain');
  });

  it('refuses a replayed reply: the nonce (and imprint) differ', async () => {
    const data = Buffer.from('fresh');
    const nonce = newNonce((n) => randomBytes(n));
    const token = await rawReply(tsa.url, data, nonce);
    expect(await problemOf(verifyTimeStampToken(token, { data, nonce, trustedCaPem: tsa.caPem }))).toBe(
      'none',
    );
    const otherNonce = newNonce((n) => randomBytes(n));
    expect(
      await problemOf(verifyTimeStampToken(token, { data, nonce: otherNonce, trustedCaPem: tsa.caPem })),
    ).toBe('nonce');
    tsa.replayPrevious = true;
    try {
      const client = createTsaClient({ url: tsa.url, trustedCaPem: tsa.caPem });
      expect(await problemOf(client.timestamp(Buffer.from('another')))).toMatch(/^(imprint|nonce)$/);
    } finally {
      tsa.replayPrevious = false;
    }
  });

  it.each(['non-critical', 'absent'] as const)(
    'refuses a token signed by a certificate whose timeStamping EKU is %s',
    async (eku) => {
      // OpenSSL's TSA refuses to sign with such a certificate, so the genuine TSTInfo is re-signed with
      // `openssl cms` (a valid CMS signature and chain): only the EKU check can catch it.
      const lax = await startTestTsa({ eku });
      try {
        const data = Buffer.from('x');
        const { token } = await createTsaClient({ url: tsa.url, trustedCaPem: tsa.caPem }).timestamp(data);
        const sd = new pkijs.SignedData({
          schema: pkijs.ContentInfo.fromBER(new Uint8Array(token).slice().buffer).content,
        });
        writeFileSync(join(lax.dir, 'tst.der'), new Uint8Array(sd.encapContentInfo.eContent!.getValue()));
        execFileSync(
          'openssl',
          [
            'cms',
            '-sign',
            '-binary',
            '-nodetach',
            '-in',
            'tst.der',
            '-econtent_type',
            '1.2.840.113549.1.9.16.1.4',
            '-signer',
            'tsacert.pem',
            '-inkey',
            'private/tsakey.pem',
            '-md',
            'sha256',
            '-outform',
            'DER',
            '-out',
            'resigned.der',
          ],
          { cwd: lax.dir },
        );
        const resigned = new Uint8Array(readFileSync(join(lax.dir, 'resigned.der')));
        expect(await problemOf(verifyTimeStampToken(resigned, { data, trustedCaPem: lax.caPem }))).toBe(
          'eku',
        );
      } finally {
        await lax.dispose();
      }
    },
  );

  it('refuses a token whose embedded certificate was swapped (ESS signing-certificate binding)', async () => {
    const data = Buffer.from('bound');
    // Re-issue the TSA certificate for the same key, issuer and serial: signature and chain still verify,
    // only the ESS binding tells the certificates apart.
    const serial = execFileSync('openssl', ['x509', '-in', 'tsacert.pem', '-noout', '-serial'], {
      cwd: tsa.dir,
      encoding: 'utf8',
    })
      .trim()
      .replace('serial=', '');
    execFileSync(
      'openssl',
      [
        'x509',
        '-req',
        '-in',
        'tsa.csr',
        '-CA',
        'cacert.pem',
        '-CAkey',
        'private/cakey.pem',
        '-set_serial',
        `0x${serial}`,
        '-out',
        'twin.pem',
        '-days',
        '30',
        '-extfile',
        'tsa_ext.cnf',
      ],
      { cwd: tsa.dir },
    );
    const twinDer = execFileSync('openssl', ['x509', '-in', 'twin.pem', '-outform', 'DER'], { cwd: tsa.dir });
    // Time-stamped after the twin exists, so the twin is valid at genTime.
    await new Promise((r) => setTimeout(r, 1100));
    const { token } = await createTsaClient({ url: tsa.url, trustedCaPem: tsa.caPem }).timestamp(data);
    const ci = pkijs.ContentInfo.fromBER(new Uint8Array(token).slice().buffer);
    const sd = new pkijs.SignedData({ schema: ci.content });
    sd.certificates = [pkijs.Certificate.fromBER(new Uint8Array(twinDer).slice().buffer)];
    const swapped = new pkijs.ContentInfo({ contentType: ci.contentType, content: sd.toSchema(true) });
    const der = new Uint8Array(swapped.toSchema().toBER(false));
    expect(asn1js.fromBER(der.slice().buffer).offset).toBe(der.length);
    expect(await problemOf(verifyTimeStampToken(der, { data, trustedCaPem: tsa.caPem }))).toBe(
      'signing-certificate',
    );
  });

  it('reports a TSA that is down as an error, not a hang', async () => {
    const client = createTsaClient({ url: tsa.url, trustedCaPem: tsa.caPem, timeoutMs: 2000 });
    await tsa.stop();
    try {
      await expect(client.timestamp(Buffer.from('y'))).rejects.toThrow();
    } finally {
      await tsa.start();
    }
    await expect(client.timestamp(Buffer.from('y'))).resolves.toMatchObject({
      token: expect.any(Uint8Array),
    });
  });
});
