/**
 * RFC 3161 time-stamp requests and tokens: builds a TimeStampReq (SHA-256 imprint, nonce, certReq) and
 * verifies a TimeStampToken fully, including what pkijs leaves out: the TSA certificate's critical
 * timeStamping EKU (RFC 3161 §2.3), the nonce, and the ESS signing-certificate(-v2) binding (RFC 5816).
 */
// pkijs verifies with globalThis.crypto (WebCrypto), which Node 20+ provides.
import { createHash, X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

const OID_SHA256 = '2.16.840.1.101.3.4.2.1';
const OID_SHA1 = '1.3.14.3.2.26';
const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';
const OID_TST_INFO = '1.2.840.113549.1.9.16.1.4';
const OID_EKU = '2.5.29.37';
const OID_KP_TIMESTAMPING = '1.3.6.1.5.5.7.3.8';
const OID_SIGNING_CERT_V2 = '1.2.840.113549.1.9.16.2.47';
const OID_SIGNING_CERT_V1 = '1.2.840.113549.1.9.16.2.12';

const DIGEST_BY_OID: Readonly<Record<string, string>> = {
  [OID_SHA256]: 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
  [OID_SHA1]: 'sha1',
};

const toArrayBuffer = (b: Uint8Array): ArrayBuffer =>
  b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
const hex = (b: ArrayBuffer | Uint8Array): string => Buffer.from(b as Uint8Array).toString('hex');

/** A fresh positive 63-bit nonce, as minimal big-endian bytes (first byte 0x40..0x7f). */
export function newNonce(random: (n: number) => Uint8Array): Uint8Array {
  const bytes = Uint8Array.from(random(8));
  bytes[0] = ((bytes[0] ?? 0) & 0x3f) | 0x40; // positive, and never a leading zero byte (minimal DER)
  return bytes;
}

/** DER TimeStampReq for a SHA-256 imprint, asking for the TSA certificate (certReq) with a nonce. */
export function buildTimeStampRequest(imprint: Uint8Array, nonce: Uint8Array): Uint8Array {
  if (imprint.length !== 32) throw new TypeError('imprint must be a SHA-256 digest');
  const req = new pkijs.TimeStampReq({
    version: 1,
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID_SHA256 }),
      hashedMessage: new asn1js.OctetString({ valueHex: toArrayBuffer(imprint) }),
    }),
    nonce: new asn1js.Integer({ valueHex: toArrayBuffer(nonce) }),
    certReq: true,
  });
  return new Uint8Array(req.toSchema().toBER(false));
}

/** Why a token or a reply was refused; stable strings for logs and `writ audit verify`. */
export type TstProblem =
  'malformed' | 'rejected' | 'imprint' | 'nonce' | 'eku' | 'signing-certificate' | 'chain' | 'signature';

export class TimestampError extends Error {
  override readonly name = 'TimestampError';
  constructor(
    readonly problem: TstProblem,
    message: string,
  ) {
    super(message);
  }
}

/** Extracts the TimeStampToken (DER ContentInfo) from a TimeStampResp; throws unless granted. */
export function tokenFromResponse(der: Uint8Array): Uint8Array {
  let resp: pkijs.TimeStampResp;
  try {
    resp = pkijs.TimeStampResp.fromBER(toArrayBuffer(der));
  } catch (e) {
    throw new TimestampError('malformed', `time-stamp reply is not a TimeStampResp: ${String(e)}`);
  }
  const status: number = resp.status.status;
  // 0 granted, 1 grantedWithMods (RFC 3161 §2.4.2); anything else carries no token.
  if ((status !== 0 && status !== 1) || resp.timeStampToken === undefined) {
    const text = resp.status.statusStrings?.map((s) => s.valueBlock.value).join('; ') ?? '';
    throw new TimestampError(
      'rejected',
      `TSA refused the request (status ${status}${text ? `: ${text}` : ''})`,
    );
  }
  return new Uint8Array(resp.timeStampToken.toSchema().toBER(false));
}

export interface TstCheck {
  /** The time-stamped data; its SHA-256 must be the token's message imprint. */
  readonly data: Uint8Array;
  /** PEM certificates of the TSA roots trusted (the TSA's own CA, not the web PKI). */
  readonly trustedCaPem: string;
  /** The nonce sent, when checking a fresh reply; omitted offline. */
  readonly nonce?: Uint8Array;
}

export interface VerifiedTimestamp {
  readonly genTime: Date;
  readonly serial: string;
  readonly policy: string;
  readonly tsaSubject: string;
}

function pemCertificates(pem: string): pkijs.Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((b) => pkijs.Certificate.fromBER(toArrayBuffer(new X509Certificate(b).raw)));
}

const children = (b: asn1js.AsnType): asn1js.AsnType[] =>
  ((b as asn1js.Sequence).valueBlock as { value?: asn1js.AsnType[] }).value ?? [];

/** Checks the ESS signing-certificate binding: the first cert id must hash to the signer certificate. */
function checkSigningCertificate(signerInfo: pkijs.SignerInfo, signerCertDer: Uint8Array): void {
  const attrs = signerInfo.signedAttrs?.attributes ?? [];
  const v2 = attrs.find((a) => a.type === OID_SIGNING_CERT_V2);
  const v1 = attrs.find((a) => a.type === OID_SIGNING_CERT_V1);
  const attr = v2 ?? v1;
  // SECURITY: without this binding the TSA's signature does not say which certificate it meant, so a
  // substituted certificate with the same key would pass (RFC 5035 §1, RFC 5816).
  if (attr === undefined)
    throw new TimestampError('signing-certificate', 'token has no signing-certificate attribute');
  const signingCert = attr.values[0] as asn1js.AsnType | undefined;
  const certs = signingCert === undefined ? undefined : children(signingCert)[0];
  const first = certs === undefined ? undefined : children(certs)[0];
  if (first === undefined) throw new TimestampError('signing-certificate', 'signing-certificate is empty');
  const parts = children(first);
  let algorithm = v2 === undefined ? 'sha1' : 'sha256';
  let i = 0;
  if (v2 !== undefined && parts[0] instanceof asn1js.Sequence) {
    const oid = children(parts[0])[0];
    const name =
      oid instanceof asn1js.ObjectIdentifier ? DIGEST_BY_OID[oid.valueBlock.toString()] : undefined;
    if (name === undefined) throw new TimestampError('signing-certificate', 'unknown ESSCertIDv2 hash');
    algorithm = name;
    i = 1;
  }
  const certHash = parts[i];
  if (!(certHash instanceof asn1js.OctetString))
    throw new TimestampError('signing-certificate', 'ESSCertID has no certHash');
  const expected = createHash(algorithm).update(signerCertDer).digest('hex');
  if (hex(certHash.valueBlock.valueHexView) !== expected)
    throw new TimestampError(
      'signing-certificate',
      'signing-certificate hash does not match the signer certificate',
    );
}

/** Checks that the signer certificate's EKU is exactly timeStamping and critical (RFC 3161 §2.3). */
function checkEku(cert: pkijs.Certificate): void {
  const ext = (cert.extensions ?? []).filter((e) => e.extnID === OID_EKU);
  if (ext.length !== 1) throw new TimestampError('eku', 'TSA certificate has no extended key usage');
  const e = ext[0]!;
  if (!e.critical) throw new TimestampError('eku', 'TSA certificate extended key usage is not critical');
  const purposes = (e.parsedValue as pkijs.ExtKeyUsage | undefined)?.keyPurposes ?? [];
  if (purposes.length !== 1 || purposes[0] !== OID_KP_TIMESTAMPING)
    throw new TimestampError('eku', 'TSA certificate extended key usage is not exactly timeStamping');
}

/**
 * Verifies a TimeStampToken over `data`: signature, chain to the trusted CA at genTime, message imprint,
 * nonce, EKU and signing-certificate binding. Throws TimestampError naming the first failed check.
 */
export async function verifyTimeStampToken(token: Uint8Array, check: TstCheck): Promise<VerifiedTimestamp> {
  let signed: pkijs.SignedData;
  let tst: pkijs.TSTInfo;
  try {
    const ci = pkijs.ContentInfo.fromBER(toArrayBuffer(token));
    if (ci.contentType !== OID_SIGNED_DATA) throw new Error('not SignedData');
    signed = new pkijs.SignedData({ schema: ci.content });
    if (signed.encapContentInfo.eContentType !== OID_TST_INFO) throw new Error('content is not TSTInfo');
    const e = signed.encapContentInfo.eContent;
    if (e === undefined) throw new Error('no TSTInfo');
    tst = pkijs.TSTInfo.fromBER(e.getValue());
  } catch (e) {
    throw new TimestampError(
      'malformed',
      `time-stamp token does not parse: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  if (signed.signerInfos.length !== 1) throw new TimestampError('malformed', 'token must have one signer');
  const imprint = tst.messageImprint;
  if (imprint.hashAlgorithm.algorithmId !== OID_SHA256)
    throw new TimestampError('imprint', 'message imprint is not SHA-256');
  const want = createHash('sha256').update(check.data).digest('hex');
  if (hex(imprint.hashedMessage.valueBlock.valueHexView) !== want)
    throw new TimestampError('imprint', 'message imprint does not match the time-stamped data');
  if (check.nonce !== undefined) {
    const got = tst.nonce === undefined ? '' : hex(tst.nonce.valueBlock.valueHexView);
    if (got !== hex(check.nonce)) throw new TimestampError('nonce', 'reply nonce does not match the request');
  }
  const trusted = pemCertificates(check.trustedCaPem);
  if (trusted.length === 0) throw new TypeError('no trusted TSA CA certificate given');
  let result: pkijs.SignedDataVerifyResult;
  try {
    result = await signed.verify({
      signer: 0,
      data: toArrayBuffer(check.data),
      trustedCerts: trusted,
      checkChain: true,
      extendedMode: true,
    });
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const problem: TstProblem = /certificate/i.test(msg) ? 'chain' : 'signature';
    throw new TimestampError(problem, `time-stamp token does not verify: ${msg}`);
  }
  if (result.signatureVerified !== true || !result.signerCertificate)
    throw new TimestampError('signature', 'time-stamp token signature does not verify');
  const signerCert = result.signerCertificate;
  checkEku(signerCert);
  checkSigningCertificate(signed.signerInfos[0]!, new Uint8Array(signerCert.toSchema().toBER(false)));
  return {
    genTime: tst.genTime,
    serial: hex(tst.serialNumber.valueBlock.valueHexView),
    policy: tst.policy,
    tsaSubject: signerCert.subject.typesAndValues.map((t) => String(t.value.valueBlock.value)).join(','),
  };
}
