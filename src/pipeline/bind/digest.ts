/** The one digest every bound value uses: SHA-256, base64url without padding. */
import { hash } from 'node:crypto';

/** SHA-256, base64url without padding. */
export function sha256Base64url(data: Uint8Array | string): string {
  // crypto.hash: one call, no Hash object (about 2x faster than createHash for these sizes).
  return hash('sha256', data, 'base64url');
}
