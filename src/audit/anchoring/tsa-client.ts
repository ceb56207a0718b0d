/**
 * The Time-Stamp Protocol over HTTP (RFC 3161 §3.4): POSTs a TimeStampReq and accepts the reply only
 * after verifying it completely against the configured TSA CA, nonce included.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { TimestampAuthority } from '../checkpointer.js';
import {
  buildTimeStampRequest,
  newNonce,
  TimestampError,
  tokenFromResponse,
  verifyTimeStampToken,
} from './timestamp-token.js';

export interface TsaClientOptions {
  readonly url: string;
  /** PEM of the TSA's root CA: replies that do not chain to it are refused. */
  readonly trustedCaPem: string;
  readonly timeoutMs?: number;
}

/** A TimestampAuthority over HTTP; each call sends a fresh nonce and verifies the reply before returning. */
export function createTsaClient(opts: TsaClientOptions): TimestampAuthority {
  return {
    url: opts.url,
    async timestamp(data) {
      const imprint = createHash('sha256').update(data).digest();
      const nonce = newNonce((n) => randomBytes(n));
      const res = await fetch(opts.url, {
        method: 'POST',
        headers: { 'content-type': 'application/timestamp-query' },
        body: buildTimeStampRequest(imprint, nonce),
        signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
      });
      if (res.status !== 200) throw new TimestampError('rejected', `TSA answered HTTP ${res.status}`);
      if (res.headers.get('content-type') !== 'application/timestamp-reply')
        throw new TimestampError('malformed', 'TSA reply is not application/timestamp-reply');
      const token = tokenFromResponse(new Uint8Array(await res.arrayBuffer()));
      const verified = await verifyTimeStampToken(token, { data, nonce, trustedCaPem: opts.trustedCaPem });
      return { token, genTime: verified.genTime };
    },
  };
}
